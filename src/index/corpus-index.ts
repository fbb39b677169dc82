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
  /** Each sentence's unit vector, by `Sentence.index`: `sentences.length` rows of the manifest's dimensions. */
  sentenceVectors: Float32Array;
  /** The sentences of each document, in order. */
  documentSentences: Map<string, Sentence[]>;
  /** Each passage's label in the vector index. */
  passageLabels: Map<string, number>;
  /** Which version of its store this is. */
  saved: Version;
}
