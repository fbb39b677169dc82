import type { CorpusRead } from "../ingest/documents.js";
import type { SourceDocument } from "../ingest/types.js";
import type { IndexChange } from "./change.js";
import type { CorpusDiff } from "./corpus-diff.js";
import type { CorpusIndex } from "./corpus-index.js";

/** A file as uploaded: its name in the corpus (`report.pdf`) and its bytes. */
export interface DocumentFile {
  path: string;
  bytes: Buffer;
}

/**
 * Where a change comes from: the corpus folder as read (its files are there already), or an upload, whose
 * files the store keeps as it keeps files (written into the corpus folder, or not at all), and whose removed
 * documents' files it lets go of.
 */
export type ChangeSource = { origin: "corpus" } | { origin: "upload"; files: DocumentFile[] };

/** Where a document came from: the corpus folder (a start or `npm run ingest` keeps it in step with it) or an upload. */
export type DocumentOrigin = ChangeSource["origin"];

/** An index an earlier run saved, that can answer before the corpus of this one is indexed. */
export interface SavedIndex<Index extends CorpusIndex = CorpusIndex> {
  index: Index;
  /** Whether it is the index of this run's corpus already, so nothing needs building. */
  current: boolean;
  /** Whether adding and removing documents makes it so (same embedding model and chunking). */
  updatable: boolean;
}

export interface OpenOptions {
  /** Embed everything again, reusing nothing. */
  rebuild?: boolean;
  /** Rebuild from the saved index's own vectors, dropping what was deleted, even when it is current. */
  compact?: boolean;
}

/**
 * Where the index is kept between runs and shared between processes: files under DATA_DIR (the embedded
 * default) or a Postgres database. Everything outside `index/` changes the index only through this; only the
 * store reads more of an index's version than its label.
 */
export interface IndexStore<Index extends CorpusIndex = CorpusIndex> {
  /**
   * The reading (`readingOf`) recorded for each corpus file whose document the store holds, by path: a start
   * need not read a file whose reading is the same (`readCorpusFolder`). The embedded store records none.
   */
  readings(): Promise<ReadonlyMap<string, string>>;
  /**
   * The index of the corpus folder as read: the saved one when it is current, brought up to date when
   * only documents changed, built anew otherwise. Changes take turns across processes and servers.
   */
  open(corpus: CorpusRead, options?: OpenOptions): Promise<Index>;
  /**
   * What an earlier run left that can answer at once while `corpus` is indexed; undefined when there is
   * nothing to serve first (no saved index, a damaged one, or one made with another embedding model or format).
   */
  saved(corpus: CorpusRead): Promise<SavedIndex<Index> | undefined>;
  /** `open`, away from the thread that answers requests where the store can (the embedded store builds in a worker). */
  build(corpus: CorpusRead): Promise<Index>;
  /** Runs `work` as the only writer of the store: changes take turns across processes and servers. */
  exclusively<T>(work: () => Promise<T>): Promise<T>;
  /** The index as the store holds it now. */
  load(): Promise<Index>;
  /** `index` brought up to what the store holds now: itself when nothing changed; undefined when it must be loaded anew. */
  follow(index: Index): Promise<Index | undefined>;
  /**
   * Commits `change` as the store's next version and returns the index after it. Only called by `exclusively`'s
   * work; throws `IndexMovedError`, committing nothing, when the store moved on since `index` was read.
   */
  commit(index: Index, change: IndexChange, source: ChangeSource): Promise<Index>;
  /** What makes `index` the index of the corpus folder as read (uploads the store keeps alone stay). */
  corpusDiff(index: Index, corpus: CorpusRead): Promise<CorpusDiff>;
  /**
   * The bytes of the file `document` was read from, where the store keeps it (the corpus folder, the
   * database); undefined when it keeps none, or the file there is no longer the one that was read.
   */
  fileOf(document: SourceDocument): Promise<Uint8Array | undefined>;
  /** Whether an upload named `path` would collide with a file the store keeps that the index does not hold. */
  holdsFile(path: string): boolean;
  /** Whether the index should be rebuilt without what was deleted (the embedded store's graph keeps deleted points). */
  compactionDue(index: Index): boolean;
  /** Rebuilds the index without what was deleted, and returns it. */
  compact(): Promise<Index>;
  /** Lets go of connections and handles, so a command can end. */
  close(): Promise<void>;
}
