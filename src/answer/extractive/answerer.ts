import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import type { CorpusIndex } from "../../index/corpus-index.js";
import type { Sentence } from "../../ingest/types.js";
import { embeddedText, MAX_EMBEDDED_CHARS, type RankedPassage } from "../../retrieve/hybrid.js";
import { yieldToEventLoop } from "../turns.js";
import { citeSentence } from "../citations.js";
import { NOT_FOUND_ANSWER, type AnswerRequest, type Answerer, type Draft } from "../types.js";
import { splitQuestion } from "./compound.js";
import { CandidateData, type AnswererResources } from "./candidate-data.js";
import { corpusTermsOf } from "./counted-terms.js";
import { analyzeQuestion, candidatesOf, featureRows, unmatchedWords, type FeatureResources, type UnmatchedWord } from "./features.js";
import { contentTerms } from "../../text/terms.js";
import type { Span } from "../../text/span.js";
import type { AnswerScorer } from "./scorer.js";

/**
 * A compound question answers at most this many of its parts (the first ones): each part is scored
 * against every candidate sentence, so more parts would mean more work without bound.
 */
export const MAX_QUESTION_PARTS = 4;

export interface ExtractiveSettings {
  /** Below this probability that the best sentence answers, the answer is "not covered" (ANSWER_MIN_CONFIDENCE). */
  minConfidence: number;
  /** At or above this probability a grounded answer is `direct`; between the two thresholds, `related` (ANSWER_DIRECT_CONFIDENCE). */
  directConfidence: number;
  /** No answer is `direct` while the quote lacks a question word at least this rare (IDF as a share of the highest). */
  directUnmatchedRarity: number;
  /** The runner-up is quoted too when the ranker scores it within this many logits of the best. */
  secondSentenceMargin: number;
}

/** What the extractive answerer makes of a question: the sentences it would quote, and how sure it is. */
export interface Assessment {
  /** The calibrated probability that the best sentence answers the question. */
  confidence: number;
  /** The sentences to quote, best first: the best, and the runner-up when it scores nearly as well; none to decline. */
  sentences: Sentence[];
}

/**
 * Answers with the sentences of the retrieved passages that a learned scorer finds most likely to
 * answer the question, quoted exactly, or declines when it is not confident enough that any does.
 */
export class ExtractiveAnswerer implements Answerer {
  readonly mode = "extractive" as const;
  private readonly read = new WeakMap<RankedPassage[], Promise<FeatureResources>>();

  constructor(
    private readonly resources: AnswererResources,
    private readonly scorer: AnswerScorer,
    private readonly embeddings: EmbeddingsInterface,
    readonly settings: ExtractiveSettings,
  ) {}

  /** The answerer over `index`, a later version of this one's index (documents added or removed). */
  async after(index: CorpusIndex): Promise<ExtractiveAnswerer> {
    const terms = await corpusTermsOf(index, this.resources.terms);
    return new ExtractiveAnswerer({ ...this.resources, index, terms }, this.scorer, this.embeddings, this.settings);
  }

  async answer(request: AnswerRequest): Promise<Draft> {
    const { confidence, sentences } = await this.assess(request);
    if (sentences.length === 0) {
      request.onDelta?.(NOT_FOUND_ANSWER);
      return { answer: NOT_FOUND_ANSWER, grounded: false, mode: this.mode, citations: [], confidence };
    }
    const inOrder = inReadingOrder(sentences);
    const citations = inOrder.map((sentence, i) => citeSentence(this.resources.index, sentence, i + 1));
    const quoted = citations.map((c) => `${c.quote} [${c.id}]`);
    quoted.forEach((part, i) => request.onDelta?.(i === 0 ? part : ` ${part}`));
    return { answer: quoted.join(" "), grounded: true, mode: this.mode, citations, confidence };
  }

  /**
   * The sentences to quote and how sure the answerer is. For a compound question, each part confident
   * enough contributes its sentences, and the confidence is that of the least confident of them; with
   * none, the most confident part's, below the threshold.
   */
  async assess(request: Pick<AnswerRequest, "question" | "passages" | "questionVector">): Promise<Assessment> {
    const parts = await this.assessParts(request);
    const answered = parts.filter((p) => p.confidence >= this.settings.minConfidence);
    return answered.length > 0
      ? { confidence: Math.min(...answered.map((p) => p.confidence)), sentences: answered.flatMap((p) => p.sentences) }
      : { confidence: Math.max(0, ...parts.map((p) => p.confidence)), sentences: [] };
  }

  /**
   * The question's words that the cited text lacks, rarest first: the quotes and the retrieved passages
   * they sit in; for a decline (no quotes), the closest passage.
   */
  async unmatched(
    retrieval: Pick<AnswerRequest, "question" | "passages" | "questionVector">,
    cited: (Span & { documentId: string; quote: string })[],
  ): Promise<UnmatchedWord[]> {
    const features = await this.featureResources(retrieval);
    const { data } = features;
    const around =
      cited.length > 0
        ? retrieval.passages.filter((p) => cited.some((c) => c.documentId === p.documentId && p.start < c.end && c.start < p.end))
        : retrieval.passages.slice(0, 1);
    const terms = new Set([
      ...around.flatMap((p) => [...(data.passageTerms.get(p.id) ?? [])]),
      ...cited.flatMap((c) => contentTerms(c.quote)),
    ]);
    const unmatched = unmatchedWords(analyzeQuestion(retrieval.question, retrieval.questionVector, features), terms);
    return unmatched.map((w) => ({ ...w, word: asWritten(retrieval.question, w.word) }));
  }

  /**
   * What the features of `retrieval`'s candidates are computed with, read once per retrieval: answering, its
   * confidence and the words its quotes lack all ask for the same passages.
   */
  private featureResources(retrieval: Pick<AnswerRequest, "question" | "passages">): Promise<FeatureResources> {
    let read = this.read.get(retrieval.passages);
    if (!read) {
      const { wordVectors, wordNet } = this.resources;
      const questions = [retrieval.question, ...splitQuestion(retrieval.question).slice(0, MAX_QUESTION_PARTS)];
      read = CandidateData.read(retrieval.passages, questions, this.resources).then((data) => ({ data, wordVectors, wordNet }));
      this.read.set(retrieval.passages, read);
    }
    return read;
  }

  /** Each question a compound question asks ("When did it happen, and who explains it?"), assessed on its own. */
  private async assessParts(request: Pick<AnswerRequest, "question" | "passages" | "questionVector">): Promise<Assessment[]> {
    const parts = splitQuestion(request.question);
    const features = await this.featureResources(request);
    if (parts.length === 1) return [this.assessOne(request.question, request.questionVector, request, features)];
    if (request.question.length <= MAX_EMBEDDED_CHARS) {
      const vectors = await this.embeddings.embedDocuments(parts);
      return parts.map((part, i) => this.assessOne(part, vectors[i]!, request, features));
    }
    // A long question: its first parts only, each embedded at most MAX_EMBEDDED_CHARS long and on its own (the
    // encoder pads a batch to its longest text), with a pause between parts so other requests are not held up.
    const assessed: Assessment[] = [];
    for (const part of parts.slice(0, MAX_QUESTION_PARTS)) {
      await yieldToEventLoop();
      const vector = await this.embeddings.embedQuery(embeddedText(part));
      await yieldToEventLoop();
      assessed.push(this.assessOne(part, vector, request, features));
    }
    return assessed;
  }

  private assessOne(
    question: string,
    questionVector: number[],
    { passages }: Pick<AnswerRequest, "passages">,
    features: FeatureResources,
  ): Assessment {
    const candidates = candidatesOf(passages, features.data);
    if (candidates.length === 0) return { confidence: 0, sentences: [] };
    const rows = featureRows(analyzeQuestion(question, questionVector, features), candidates, features);
    const ranked = this.scorer.rank(rows);
    const best = ranked[0]!;
    const kept = ranked.slice(0, 2).filter((r) => best.logit - r.logit <= this.settings.secondSentenceMargin);
    return { confidence: this.scorer.confidence(rows, ranked), sentences: kept.map((r) => candidates[r.row]!.sentence) };
  }
}

/**
 * `sentences` (best first) once each, as a reader meets them: a document's in the order it has them, the
 * documents in the order of their best sentence.
 */
function inReadingOrder(sentences: Sentence[]): Sentence[] {
  const documents = [...new Set(sentences.map((s) => s.documentId))];
  const distinct = [...new Map(sentences.map((s) => [`${s.documentId}@${s.start}`, s])).values()];
  return distinct.sort((a, b) => documents.indexOf(a.documentId) - documents.indexOf(b.documentId) || a.start - b.start);
}

/** `word` (found lower-cased) as the question spells it: "France", not "france". */
function asWritten(question: string, word: string): string {
  const at = question.toLowerCase().indexOf(word);
  return at < 0 ? word : question.slice(at, at + word.length);
}
