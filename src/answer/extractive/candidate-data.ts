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
    const sentenceTerms = new Map<Sentence, string[]>();
    const passageSentences = new Map<string, Sentence[]>();
    const passageTerms = new Map<string, Set<string>>();
    const wanted = new Set(questions.flatMap((q) => [...contentTerms(q), ...contentTerms(definitionTarget(q) ?? "")]));
    for (const passage of distinct) {
      const sentences = sentencesOf(index, passage);
      const own = new Set(contentTerms(passage.heading));
      for (const sentence of sentences) {
        const termsOfSentence = contentTerms(sentence.text);
        sentenceTerms.set(sentence, termsOfSentence);
        for (const term of termsOfSentence) own.add(term);
      }
      passageSentences.set(passage.id, sentences);
      passageTerms.set(passage.id, own);
      for (const term of own) wanted.add(term);
    }
    const candidates = [...passageSentences.values()].flat();
    const [vectors, counts] = await Promise.all([index.sentenceVectors.read(candidates), terms.count(wanted)]);
    const bySentence = new Map<Sentence, Float32Array>();
    candidates.forEach((s, i) => vectors[i] && bySentence.set(s, vectors[i]));
    // A sentence whose document another server replaced since this index was read has no vector left: not a candidate.
    for (const [id, sentences] of passageSentences)
      passageSentences.set(
        id,
        sentences.filter((s) => bySentence.has(s)),
      );
    const passageVectors = new Map(
      [...passageSentences].map(([id, sentences]) => [id, meanVector(sentences.map((s) => bySentence.get(s)!))]),
    );
    return new CandidateData(counts, wordVectors, sentenceTerms, bySentence, passageSentences, passageTerms, passageVectors);
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

/** The sentences of `passage`, in order: found in its document's sentences by their offsets. */
function sentencesOf(index: CorpusIndex, passage: Passage): Sentence[] {
  const sentences = index.documentSentences.get(passage.documentId) ?? [];
  let low = 0;
  let high = sentences.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sentences[middle]!.end <= passage.start) low = middle + 1;
    else high = middle;
  }
  const own: Sentence[] = [];
  for (let i = low; i < sentences.length && sentences[i]!.start < passage.end; i++) {
    if (sentences[i]!.passageId === passage.id) own.push(sentences[i]!);
  }
  return own;
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
