import type { EmbeddingModel } from "../../embeddings/index.js";
import type { ChunkingSettings } from "../../ingest/passages.js";
import { corpusOf } from "../../ingest/documents.js";
import type { SourceDocument } from "../../ingest/types.js";
import { withIndexLock } from "./lock.js";
import { DamagedIndexError } from "./damage.js";
import { differsOnlyInDocuments, manifestKeyFor, stalenessReason } from "../manifest.js";
import { describeChange, type Progress } from "../../progress.js";
import { buildIndex, loadIndex, readManifest } from "./build.js";
import type { FilesIndex } from "./files-index.js";
import type { OpenOptions } from "../store.js";
import { needsCompaction, updateIndex } from "./updates.js";
import { diffCorpus, isEmpty, worthUpdating } from "../corpus-diff.js";

/**
 * The index of `documents`: the saved one when it is current; the saved one with what changed added
 * and removed, when only a few documents changed; otherwise a new one, reusing the saved vectors of
 * unchanged documents (none with `rebuild`). Changes to the same `dataDir` take turns.
 */
export async function openIndex(
  documents: SourceDocument[],
  model: EmbeddingModel,
  chunking: ChunkingSettings,
  dataDir: string,
  progress: Progress = () => {},
  { rebuild = false, compact = false }: OpenOptions = {},
): Promise<FilesIndex> {
  return withIndexLock(dataDir, progress, async () => {
    if (rebuild) return buildIndex(documents, model, chunking, dataDir, progress, false);
    const key = manifestKeyFor(documents, model, chunking);
    let saved: FilesIndex;
    try {
      // Checked under the lock: a build that just finished elsewhere makes this one unnecessary.
      const manifest = await readManifest(dataDir);
      if (!manifest || !differsOnlyInDocuments(manifest, key)) {
        // No index, or one that differs in more than its documents: either way there is a reason to name.
        progress({ phase: "building", cause: manifest ? "stale" : "no-index", reason: stalenessReason(manifest, key)! });
        return await buildIndex(documents, model, chunking, dataDir, progress, false);
      }
      saved = await loadIndex(dataDir, model);
    } catch (error) {
      // Never served and never thrown: a damaged index is built again from the corpus, into a new folder.
      if (!(error instanceof DamagedIndexError)) throw error;
      progress({ phase: "building", cause: "damaged", reason: error.message });
      return buildIndex(documents, model, chunking, dataDir, progress, false);
    }
    const diff = diffCorpus(saved, corpusOf(documents));
    let index = saved;
    if (!isEmpty(diff)) {
      if (!worthUpdating(saved, diff)) {
        progress({
          phase: "building",
          cause: "corpus-changed",
          reason: `corpus changed (${describeChange(diff.added.length, diff.removed.length)})`,
        });
        return buildIndex(documents, model, chunking, dataDir, progress, saved);
      }
      index = await updateIndex(saved, diff, model, chunking, dataDir, progress);
    }
    if (compact || needsCompaction(index)) {
      progress({ phase: "building", cause: "compacting", reason: "rebuilding it from its own vectors" });
      return buildIndex(documents, model, chunking, dataDir, progress, index);
    }
    return index;
  });
}
