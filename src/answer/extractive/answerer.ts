import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import { dot, unit } from "../embeddings/vectors.js";
import type { WordVectors } from "../embeddings/word-vectors.js";
import type { CorpusIndex } from "../index/store.js";
import type { Sentence } from "../ingest/types.js";
import { contentWords, isTypoOf, isStopWordTypo } from "../retrieve/terms.js";
import { containsAnswerType, expectedAnswerType } from "./answer-type.js";
import { citeSentence } from "./citations.js";
import { splitQuestion } from "./compound.js";
import { NOT_FOUND_ANSWER, type AnswerRequest, type Answerer, type Draft } from "./types.js";

/**
 * The grounding threshold and answer length. `minScore` is calibrated with
 * `npm run eval -- --dataset tests/golden/article.jsonl --calibrate`; see the README.
 */
export interface ExtractiveSettings {
  minScore: number;
  /** A second sentence is added when it scores within this margin of the best. */
  secondSentenceMargin: number;
}

export const DEFAULT_EXTRACTIVE_SETTINGS: ExtractiveSettings = { minScore: 0.61, secondSentenceMargin: 0.1 };

/** What the score of a sentence is made of; each in [0, 1] except answerType, in [-1, 1]. */
export interface SentenceFeatures {
  /** Cosine similarity of the sentence and the question. */
  semantic: number;
  /** Share of the question's IDF weight the sentence matches: exactly, by a synonym, or (half) in its heading. */
  coverage: number;
  /** How well the worst-matched of the question's most specific terms is matched: low when the sentence is about something else. */
  focus: number;
  /** 1 when the question asks for a number/date/name and the sentence has one, -1 when it lacks it, else 0. */
  answerType: number;
}

/** Chosen by measuring answer hit and declines on the golden set and the SQuAD sample (see the README). */
const FEATURE_WEIGHTS: SentenceFeatures = { semantic: 0.6, coverage: 0.45, focus: 0.1, answerType: 0.05 };

/**
 * Word-vector cosine below which two words are unrelated, and above which they are synonyms. High,
 * because GloVe puts related words close too ("injured" and "killed": 0.74; "worsen" and "exacerbate": 0.82).
 */
const SYNONYM_FLOOR = 0.65;
const SYNONYM_CEILING = 0.95;

/** Terms at least this close to the question's rarest term count as its specific terms. */
const SPECIFIC_SHARE = 0.75;

/** A content term of the question, how specific it is, and its word vector for synonym matching. */
interface QuestionTerm {
  term: string;
  weight: number;
  vector?: ArrayLike<number>;
}

export interface ScoredSentence {
  sentence: Sentence;
  score: number;
  features: SentenceFeatures;
}

/** Answers with the sentences of the retrieved passages that best answer the question, quoted exactly. */
export class ExtractiveAnswerer implements Answerer {
  readonly mode = "extractive" as const;
  /** The word vector of each corpus term that has one, looked up once. */
  private readonly termVectors: Map<string, Float32Array>;

  constructor(
    private readonly index: CorpusIndex,
    private readonly embeddings: EmbeddingsInterface,
    private readonly wordVectors: WordVectors,
    private readonly settings: ExtractiveSettings = DEFAULT_EXTRACTIVE_SETTINGS,
  ) {
    this.termVectors = new Map();
    for (const [term, word] of index.vocabulary) {
      const vector = wordVectors.vector(word);
      if (vector) this.termVectors.set(term, vector);
    }
  }

  async answer(request: AnswerRequest): Promise<Draft> {
    const chosen = await this.chooseSentences(request);
    if (chosen.length === 0) {
      request.onDelta?.(NOT_FOUND_ANSWER);
      return { answer: NOT_FOUND_ANSWER, grounded: false, mode: this.mode, citations: [] };
    }
    const citations = chosen.map((sentence, i) => citeSentence(this.index, sentence, i + 1));
    const parts = citations.map((c) => `${c.quote} [${c.id}]`);
    parts.forEach((part, i) => request.onDelta?.(i === 0 ? part : ` ${part}`));
    return { answer: parts.join(" "), grounded: true, mode: this.mode, citations };
  }

  /**
   * The best sentence, and the runner-up when it scores nearly as well, in document order; for a
   * compound question, the best sentence for each of its parts. None when nothing passes the threshold.
   */
  private async chooseSentences(request: AnswerRequest): Promise<Sentence[]> {
    const { compound, candidates } = await this.candidates(request);
    const best = candidates[0];
    if (!best || best.score < this.settings.minScore) return [];
    const kept = compound
      ? candidates.filter((c) => c.score >= this.settings.minScore)
      : candidates.filter((c) => best.score - c.score <= this.settings.secondSentenceMargin);
    return kept.map((c) => c.sentence).sort((a, b) => a.index - b.index);
  }

  /**
   * The sentences that may answer, best first: the top two for a simple question, the best one for
   * each part of a compound question. The first one's score is what the threshold is compared with.
   */
  async candidates(request: Pick<AnswerRequest, "question" | "passages" | "questionVector">): Promise<{ compound: boolean; candidates: ScoredSentence[] }> {
    const parts = splitQuestion(request.question);
    if (parts.length === 1) {
      const terms = this.questionTerms(request.question);
      return { compound: false, candidates: this.scoreSentences(request, terms).slice(0, 2) };
    }
    const vectors = await this.embeddings.embedDocuments(parts);
    const best = new Map<number, ScoredSentence>();
    for (const [i, part] of parts.entries()) {
      const top = this.scoreSentences({ ...request, question: part, questionVector: vectors[i]! }, this.questionTerms(part))[0];
      if (top && (best.get(top.sentence.index)?.score ?? -Infinity) < top.score) best.set(top.sentence.index, top);
    }
    return { compound: true, candidates: [...best.values()].sort((a, b) => b.score - a.score) };
  }

  /** The question's content terms with their IDF weights and word vectors. */
  private questionTerms(question: string): QuestionTerm[] {
    // A word the corpus lacks that is one typo from a stop word ("wat", "ther") is that stop word.
    const words = new Map(
      contentWords(question)
        .filter((w) => this.index.vocabulary.has(w.term) || !isStopWordTypo(w.word))
        .map((w) => [w.term, w.word]),
    );
    return [...words].map(([term, word]) => ({
      term,
      weight: this.index.terms.idf(term),
      vector: this.termVectors.get(term) ?? this.wordVectors.vector(word),
    }));
  }

  /**
   * Every sentence of the retrieved passages, best first. A sentence's score mixes how close its
   * meaning is to the question (embeddings) with how much of
   * the question's specific vocabulary it contains, allowing for typos and synonyms.
   */
  private scoreSentences(request: Pick<AnswerRequest, "question" | "passages" | "questionVector">, terms: QuestionTerm[]): ScoredSentence[] {
    const { index } = this;
    const question = unit(request.questionVector);
    const totalWeight = terms.reduce((sum, t) => sum + t.weight, 0);
    const maxWeight = Math.max(0, ...terms.map((t) => t.weight));
    const specific = terms.filter((t) => t.weight >= SPECIFIC_SHARE * maxWeight);
    const passageIds = new Set(request.passages.map((p) => p.id));
    const answerType = expectedAnswerType(request.question);

    const scored: ScoredSentence[] = [];
    for (const sentence of index.sentences) {
      if (!passageIds.has(sentence.passageId)) continue;
      const heading = index.passages.get(sentence.passageId)!.heading;
      const own = index.sentenceTerms[sentence.index]!;
      const context = index.headingTerms.get(heading)!;
      const match = (t: QuestionTerm) => Math.max(this.termMatch(t, own), this.termMatch(t, context) / 2);
      const features: SentenceFeatures = {
        semantic: dot(question, index.sentenceVectors[sentence.index]!),
        coverage: totalWeight > 0 ? terms.reduce((sum, t) => sum + t.weight * match(t), 0) / totalWeight : 0,
        focus: specific.length > 0 ? Math.min(...specific.map(match)) : 0,
        answerType: answerType === null ? 0 : containsAnswerType(sentence.text, answerType) ? 1 : -1,
      };
      const score = (Object.keys(features) as (keyof SentenceFeatures)[]).reduce((sum, f) => sum + FEATURE_WEIGHTS[f] * features[f], 0);
      scored.push({ sentence, score, features });
    }
    return scored.sort((a, b) => b.score - a.score);
  }

  /** 1 for the same term or a one-letter typo of it; between 0 and 1 for a near synonym; else 0. */
  private termMatch(term: QuestionTerm, terms: Set<string>): number {
    if (terms.has(term.term)) return 1;
    let best = 0;
    for (const candidate of terms) {
      if (isTypoOf(term.term, candidate)) return 1;
      const vector = this.termVectors.get(candidate);
      if (term.vector && vector) best = Math.max(best, dot(term.vector, vector));
    }
    return Math.min(1, Math.max(0, (best - SYNONYM_FLOOR) / (SYNONYM_CEILING - SYNONYM_FLOOR)));
  }
}

