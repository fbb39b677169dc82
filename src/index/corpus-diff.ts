import type { EmbeddingModel } from "../embeddings/index.js";
import type { ChunkingSettings } from "../ingest/passages.js";
import type { CorpusRead } from "../ingest/documents.js";
import type { SourceDocument } from "../ingest/types.js";
import { fingerprintOf } from "./catalog.js";
import { indexDocuments, type IndexChange } from "./change.js";
import type { CorpusIndex } from "./corpus-index.js";
import type { Progress } from "../progress.js";

/** What turns an index into the index of a corpus: documents new or changed, to embed, and ids of documents gone. */
export interface CorpusDiff {
  added: SourceDocument[];
  removed: string[];
}

/** Thrown when the saved index is no longer the one in memory (another process changed it): load it again. */
export class IndexMovedError extends Error {}

/** How many times a change is tried when another process keeps committing first. */
const MAX_ATTEMPTS = 3;

/**
 * Runs `work` (read the index, change it, commit), again from the start when its commit finds the store
 * moved on (`IndexMovedError`). Under the store's lock that does not happen, except where the lock cannot
 * exclude: PGlite, which tests use, serves every connection in one session, so advisory locks never wait.
 */
export async function retryingWhenMoved<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof IndexMovedError) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

/** What changed in `corpus` since `index` was made of it: files not read again (`corpus.unchanged`) did not. */
export function diffCorpus(index: CorpusIndex, corpus: CorpusRead): CorpusDiff {
  const { documents, unchanged } = corpus;
  const ids = new Set([...documents.map((doc) => doc.id), ...unchanged]);
  return {
    added: documents.filter((doc) => index.documents.catalog.get(doc.id)?.fingerprint !== fingerprintOf(doc)),
    removed: [...index.documents.catalog.keys()].filter((id) => !ids.has(id)),
  };
}

export function isEmpty(diff: CorpusDiff): boolean {
  return diff.added.length === 0 && diff.removed.length === 0;
}

/**
 * Whether to embed what changed and add it to the index as a change, rather than build a new index:
 * when what is added is at most half the text of the corpus. More than that is cheaper to build whole
 * once than to replay at every load.
 */
export function worthUpdating(index: CorpusIndex, diff: CorpusDiff): boolean {
  const removed = new Set(diff.removed);
  let kept = 0;
  for (const entry of index.documents.catalog.values()) if (!removed.has(entry.id)) kept += entry.characters;
  const added = diff.added.reduce((sum, doc) => sum + doc.text.length, 0);
  return added <= Math.max(kept, 1) / 2 || diff.added.length === 0;
}

/** The change `diff` makes, with its documents split and embedded: the part of an update in proportion to what is added. */
export async function prepareChange(
  diff: CorpusDiff,
  model: EmbeddingModel,
  chunking: ChunkingSettings,
  progress: Progress = () => {},
): Promise<IndexChange> {
  return { added: await indexDocuments(diff.added, model, chunking, progress), removed: diff.removed };
}
