import { extname } from "node:path";
import type { AskPipeline } from "./answer/ask.js";
import type { Config } from "./config.js";
import type { EmbeddingModel } from "./embeddings/index.js";
import type { IndexChange } from "./index/change.js";
import type { ChangeSource, IndexStore } from "./index/store.js";
import { sha256 } from "./index/manifest.js";
import type { Progress } from "./progress.js";
import type { CorpusIndex } from "./index/corpus-index.js";
import { isEmpty, prepareChange, retryingWhenMoved } from "./index/corpus-diff.js";
import { documentIdFor } from "./ingest/document-names.js";
import type { CorpusRead } from "./ingest/documents.js";
import type { SourceDocument } from "./ingest/types.js";
import { DocumentReader } from "./ingest/reader.js";
import { readUpload, uploadFileName } from "./ingest/uploads.js";
import { pipelineAfter, pipelineOver } from "./service.js";
import { chunkingOf } from "./ingest/passages.js";

/** What became of one document of a request: added, replaced (same name, other content), duplicate (content already held), deleted. */
export type DocumentStatus = "added" | "replaced" | "duplicate" | "deleted";

export interface DocumentReport {
  id: string;
  title: string;
  path: string;
  format: SourceDocument["format"];
  bytes: number;
  passages: number;
  status: DocumentStatus;
}

export interface UploadedFile {
  name: string;
  bytes: Buffer;
}

export class DocumentNotFoundError extends Error {}

/**
 * The documents the server answers from, and how they change while it runs: uploads and deletions go,
 * as one change each, to the store (which keeps the files as it keeps files) and then to the pipeline that
 * answers. Changes take turns; questions are answered from the last whole version meanwhile.
 */
export class DocumentLibrary {
  private pipeline: AskPipeline;
  private turn: Promise<unknown> = Promise.resolve();
  private readonly swapped: (() => void)[] = [];
  /** One reading thread for every upload (its start costs a second or more); a file over a limit costs it, and the next gets another. */
  private readonly reader: DocumentReader;

  constructor(
    private readonly config: Config,
    pipeline: AskPipeline,
    private readonly store: IndexStore,
    private readonly model: EmbeddingModel,
    private readonly progress: Progress,
  ) {
    this.pipeline = pipeline;
    this.reader = new DocumentReader(config.reading, progress);
  }

  /** The pipeline over the latest whole version of the documents. */
  get current(): AskPipeline {
    return this.pipeline;
  }

  /** Calls `listener` each time another version of the documents starts answering. */
  onSwap(listener: () => void): void {
    this.swapped.push(listener);
  }

  /**
   * Adds uploaded files to the corpus, as one change. Every file is read first (in a worker thread, within
   * the reading limits), so a file that cannot be (unsupported, unreadable, too large, badly named) throws
   * and nothing is added.
   */
  async add(files: UploadedFile[]): Promise<DocumentReport[]> {
    const read: { document: SourceDocument; bytes: Buffer }[] = [];
    for (const file of files)
      read.push({ document: await readUpload(this.reader, uploadFileName(file.name), file.bytes), bytes: file.bytes });
    return this.inTurn(async () => {
      const index = this.pipeline.index;
      // The manifest has each document's text hash already.
      const held = new Map<string, Reported>([...index.documents.catalog.values()].map((entry) => [entry.sha256, entry]));
      const reports: DocumentReport[] = [];
      const adding: { document: SourceDocument; bytes: Buffer }[] = [];
      for (const { document, bytes } of read) {
        const same = held.get(sha256(document.text));
        if (same) {
          reports.push(reportOf(same, index.documents.catalog.get(same.id)?.passages ?? 0, "duplicate"));
          continue;
        }
        const replacing = [...index.documents.catalog.values()].some((doc) => doc.path === document.path);
        const placed = replacing
          ? document
          : this.withFreeName(
              document,
              index,
              adding.map((a) => a.document),
            );
        held.set(sha256(placed.text), placed);
        adding.push({ document: placed, bytes });
        reports.push(reportOf(placed, 0, replacing ? "replaced" : "added"));
      }
      if (adding.length === 0) return reports;
      const change = await prepareChange(
        { added: adding.map((a) => a.document), removed: [] },
        this.model,
        chunkingOf(this.config),
        this.progress,
      );
      await this.commit(change, { origin: "upload", files: adding.map(({ document, bytes }) => ({ path: document.path, bytes })) });
      const { catalog } = this.pipeline.index.documents;
      return reports.map((report) =>
        report.status === "duplicate" ? report : { ...report, passages: catalog.get(report.id)?.passages ?? 0 },
      );
    });
  }

  /** The file `document` was read from, where the store keeps it (see `IndexStore.fileOf`). */
  fileOf(document: SourceDocument): Promise<Uint8Array | undefined> {
    return this.store.fileOf(document);
  }

  /** Removes a document from the corpus folder and the index. */
  async remove(id: string): Promise<DocumentReport> {
    return this.inTurn(async () => {
      const index = this.pipeline.index;
      const document = index.documents.catalog.get(id);
      if (!document) throw new DocumentNotFoundError(`no document with id "${id}"`);
      const report = reportOf(document, document.passages, "deleted");
      await this.commit({ added: [], removed: [id] }, { origin: "upload", files: [] });
      return report;
    });
  }

  /**
   * Brings the index up to date with `corpus` (as read at start), embedding only what changed.
   * Under the store's lock throughout, so of several servers starting at once one embeds and the rest follow.
   */
  async update(corpus: CorpusRead): Promise<void> {
    await this.inTurn(() =>
      this.store.exclusively(async () => {
        await this.followSaved();
        const diff = await this.store.corpusDiff(this.pipeline.index, corpus);
        if (isEmpty(diff)) return;
        await this.commitLocked(await prepareChange(diff, this.model, chunkingOf(this.config), this.progress), { origin: "corpus" });
      }),
    );
  }

  /**
   * Answers from the saved index as it is now, when another process (a server of the same DATA_DIR,
   * `npm run ingest`) changed it: its new changes are applied, or a replaced index is loaded.
   */
  async follow(): Promise<void> {
    await this.inTurn(() => this.followSaved());
  }

  private async followSaved(): Promise<void> {
    const followed = await this.store.follow(this.pipeline.index);
    if (followed === this.pipeline.index) return;
    this.switchTo(
      followed
        ? await pipelineAfter(this.config, this.pipeline, followed)
        : await pipelineOver(this.config, await this.store.load(), this.model, this.progress),
    );
    this.progress({
      phase: "note",
      message: `Now answering from index ${this.pipeline.index.saved.label} (${this.pipeline.index.documents.catalog.size} documents).`,
    });
  }

  private async commit(change: IndexChange, source: ChangeSource): Promise<void> {
    await this.store.exclusively(() => this.commitLocked(change, source));
  }

  /** Commits `change` and answers from the index after it; only called with the store's lock held. */
  private async commitLocked(change: IndexChange, source: ChangeSource): Promise<void> {
    // Another process may have committed first: build on its change, not beside it.
    const index = await retryingWhenMoved(async () => {
      await this.followSaved();
      return this.store.commit(this.pipeline.index, change, source);
    });
    this.switchTo(await pipelineAfter(this.config, this.pipeline, index));
    // Not awaited by the change that called for it: the next change waits for it instead.
    if (this.store.compactionDue(index)) {
      void this.inTurn(() => this.compact()).catch((error) =>
        this.progress({ phase: "note", message: `Compacting the index failed: ${error.message}` }),
      );
    }
  }

  /** Rebuilds the index without its deleted points (in a worker thread), then answers from the rebuilt one. */
  private async compact(): Promise<void> {
    const index = await this.store.compact();
    this.switchTo(await pipelineOver(this.config, index, this.model, this.progress));
    this.progress({ phase: "note", message: `Compacted the index: ${index.documents.passageCount} passages.` });
  }

  /** Answers from `next` from now on. */
  private switchTo(next: AskPipeline): void {
    this.pipeline = next;
    for (const listener of this.swapped) listener();
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const result = this.turn.then(work);
    this.turn = result.catch(() => {});
    return result;
  }

  /**
   * `document`, renamed ("report-2.pdf") when its id is taken by another document, by one added with it,
   * or when the store keeps a file of its name without it being in the index (one left out as unreadable).
   */
  private withFreeName(document: SourceDocument, index: CorpusIndex, alsoAdding: SourceDocument[]): SourceDocument {
    const taken = new Set([...index.documents.catalog.keys(), ...alsoAdding.map((d) => d.id)]);
    const extension = extname(document.path);
    const stem = document.path.slice(0, document.path.length - extension.length);
    for (let n = 1; ; n++) {
      const path = n === 1 ? document.path : `${stem}-${n}${extension}`;
      const id = documentIdFor(path);
      if (!taken.has(id) && !this.store.holdsFile(path)) return { ...document, id, path };
    }
  }
}

/** What a report says of a document. */
type Reported = Pick<SourceDocument, "id" | "title" | "path" | "format" | "bytes">;

function reportOf(document: Reported, passages: number, status: DocumentStatus): DocumentReport {
  const { id, title, path, format, bytes } = document;
  return { id, title, path, format, bytes, passages, status };
}
