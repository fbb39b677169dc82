import { join } from "node:path";
import type { HNSWLib } from "@langchain/community/vectorstores/hnswlib";
import type { EmbeddingModel } from "../embeddings/index.js";
import type { ChunkingSettings } from "../ingest/passages.js";
import type { SourceDocument } from "../ingest/types.js";
import { applyChange, checkChange, documentsAfter, indexDocuments, type IndexChange } from "./change.js";
import { appendToJournal, readChanges, readJournal } from "./journal.js";
import type { Progress } from "./progress.js";
import { currentFolder, savedFiles, type CorpusIndex } from "./store.js";

/** What turns an index into the index of a corpus: documents new or changed, to embed, and ids of documents gone. */
export interface CorpusDiff {
  added: SourceDocument[];
  removed: string[];
}

/**
 * Past this share of deleted points in the HNSW graph, or this many changes in the journal, the index is
 * rebuilt from its own vectors: deleted points still cost search time, and every change is replayed at load.
 */
const MAX_DELETED_SHARE = 0.2;
const MAX_CHANGES = 100;

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

export function diffCorpus(index: CorpusIndex, documents: SourceDocument[]): CorpusDiff {
  const ids = new Set(documents.map((doc) => doc.id));
  return {
    added: documents.filter((doc) => JSON.stringify(index.documents.get(doc.id)) !== JSON.stringify(doc)),
    removed: [...index.documents.keys()].filter((id) => !ids.has(id)),
  };
}

export function isEmpty(diff: CorpusDiff): boolean {
  return diff.added.length === 0 && diff.removed.length === 0;
}

/** "2 documents new or changed, 1 removed". */
export function describeDiff(diff: CorpusDiff): string {
  return `${diff.added.length} ${diff.added.length === 1 ? "document" : "documents"} new or changed, ${diff.removed.length} removed`;
}

/**
 * Whether to embed what changed and add it to the index as a change, rather than build a new index:
 * when what is added is at most half the text of the corpus. More than that is cheaper to build whole
 * once than to replay at every load.
 */
export function worthUpdating(index: CorpusIndex, diff: CorpusDiff): boolean {
  const size = (docs: Iterable<SourceDocument>) => [...docs].reduce((sum, doc) => sum + doc.text.length, 0);
  const removed = new Set(diff.removed);
  const kept = size([...index.documents.values()].filter((doc) => !removed.has(doc.id)));
  return size(diff.added) <= Math.max(kept, 1) / 2 || diff.added.length === 0;
}

/**
 * Embeds the documents `diff` adds, commits the change to the saved index and returns the index after it.
 * Only called with the index lock held; nothing is written until everything is embedded, so a failure or
 * a kill before the commit leaves the saved index as it was.
 */
export async function updateIndex(
  index: CorpusIndex,
  diff: CorpusDiff,
  model: EmbeddingModel,
  chunking: ChunkingSettings,
  dataDir: string,
  progress: Progress,
): Promise<CorpusIndex> {
  return commitChange(index, await prepareChange(diff, model, chunking, progress), dataDir, progress);
}

/** The change `diff` makes, with its documents split and embedded: the part of an update in proportion to what is added. */
export async function prepareChange(diff: CorpusDiff, model: EmbeddingModel, chunking: ChunkingSettings, progress: Progress = () => {}): Promise<IndexChange> {
  return { added: await indexDocuments(diff.added, model, chunking, progress), removed: diff.removed };
}

/**
 * Writes `change` into the saved index as its next change and returns the index after it. Only called with
 * the index lock held; throws `IndexMovedError`, writing nothing, when the saved index is not `index`.
 */
export async function commitChange(index: CorpusIndex, change: IndexChange, dataDir: string, progress: Progress = () => {}): Promise<CorpusIndex> {
  const saved = savedFiles(index);
  const folder = await currentFolder(dataDir);
  const journal = folder ? await readJournal(join(dataDir, folder)) : null;
  if (folder !== saved.folder || (journal?.changes.length ?? 0) !== (saved.journal?.changes.length ?? 0)) {
    throw new IndexMovedError("the saved index was changed by another process since it was loaded");
  }
  checkChange(index, change);
  const committed = await appendToJournal(join(dataDir, folder), journal, change, documentsAfter(index, change));
  const updated = await applyChange(index, change);
  progress(`Index updated: ${describeDiff({ added: change.added.map((a) => a.document), removed: change.removed })}.`);
  return { ...updated, saved: { store: "files", folder, journal: committed } };
}

/**
 * The saved index as it is now, when another process changed it since `index` was read: `index` with the
 * changes committed since applied, or, when it was replaced (rebuilt, compacted), undefined; `index` itself
 * when nothing changed.
 */
export async function followSavedIndex(index: CorpusIndex, dataDir: string): Promise<CorpusIndex | undefined> {
  const saved = savedFiles(index);
  const folder = await currentFolder(dataDir);
  if (folder !== saved.folder) return undefined;
  const journal = await readJournal(join(dataDir, folder));
  const known = saved.journal?.changes.length ?? 0;
  if (!journal || journal.changes.length === known) return index;
  let followed = index;
  for (const change of await readChanges(join(dataDir, folder), journal, index.manifest.embeddings.dimensions, known)) {
    followed = await applyChange(followed, change);
  }
  return { ...followed, saved: { store: "files", folder, journal } };
}

/** Which saved index and how many of its changes an index is: equal versions hold the same documents. */
export function versionOf(index: CorpusIndex): string {
  const { saved } = index;
  return saved.store === "database" ? `postgres+${saved.version}` : `${saved.folder}+${saved.journal?.changes.length ?? 0}`;
}

/** Whether the index should be rebuilt from its own vectors (see MAX_DELETED_SHARE). */
export function needsCompaction(index: CorpusIndex): boolean {
  const points = (index.vectors as HNSWLib)._index?.getCurrentCount() ?? 0;
  const deleted = points - index.passages.size;
  return (points > 0 && deleted / points > MAX_DELETED_SHARE) || (savedFiles(index).journal?.changes.length ?? 0) >= MAX_CHANGES;
}
