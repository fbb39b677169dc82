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
  /** The current documents' sentences, with their unit vectors: held in memory or read per question. */
  sentences: IndexSentences;
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

/** A sentence with its unit vector, as the answerer reads a retrieved passage's. */
export interface SentenceWithVector {
  sentence: Sentence;
  vector: Float32Array;
}

/** The sentences of a document an index adds, in order, with their vectors: rows in the same order. */
export interface AddedSentences {
  document: SourceDocument;
  sentences: Omit<Sentence, "index">[];
  sentenceVectors: Float32Array;
}

/** An index's sentences: held in memory with their vectors (the embedded store), or read from the database when needed. */
export interface IndexSentences {
  /** How many sentences the current documents have. */
  readonly count: number;
  /**
   * The sentences of each of `passages` (of this index), in order, with their vectors. A passage whose
   * document a later version replaced (another server's) has those the store still holds of it: none.
   */
  ofPassages(passages: Passage[]): Promise<Map<string, SentenceWithVector[]>>;
  /** The sentence of document `documentId` that `offset` falls in, and the one before it; undefined between sentences. */
  around(documentId: string, offset: number): Promise<{ sentence: Sentence; previous?: Sentence } | undefined>;
  /** These sentences without the documents `replaced`, and with `added`'s (each vector of `dimensions`). */
  after(added: AddedSentences[], replaced: Set<string>, dimensions: number): IndexSentences;
  /**
   * Every current sentence, by document, where the store holds them (the embedded store): the answerer
   * counts their terms itself. A store without them keeps `CorpusIndex.terms`.
   */
  readonly byDocument?: Map<string, Sentence[]>;
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
