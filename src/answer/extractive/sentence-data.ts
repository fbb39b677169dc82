import { unit } from "../../embeddings/vectors.js";
import type { WordVectors } from "../../embeddings/word-vectors.js";
import type { CorpusIndex } from "../../index/store.js";
import type { Sentence } from "../../ingest/types.js";
import { answerKinds, type AnswerKind } from "../../text/entities.js";
import { contentWords } from "../../text/terms.js";
import { TermStatistics } from "./term-statistics.js";

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

  constructor(
    readonly index: CorpusIndex,
    /** Unit-length embedding of each sentence, by `Sentence.index`. */
    readonly sentenceVectors: Float32Array[],
    wordVectors: WordVectors,
  ) {
    const termsOf = (text: string) => {
      const words = contentWords(text);
      for (const { term, word } of words) if (!this.vocabulary.has(term)) this.vocabulary.set(term, word);
      return words.map((w) => w.term);
    };
    this.sentenceTerms = index.sentences.map((s) => termsOf(s.text));
    this.sentenceTermSets = this.sentenceTerms.map((terms) => new Set(terms));
    this.idf = TermStatistics.from(this.sentenceTermSets);
    for (const sentence of index.sentences) {
      const list = this.passageSentences.get(sentence.passageId) ?? [];
      list.push(sentence);
      this.passageSentences.set(sentence.passageId, list);
    }
    for (const passage of index.passages.values()) {
      const sentences = this.passageSentences.get(passage.id) ?? [];
      this.passageTerms.set(passage.id, new Set([...termsOf(passage.heading), ...sentences.flatMap((s) => this.sentenceTerms[s.index]!)]));
      this.passageVectors.set(passage.id, meanVector(sentences.map((s) => sentenceVectors[s.index]!)));
    }
    for (const [term, word] of this.vocabulary) {
      const vector = wordVectors.vector(word);
      if (vector) this.termVectors.set(term, vector);
    }
  }

  /** Reads the sentence vectors the index was built with. */
  static from(index: CorpusIndex, wordVectors: WordVectors): SentenceData {
    const dimensions = index.manifest.embeddings.dimensions;
    const vectors = index.sentences.map((_, i) => index.sentenceVectors.subarray(i * dimensions, (i + 1) * dimensions));
    return new SentenceData(index, vectors, wordVectors);
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
  return Float32Array.from(unit(mean));
}
