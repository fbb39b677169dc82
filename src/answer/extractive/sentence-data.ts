import { setImmediate as nextTurn } from "node:timers/promises";
import type { WordVectors } from "../../embeddings/word-vectors.js";
import type { CorpusIndex } from "../../index/corpus-index.js";
import type { Sentence } from "../../ingest/types.js";
import { answerKinds, type AnswerKind } from "../../text/entities.js";
import { contentWords } from "../../text/terms.js";
import { TermStatistics } from "./term-statistics.js";

/** Sentences or passages read between turns of the event loop, so a server loading a large index keeps answering. */
const SLICE = 1000;

/** The parts of SentenceData that every version of an index shares, growing as documents are added. */
interface SharedData {
  vocabulary: Map<string, string>;
  /** Each term once: every sentence's terms are these strings, not copies of them (a million copies at 20 MB of text). */
  terms: Map<string, string>;
  termVectors: Map<string, Float32Array>;
  sentenceTerms: string[][];
  passageTerms: Map<string, Set<string>>;
  passageVectors: Map<string, Float32Array>;
  passageSentences: Map<string, Sentence[]>;
  idf: TermStatistics;
  kinds: Map<number, Map<AnswerKind, string[]>>;
}

/**
 * What the extractive answerer reads about the corpus's sentences, derived when the index loads and
 * added to as documents are added. By `Sentence.index` and passage id; a removed document's entries stay
 * (a question in flight may still read them) until the index is compacted and loaded afresh.
 */
export class SentenceData {
  /** Each content term of the corpus, and a word of the corpus that stems to it (for looking up its meaning). */
  readonly vocabulary: Map<string, string>;
  /** The word vector of each corpus term that has one. */
  readonly termVectors: Map<string, Float32Array>;
  /** The content terms of each sentence, in order (by `Sentence.index`). */
  readonly sentenceTerms: string[][];
  /** The content terms of each passage with its heading, by passage id. */
  readonly passageTerms: Map<string, Set<string>>;
  /** The unit mean of each passage's sentence vectors, by passage id: the paragraph's meaning. */
  readonly passageVectors: Map<string, Float32Array>;
  /** The sentences of each passage, in order. */
  readonly passageSentences: Map<string, Sentence[]>;
  /** How rare each term is among the current documents' sentences. */
  readonly idf: TermStatistics;
  private readonly kinds: Map<number, Map<AnswerKind, string[]>>;
  private readonly terms: Map<string, string>;

  private constructor(
    readonly index: CorpusIndex,
    private readonly shared: SharedData,
    private readonly wordVectors: WordVectors,
  ) {
    ({
      vocabulary: this.vocabulary,
      terms: this.terms,
      termVectors: this.termVectors,
      sentenceTerms: this.sentenceTerms,
      passageTerms: this.passageTerms,
      passageVectors: this.passageVectors,
      passageSentences: this.passageSentences,
      idf: this.idf,
      kinds: this.kinds,
    } = shared);
  }

  /**
   * Derives it from `index` and the vectors it was built with. A server loads a new index on the thread
   * that answers, so the long loops run in slices with a turn of the event loop between them.
   */
  static async from(index: CorpusIndex, wordVectors: WordVectors): Promise<SentenceData> {
    const data = new SentenceData(
      index,
      {
        vocabulary: new Map(),
        terms: new Map(),
        termVectors: new Map(),
        sentenceTerms: [],
        passageTerms: new Map(),
        passageVectors: new Map(),
        passageSentences: new Map(),
        idf: TermStatistics.from([]),
        kinds: new Map(),
      },
      wordVectors,
    );
    await data.add([...index.documentSentences.values()].flat());
    return data;
  }

  /**
   * The data of `index`, a later version of this one's index: the sentences of documents added or
   * replaced are read, and those of documents removed no longer count in term rarity.
   */
  async after(index: CorpusIndex): Promise<SentenceData> {
    const changed = (from: Map<string, Sentence[]>, to: Map<string, Sentence[]>) =>
      [...from].filter(([id, sentences]) => to.get(id) !== sentences).flatMap(([, sentences]) => sentences);
    const removed = changed(this.index.documentSentences, index.documentSentences);
    this.idf.remove(removed.map((s) => this.termSetOf(s)));
    // A replaced document's passages keep their ids: each version keeps its own passage entries, so a
    // question still answered from this one reads the sentences it retrieved. The rest is shared: sentences
    // have positions of their own, and terms and their vectors only grow.
    const next = new SentenceData(
      index,
      {
        ...this.shared,
        passageTerms: new Map(this.passageTerms),
        passageVectors: new Map(this.passageVectors),
        passageSentences: new Map(this.passageSentences),
      },
      this.wordVectors,
    );
    // In slices too: a start that finds many documents changed adds them while the server answers.
    await next.add(changed(index.documentSentences, this.index.documentSentences));
    return next;
  }

  /** Reads `sentences` (whole passages of this index), in slices with a turn of the event loop between them. */
  private async add(sentences: Sentence[]): Promise<void> {
    const { index } = this;
    const newTerms = new Set<string>();
    const termsOf = (text: string) =>
      contentWords(text).map(({ term, word }) => {
        const known = this.terms.get(term);
        if (known !== undefined) return known;
        this.terms.set(term, term);
        this.vocabulary.set(term, word);
        newTerms.add(term);
        return term;
      });
    const slice = async (done: number) => {
      if (done % SLICE === 0) await nextTurn();
    };
    const passages = new Map<string, Sentence[]>();
    for (const [i, sentence] of sentences.entries()) {
      this.sentenceTerms[sentence.index] = termsOf(sentence.text);
      const own = passages.get(sentence.passageId) ?? [];
      own.push(sentence);
      passages.set(sentence.passageId, own);
      await slice(i + 1);
    }
    this.idf.add(sentences.map((s) => this.termSetOf(s)));
    let done = 0;
    for (const [id, own] of passages) {
      const passage = index.passages.get(id)!;
      this.passageSentences.set(id, own);
      this.passageTerms.set(id, new Set([...termsOf(passage.heading), ...own.flatMap((s) => this.sentenceTerms[s.index]!)]));
      this.passageVectors.set(id, meanVector(own.map((s) => this.sentenceVector(s))));
      await slice(++done);
    }
    done = 0;
    for (const term of newTerms) {
      const vector = this.wordVectors.vector(this.vocabulary.get(term)!);
      if (vector) this.termVectors.set(term, vector);
      await slice(++done);
    }
  }

  /** A sentence's distinct content terms, made when asked: kept for every sentence, they cost more than the rest of its data. */
  termSetOf(sentence: Sentence): Set<string> {
    return new Set(this.sentenceTerms[sentence.index]);
  }

  /** A sentence's unit-length embedding: a view of the index's table, made when asked. */
  sentenceVector(sentence: Sentence): Float32Array {
    const dimensions = this.index.manifest.embeddings.dimensions;
    return this.index.sentenceVectors.subarray(sentence.index * dimensions, (sentence.index + 1) * dimensions);
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
