import { setImmediate as nextTurn } from "node:timers/promises";
import type { WordVectors } from "../../embeddings/word-vectors.js";
import type { CorpusIndex } from "../../index/store.js";
import type { Sentence } from "../../ingest/types.js";
import { answerKinds, type AnswerKind } from "../../text/entities.js";
import { contentWords } from "../../text/terms.js";
import { TermStatistics } from "./term-statistics.js";

/** Sentences or passages read between turns of the event loop, so a server loading a large index keeps answering. */
const SLICE = 1000;

/** What the extractive answerer reads about the corpus's sentences, derived once when the index loads. */
export class SentenceData {
  /** Each content term of the corpus, and a word of the corpus that stems to it (for looking up its meaning). */
  readonly vocabulary = new Map<string, string>();
  /** The word vector of each corpus term that has one. */
  readonly termVectors = new Map<string, Float32Array>();
  /** The content terms of each sentence, in order (by `Sentence.index`). */
  readonly sentenceTerms: string[][];
  readonly sentenceTermSets: Set<string>[];
  /** The content terms of each passage with its heading, by passage id. */
  readonly passageTerms = new Map<string, Set<string>>();
  /** The unit mean of each passage's sentence vectors, by passage id: the paragraph's meaning. */
  readonly passageVectors = new Map<string, Float32Array>();
  /** The sentences of each passage, in order. */
  readonly passageSentences = new Map<string, Sentence[]>();
  readonly idf: TermStatistics;
  private readonly kinds = new Map<number, Map<AnswerKind, string[]>>();

  private constructor(
    readonly index: CorpusIndex,
    /** Unit-length embedding of each sentence, by `Sentence.index`. */
    readonly sentenceVectors: Float32Array[],
    sentenceTerms: string[][],
  ) {
    this.sentenceTerms = sentenceTerms;
    this.sentenceTermSets = sentenceTerms.map((terms) => new Set(terms));
    this.idf = TermStatistics.from(this.sentenceTermSets);
  }

  /**
   * Derives it from `index` and the vectors it was built with. A server loads a new index on the thread
   * that answers, so the long loops run in slices with a turn of the event loop between them.
   */
  static async from(index: CorpusIndex, wordVectors: WordVectors): Promise<SentenceData> {
    const dimensions = index.manifest.embeddings.dimensions;
    const vectors = index.sentences.map((_, i) => index.sentenceVectors.subarray(i * dimensions, (i + 1) * dimensions));
    const vocabulary = new Map<string, string>();
    const termsOf = (text: string) => {
      const words = contentWords(text);
      for (const { term, word } of words) if (!vocabulary.has(term)) vocabulary.set(term, word);
      return words.map((w) => w.term);
    };
    const terms: string[][] = [];
    for (const sentence of index.sentences) {
      terms.push(termsOf(sentence.text));
      if (terms.length % SLICE === 0) await nextTurn();
    }
    const data = new SentenceData(index, vectors, terms);
    for (const sentence of index.sentences) {
      const list = data.passageSentences.get(sentence.passageId) ?? [];
      list.push(sentence);
      data.passageSentences.set(sentence.passageId, list);
    }
    let done = 0;
    for (const passage of index.passages.values()) {
      const sentences = data.passageSentences.get(passage.id) ?? [];
      data.passageTerms.set(passage.id, new Set([...termsOf(passage.heading), ...sentences.flatMap((s) => terms[s.index]!)]));
      data.passageVectors.set(passage.id, meanVector(sentences.map((s) => vectors[s.index]!)));
      if (++done % SLICE === 0) await nextTurn();
    }
    for (const [term, word] of vocabulary) {
      data.vocabulary.set(term, word);
      const vector = wordVectors.vector(word);
      if (vector) data.termVectors.set(term, vector);
      if (data.vocabulary.size % (10 * SLICE) === 0) await nextTurn();
    }
    return data;
  }

  /** What a sentence holds of each kind of answer, found on first need: most sentences are never candidates. */
  answerKinds(sentence: Sentence): Map<AnswerKind, string[]> {
    let kinds = this.kinds.get(sentence.index);
    if (!kinds) this.kinds.set(sentence.index, (kinds = answerKinds(sentence.text)));
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
