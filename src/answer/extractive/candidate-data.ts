import type { WordVectors } from "../../embeddings/word-vectors.js";
import type { CorpusIndex, CorpusTerms, TermCounts } from "../../index/corpus-index.js";
import type { Passage, Sentence } from "../../ingest/types.js";
import { answerKinds, type AnswerKind } from "../../text/entities.js";
import { contentTerms } from "../../text/terms.js";
import type { WordNet } from "../../text/wordnet.js";
import { definitionTarget } from "./answer-type.js";

/** Where the answerer reads about a question's candidates: the index, its terms' counts, and the language resources. */
export interface AnswererResources {
  index: CorpusIndex;
  terms: CorpusTerms;
  wordVectors: WordVectors;
  wordNet: WordNet;
}

/**
 * What the extractive answerer reads about one question's retrieved passages: their sentences with their
 * terms and vectors, and how rare in the whole corpus each term of them and of the question is. Read per
 * question, so what a server holds does not grow with the corpus's sentences; a few hundred terms and the
 * vectors of the retrieved passages' sentences.
 */
export class CandidateData {
  private readonly kinds = new Map<Sentence, Map<AnswerKind, string[]>>();
  private readonly termVectors = new Map<string, Float32Array | undefined>();

  private constructor(
    private readonly counts: TermCounts,
    private readonly wordVectors: WordVectors,
    private readonly sentenceTerms: Map<Sentence, string[]>,
    private readonly vectors: Map<Sentence, Float32Array>,
    /** The sentences of each passage, in order. */
    readonly passageSentences: Map<string, Sentence[]>,
    /** The content terms of each passage with its heading. */
    readonly passageTerms: Map<string, Set<string>>,
    /** The unit mean of each passage's sentence vectors: the paragraph's meaning. */
    readonly passageVectors: Map<string, Float32Array>,
  ) {}

  /**
   * Reads `passages` (of `sources.index`) and the counts of their terms and of the terms of `questions` (the
   * question and each part of it that is scored on its own).
   */
  static async read(passages: Passage[], questions: string[], { index, terms, wordVectors }: AnswererResources): Promise<CandidateData> {
    const distinct = [...new Map(passages.map((p) => [p.id, p])).values()];
    const held = await index.sentences.ofPassages(distinct);
    const sentenceTerms = new Map<Sentence, string[]>();
    const vectors = new Map<Sentence, Float32Array>();
    const passageSentences = new Map<string, Sentence[]>();
    const passageTerms = new Map<string, Set<string>>();
    const passageVectors = new Map<string, Float32Array>();
    const wanted = new Set(questions.flatMap((q) => [...contentTerms(q), ...contentTerms(definitionTarget(q) ?? "")]));
    for (const passage of distinct) {
      const own = held.get(passage.id) ?? [];
      const ownTerms = new Set(contentTerms(passage.heading));
      for (const { sentence, vector } of own) {
        const termsOfSentence = contentTerms(sentence.text);
        sentenceTerms.set(sentence, termsOfSentence);
        vectors.set(sentence, vector);
        for (const term of termsOfSentence) ownTerms.add(term);
      }
      passageSentences.set(
        passage.id,
        own.map((s) => s.sentence),
      );
      passageTerms.set(passage.id, ownTerms);
      passageVectors.set(passage.id, meanVector(own.map((s) => s.vector)));
      for (const term of ownTerms) wanted.add(term);
    }
    const counts = await terms.count(wanted);
    return new CandidateData(counts, wordVectors, sentenceTerms, vectors, passageSentences, passageTerms, passageVectors);
  }

  /** Whether the corpus uses `term`, in a sentence or a heading. */
  knows(term: string): boolean {
    return this.counts.terms.has(term);
  }

  /** BM25's inverse document frequency over the corpus's sentences; a term the corpus never uses gets the highest weight. */
  idf(term: string): number {
    const df = this.counts.terms.get(term)?.sentences ?? 0;
    return Math.log(1 + (this.counts.sentences - df + 0.5) / (df + 0.5));
  }

  /** The weight of a term the corpus never uses: the highest there is. */
  unseenIdf(): number {
    return this.idf("");
  }

  /** The word vector of a corpus term, from the corpus's word for it; undefined for a term without one. */
  termVector(term: string): Float32Array | undefined {
    if (!this.termVectors.has(term)) {
      const word = this.counts.terms.get(term)?.word;
      this.termVectors.set(term, word === undefined ? undefined : this.wordVectors.vector(word));
    }
    return this.termVectors.get(term);
  }

  /** A candidate sentence's content terms, in order. */
  termsOf(sentence: Sentence): string[] {
    return this.sentenceTerms.get(sentence) ?? [];
  }

  /** A candidate sentence's distinct content terms. */
  termSetOf(sentence: Sentence): Set<string> {
    return new Set(this.termsOf(sentence));
  }

  /** A candidate sentence's unit-length embedding. */
  sentenceVector(sentence: Sentence): Float32Array {
    return this.vectors.get(sentence)!;
  }

  /** What a candidate sentence holds of each kind of answer, found on first need: most candidates are never asked. */
  answerKinds(sentence: Sentence): Map<AnswerKind, string[]> {
    let kinds = this.kinds.get(sentence);
    if (!kinds) this.kinds.set(sentence, (kinds = answerKinds(sentence.text)));
    return kinds;
  }
}

function meanVector(vectors: Float32Array[]): Float32Array {
  const mean = new Float32Array(vectors[0]?.length ?? 0);
  for (const v of vectors) for (let i = 0; i < v.length; i++) mean[i]! += v[i]!;
  let norm = 0;
  for (let i = 0; i < mean.length; i++) norm += mean[i]! * mean[i]!;
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < mean.length; i++) mean[i]! /= norm;
  return mean;
}
