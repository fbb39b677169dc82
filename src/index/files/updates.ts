import { join } from "node:path";
import type { EmbeddingModel } from "../../embeddings/index.js";
import type { ChunkingSettings } from "../../ingest/passages.js";
import { checkChange, documentsAfter, type IndexChange } from "../change.js";
import { IndexMovedError, prepareChange, type CorpusDiff } from "../corpus-diff.js";
import type { Progress } from "../../progress.js";
import { currentFolder } from "./build.js";
import { filesVersion, type FilesIndex } from "./files-index.js";
import { applyChange } from "./graph.js";
import { appendToJournal, readChanges, readJournal } from "./journal.js";

/**
 * Past this share of deleted points in the HNSW graph, or this many changes in the journal, the index is
 * rebuilt from its own vectors: deleted points still cost search time, and every change is replayed at load.
 */
const MAX_DELETED_SHARE = 0.2;
const MAX_CHANGES = 100;

/**
 * Embeds the documents `diff` adds, commits the change to the saved index and returns the index after it.
 * Only called with the index lock held; nothing is written until everything is embedded, so a failure or
 * a kill before the commit leaves the saved index as it was.
 */
export async function updateIndex(
  index: FilesIndex,
  diff: CorpusDiff,
  model: EmbeddingModel,
  chunking: ChunkingSettings,
  dataDir: string,
  progress: Progress,
): Promise<FilesIndex> {
  return commitChange(index, await prepareChange(diff, model, chunking, progress), dataDir, progress);
}

/**
 * Writes `change` into the saved index as its next change and returns the index after it. Only called with
 * the index lock held; throws `IndexMovedError`, writing nothing, when the saved index is not `index`.
 */
export async function commitChange(
  index: FilesIndex,
  change: IndexChange,
  dataDir: string,
  progress: Progress = () => {},
): Promise<FilesIndex> {
  const { saved } = index;
  const folder = await currentFolder(dataDir);
  const journal = folder ? await readJournal(join(dataDir, folder)) : null;
  if (folder !== saved.folder || (journal?.changes.length ?? 0) !== (saved.journal?.changes.length ?? 0)) {
    throw new IndexMovedError("the saved index was changed by another process since it was loaded");
  }
  checkChange(index, change);
  const committed = await appendToJournal(join(dataDir, folder), journal, change, documentsAfter(index, change));
  const updated = await applyChange(index, change);
  progress({ phase: "updated", added: change.added.length, removed: change.removed.length });
  return { ...updated, saved: filesVersion(folder, committed) };
}

/**
 * The saved index as it is now, when another process changed it since `index` was read: `index` with the
 * changes committed since applied, or, when it was replaced (rebuilt, compacted), undefined; `index` itself
 * when nothing changed.
 */
export async function followSavedIndex(index: FilesIndex, dataDir: string): Promise<FilesIndex | undefined> {
  const { saved } = index;
  const folder = await currentFolder(dataDir);
  if (folder !== saved.folder) return undefined;
  const journal = await readJournal(join(dataDir, folder));
  const known = saved.journal?.changes.length ?? 0;
  if (!journal || journal.changes.length === known) return index;
  let followed = index;
  for (const change of await readChanges(join(dataDir, folder), journal, index.manifest.embeddings.dimensions, known)) {
    followed = await applyChange(followed, change);
  }
  return { ...followed, saved: filesVersion(folder, journal) };
}

/** Whether the index should be rebuilt from its own vectors (see MAX_DELETED_SHARE). */
export function needsCompaction(index: FilesIndex): boolean {
  const points = index.vectors._index?.getCurrentCount() ?? 0;
  const deleted = points - index.documents.passageCount;
  return (points > 0 && deleted / points > MAX_DELETED_SHARE) || (index.saved.journal?.changes.length ?? 0) >= MAX_CHANGES;
}
