import type { Config } from "../../config.js";
import type { EmbeddingModel } from "../../embeddings/index.js";
import { CorpusFolder } from "../../ingest/corpus-folder.js";
import { chunkingOf } from "../../ingest/passages.js";
import type { CorpusRead } from "../../ingest/documents.js";
import type { SourceDocument } from "../../ingest/types.js";
import type { IndexChange } from "../change.js";
import { diffCorpus, type CorpusDiff } from "../corpus-diff.js";
import type { Progress } from "../../progress.js";
import { differsOnlyInDocuments, INDEX_FORMAT_VERSION, manifestKeyFor, stalenessReason } from "../manifest.js";
import type { ChangeSource, IndexStore, OpenOptions, SavedIndex } from "../store.js";
import { loadIndex } from "./build.js";
import type { FilesIndex } from "./files-index.js";
import { withIndexLock } from "./lock.js";
import { openIndex } from "./open.js";
import { commitChange, followSavedIndex, needsCompaction } from "./updates.js";

/**
 * The embedded store: the index as files under DATA_DIR, changed under a lock file, with a journal of
 * changes. Uploads are kept as files in the corpus folder, beside the corpus's own.
 */
export class FileIndexStore implements IndexStore<FilesIndex> {
  private readonly corpus: CorpusFolder;

  constructor(
    private readonly config: Config,
    private readonly model: EmbeddingModel,
    private readonly progress: Progress,
  ) {
    this.corpus = new CorpusFolder(config.corpusDir);
  }

  /** None: the saved index's manifest tells a changed corpus, and a start reads every file. */
  async readings(): Promise<ReadonlyMap<string, string>> {
    return new Map();
  }

  open(corpus: CorpusRead, options: OpenOptions = {}): Promise<FilesIndex> {
    return openIndex(documentsOf(corpus), this.model, chunkingOf(this.config), this.config.dataDir, this.progress, options);
  }

  /**
   * The saved index when it loads (every file checked) and was built with this embedding model and index
   * format, whatever corpus it was built from.
   */
  async saved(corpus: CorpusRead): Promise<SavedIndex<FilesIndex> | undefined> {
    let index: FilesIndex;
    try {
      index = await this.load();
    } catch {
      return undefined; // None, or damaged: the build (re)makes it.
    }
    const { manifest } = index;
    const usable =
      manifest.formatVersion === INDEX_FORMAT_VERSION &&
      manifest.embeddings.provider === this.model.provider &&
      manifest.embeddings.model === this.model.model;
    if (!usable) return undefined;
    const key = manifestKeyFor(documentsOf(corpus), this.model, chunkingOf(this.config));
    return { index, current: stalenessReason(manifest, key) === null, updatable: differsOnlyInDocuments(manifest, key) };
  }

  /** Builds in a worker thread, which reads the corpus itself, so the request thread keeps answering; then loads what it saved. */
  async build(): Promise<FilesIndex> {
    await this.inWorker({});
    return this.load();
  }

  exclusively<T>(work: () => Promise<T>): Promise<T> {
    return withIndexLock(this.config.dataDir, this.progress, work);
  }

  load(): Promise<FilesIndex> {
    return loadIndex(this.config.dataDir, this.model);
  }

  follow(index: FilesIndex): Promise<FilesIndex | undefined> {
    return followSavedIndex(index, this.config.dataDir);
  }

  /**
   * An upload's files are written into the corpus folder first and its removed documents' files deleted first:
   * killed before the commit, the next start finds the folder changed and brings the index in step with it.
   */
  async commit(index: FilesIndex, change: IndexChange, source: ChangeSource): Promise<FilesIndex> {
    if (source.origin === "upload") {
      for (const file of source.files) await this.corpus.write(file.path, file.bytes);
      for (const id of change.removed) {
        const document = index.documents.catalog.get(id);
        if (document) await this.corpus.remove(document.path);
      }
    }
    return commitChange(index, change, this.config.dataDir, this.progress);
  }

  async corpusDiff(index: FilesIndex, corpus: CorpusRead): Promise<CorpusDiff> {
    return diffCorpus(index, corpus);
  }

  async fileOf(document: SourceDocument): Promise<Uint8Array | undefined> {
    return this.corpus.fileOf(document);
  }

  holdsFile(path: string): boolean {
    return this.corpus.has(path);
  }

  compactionDue(index: FilesIndex): boolean {
    return needsCompaction(index);
  }

  async compact(): Promise<FilesIndex> {
    await this.inWorker({ compact: true });
    return this.load();
  }

  private async inWorker(options: OpenOptions): Promise<void> {
    // Imported when needed: most runs never start the build's thread.
    const { buildIndexInWorker } = await import("./build-worker.js");
    await buildIndexInWorker(this.config, this.progress, options);
  }

  async close(): Promise<void> {}
}

/** The documents of `corpus`, which holds every file: this store records no readings, so none was left unread. */
function documentsOf(corpus: CorpusRead): SourceDocument[] {
  if (corpus.unchanged.size > 0) throw new Error("the embedded store records no readings: a start reads every corpus file");
  return corpus.documents;
}
