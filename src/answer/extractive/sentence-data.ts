import { unit } from "../../embeddings/vectors.js";
import type { WordVectors } from "../../embeddings/word-vectors.js";
import { embedWithProgress, type CorpusIndex, type IndexExtra } from "../../index/store.js";
import type { Sentence } from "../../ingest/types.js";
import { answerKinds, type AnswerKind } from "../../text/entities.js";
import { contentWords } from "../../text/terms.js";
import { TermStatistics } from "./term-statistics.js";

/** The extractive answerer's sentence vectors, built with the index and kept in it. */
export const SENTENCE_VECTORS: IndexExtra = {
  name: "sentence-vectors-v1.f32",
  async build(content, model, progress) {
    const vectors = await embedWithProgress(model, content.sentences.map((s) => s.text), "sentences", progress);
    const dimensions = vectors[0]?.length ?? 0;
    const packed = new Float32Array(vectors.length * dimensions);
    vectors.forEach((v, i) => packed.set(unit(v), i * dimensions));
    return new Uint8Array(packed.buffer);
  },
  /** One float32 vector of the index's dimensions per sentence, none holding NaN. */
  validate(bytes, content, dimensions) {
    const sentences = content.sentences.length;
    if (sentences > 0 && !(dimensions > 0)) return `${sentences} sentences but ${dimensions} dimensions`;
    const expected = sentences * dimensions * 4;
    if (bytes.byteLength !== expected) {
      return `expected ${expected} bytes for ${sentences} sentences of ${dimensions} dimensions, found ${bytes.byteLength}`;
    }
    const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const nan = all.findIndex(Number.isNaN);
    return nan < 0 ? null : `the vector of sentence ${Math.floor(nan / dimensions)} holds NaN`;
  },
};

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
    const bytes = index.extras.get(SENTENCE_VECTORS.name);
    if (!bytes) throw new Error(`the index has no ${SENTENCE_VECTORS.name}: rebuild it with npm run ingest`);
    const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const dimensions = index.sentences.length > 0 ? all.length / index.sentences.length : 0;
    const vectors = index.sentences.map((_, i) => all.subarray(i * dimensions, (i + 1) * dimensions));
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
