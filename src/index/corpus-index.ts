import type { VectorStore } from "@langchain/core/vectorstores";
import type { DocumentFormat } from "../ingest/extracted.js";
import type { Passage, Sentence, SourceDocument } from "../ingest/types.js";
import type { Span } from "../text/span.js";
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

/** Everything retrieval and citing need, whichever store keeps it: held in memory, or read when needed. Built once per corpus and embedding model. */
export interface CorpusIndex<Version extends StoreVersion = StoreVersion> {
  manifest: Manifest;
  /** The current documents and their passages: a catalog in memory, their texts held (embedded store) or read per request. */
  documents: IndexDocuments;
  vectors: VectorStore;
  keywords: KeywordSearch;
  /** The current documents' sentences, with their unit vectors: held in memory or read per question. */
  sentences: IndexSentences;
  /** Which version of its store this is. */
  saved: Version;
  /**
   * How many sentences hold each term, where the store keeps that count as documents change (the database
   * store); without it, the answerer counts the index's sentences itself when the index loads.
   */
  terms?: CorpusTerms;
}

/** What a server knows of a document without reading it: enough to list it, cite it, find its page and tell whether it changed. */
export interface CatalogEntry {
  id: string;
  title: string;
  path: string;
  format: DocumentFormat;
  bytes: number;
  /** The SHA-256 of its text, as the manifest records it. */
  sha256: string;
  /** The SHA-256 of the whole document as indexed (as JSON): it differs when anything read from the file does. */
  fingerprint: string;
  /** The length of its text, for weighing a change against the corpus. */
  characters: number;
  passages: number;
  /** For a PDF or a slide deck: where each page (slide) starts in its text. */
  pageStarts?: number[];
}

/** A span of a document's text: what a citation quotes. */
export interface DocumentSpan extends Span {
  documentId: string;
}

/** A document an index adds, with its passages. */
export interface AddedPassages {
  document: SourceDocument;
  passages: Passage[];
}

/** A passage's heading and its document's id. */
export type PassageHeading = Pick<Passage, "documentId" | "heading">;

/**
 * An index's documents and passages: a catalog of the documents in memory (small per document), and their
 * texts and passages held with it (the embedded store) or read from the database when a request needs them.
 */
export interface IndexDocuments {
  /** Every current document's entry, by id. */
  readonly catalog: ReadonlyMap<string, CatalogEntry>;
  /** How many passages the current documents have. */
  readonly passageCount: number;
  /** The document `id` as indexed: text, pages and layout; undefined when this version has none of that id. */
  read(id: string): Promise<SourceDocument | undefined>;
  /** The passages `ids` that are this version's, by id; the others (a later version's, another server's) are missing. */
  passages(ids: Iterable<string>): Promise<Map<string, Passage>>;
  /** The text at each span of this version's documents, as the store holds it; undefined where it holds no such text of this version. */
  textsAt(spans: readonly DocumentSpan[]): Promise<(string | undefined)[]>;
  /** The headings of passages that end with a question mark, in document order: what the documents themselves ask. */
  questionHeadings(): Promise<PassageHeading[]>;
  /** These documents without the documents `replaced`, and with `added`'s. */
  after(added: AddedPassages[], replaced: Set<string>): IndexDocuments;
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
