import type { SourceDocument } from "../ingest/types.js";
import type { IndexChange } from "./change.js";
import type { CorpusIndex } from "./store.js";
import type { CorpusDiff } from "./updates.js";

/** Where a document came from: the corpus folder (a start or `npm run ingest` keeps it in step with it) or an upload. */
export type DocumentOrigin = "corpus" | "upload";

/**
 * Where the index is kept between runs and shared between processes: files under DATA_DIR (the embedded
 * default) or a Postgres database. The document library changes the index only through this.
 */
export interface IndexStore {
  /** Whether an uploaded file is also written into CORPUS_DIR (files) or kept in the store alone (database). */
  readonly uploadsInCorpus: boolean;
  /** Runs `work` as the only writer of the store: changes take turns across processes and servers. */
  exclusively<T>(work: () => Promise<T>): Promise<T>;
  /** The index as the store holds it now. */
  load(): Promise<CorpusIndex>;
  /** `index` brought up to what the store holds now: itself when nothing changed; undefined when it must be loaded anew. */
  follow(index: CorpusIndex): Promise<CorpusIndex | undefined>;
  /**
   * Commits `change` as the store's next version and returns the index after it. Only called by `exclusively`'s
   * work; throws `IndexMovedError`, committing nothing, when the store moved on since `index` was read.
   */
  commit(index: CorpusIndex, change: IndexChange, origin: DocumentOrigin): Promise<CorpusIndex>;
  /** What makes `index` the index of the corpus folder's `documents` (uploads the store keeps alone stay). */
  corpusDiff(index: CorpusIndex, documents: SourceDocument[]): Promise<CorpusDiff>;
  /** Whether the index should be rebuilt without what was deleted (the embedded store's graph keeps deleted points). */
  compactionDue(index: CorpusIndex): boolean;
  /** Rebuilds the index without what was deleted, and returns it. */
  compact(): Promise<CorpusIndex>;
  /** Lets go of connections and handles, so a command can end. */
  close(): Promise<void>;
}
