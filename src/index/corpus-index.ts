import type { VectorStore } from "@langchain/core/vectorstores";
import type { Passage, Sentence, SourceDocument } from "../ingest/types.js";
import type { Manifest } from "./manifest.js";

/** Finds passages by the terms of a question: BM25 in memory in the embedded store, Postgres full-text search in the database store. */
export interface KeywordSearch {
  /** The ids of the passages that best match `terms` (as `contentTerms` makes them), best first, at most `limit`. */
  search(terms: string[], limit: number): Promise<string[]>;
}

/**
 * Which version of its store an index is. Only the store that made it reads more than `label`; equal labels
 * hold the same documents.
 */
export interface StoreVersion {
  readonly label: string;
}

/** Everything retrieval and citing need, loaded in memory, whichever store keeps it. Built once per corpus and embedding model. */
export interface CorpusIndex<Version extends StoreVersion = StoreVersion> {
  manifest: Manifest;
  documents: Map<string, SourceDocument>;
  passages: Map<string, Passage>;
  vectors: VectorStore;
  keywords: KeywordSearch;
  /**
   * Every sentence the index has held, by `Sentence.index`: a removed or replaced document's stay until the
   * index is compacted, so a position never changes under a reader. `documentSentences` has the current ones.
   */
  sentences: Sentence[];
  /** Each sentence's unit vector, read when a question needs it. */
  sentenceVectors: SentenceVectors;
  /** The sentences of each document, in order. */
  documentSentences: Map<string, Sentence[]>;
  /** Each passage's label in the vector index. */
  passageLabels: Map<string, number>;
  /** Which version of its store this is. */
  saved: Version;
  /**
   * How many sentences hold each term, where the store keeps that count as documents change (the database
   * store); without it, the answerer counts the index's sentences itself when the index loads.
   */
  terms?: CorpusTerms;
}

/** The unit vectors of an index's sentences: held in memory (the embedded store) or read from the database per question. */
export interface SentenceVectors {
  /**
   * The vector of each of `sentences` (of this index), in order: rows of the manifest's dimensions; undefined
   * for a sentence the store no longer holds (a later version replaced its document).
   */
  read(sentences: Sentence[]): Promise<(Float32Array | undefined)[]>;
  /**
   * These vectors and `rows`, the vectors of the sentences an index adds next (`dimensions` each), in their
   * order: new for a store that holds them, the same for one that reads them from where they are written.
   */
  with(rows: Float32Array, dimensions: number): SentenceVectors;
}

/** A term of the corpus: a word of the corpus it stands for (for looking up its meaning), and how many sentences hold it. */
export interface TermCount {
  word: string;
  sentences: number;
}

/** How many sentences the corpus has, and the counts of the terms asked for that it uses (in a heading alone, with 0 sentences). */
export interface TermCounts {
  sentences: number;
  terms: Map<string, TermCount>;
}

/** How often the corpus's terms occur: what makes a word of a question rare or common. */
export interface CorpusTerms {
  count(terms: Iterable<string>): Promise<TermCounts>;
}
