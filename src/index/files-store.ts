import type { Config } from "../config.js";
import type { EmbeddingModel } from "../embeddings/index.js";
import type { SourceDocument } from "../ingest/types.js";
import { withIndexLock } from "./build-lock.js";
import type { IndexChange } from "./change.js";
import type { IndexStore } from "./index-store.js";
import type { Progress } from "./progress.js";
import { loadIndex, type CorpusIndex } from "./store.js";
import { commitChange, diffCorpus, followSavedIndex, needsCompaction, type CorpusDiff } from "./updates.js";

/** The embedded store: the index as files under DATA_DIR, changed under a lock file, with a journal of changes. */
export class FileIndexStore implements IndexStore {
  readonly uploadsInCorpus = true;

  constructor(
    private readonly config: Config,
    private readonly model: EmbeddingModel,
    private readonly progress: Progress,
  ) {}

  exclusively<T>(work: () => Promise<T>): Promise<T> {
    return withIndexLock(this.config.dataDir, this.progress, work);
  }

  load(): Promise<CorpusIndex> {
    return loadIndex(this.config.dataDir, this.model);
  }

  follow(index: CorpusIndex): Promise<CorpusIndex | undefined> {
    return followSavedIndex(index, this.config.dataDir);
  }

  commit(index: CorpusIndex, change: IndexChange): Promise<CorpusIndex> {
    return commitChange(index, change, this.config.dataDir, this.progress);
  }

  async corpusDiff(index: CorpusIndex, documents: SourceDocument[]): Promise<CorpusDiff> {
    return diffCorpus(index, documents);
  }

  compactionDue(index: CorpusIndex): boolean {
    return needsCompaction(index);
  }

  async compact(): Promise<CorpusIndex> {
    // Imported when needed: the build worker's own thread imports this module, through the service.
    const { buildIndexInWorker } = await import("./build-worker.js");
    await buildIndexInWorker(this.config, this.progress, { compact: true });
    return this.load();
  }

  async close(): Promise<void> {}
}
