import { isMainThread, parentPort, workerData, type Worker } from "node:worker_threads";
import { startModuleWorker } from "../workers/module-worker.js";
import { UnreadableDocumentError } from "./extracted.js";
import type { Progress } from "../progress.js";
import type { ReadDocument } from "./extract.js";
import { DocumentTooLargeError, type ReadingLimits } from "./limits.js";
import type { SourceDocument } from "./types.js";

type ToReader = { path: string; bytes: Uint8Array };
type FromReader =
  | ({ ok: true } & ReadDocument)
  | { ok: false; tooLarge: boolean; message: string }
  /** How many of a file's pages OCR has read: the file is still being read. */
  | { ocr: { done: number; total: number } };

/**
 * Reads files into documents in a worker thread of its own, one file at a time, within `limits`: a file
 * that would take the server down (a zip bomb, a PDF that makes pdf.js loop or fill the heap) costs only
 * that thread, which is ended, and the next file gets a new one. A file read with some of its text lost
 * gets one event in `progress` (phase "read"), and each page read by OCR one (phase "ocr"). READ_TIMEOUT_MS
 * counts from the last page OCR read, so a long scan may take a page's time per page. Call `close` when done.
 */
export class DocumentReader {
  private worker?: Worker;
  private turn: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly limits: ReadingLimits,
    private readonly progress: Progress = () => {},
  ) {}

  /** The document `bytes` (a file at `path` in the corpus) is; rejects with UnreadableDocumentError or DocumentTooLargeError. */
  read(path: string, bytes: Uint8Array): Promise<SourceDocument> {
    const result = this.turn.then(() => this.readNow(path, bytes));
    this.turn = result.catch(() => {});
    return result;
  }

  async close(): Promise<void> {
    await this.turn;
    await this.worker?.terminate();
    this.worker = undefined;
  }

  private startWorker(): Worker {
    const worker = startModuleWorker(
      import.meta.url,
      { readDocuments: this.limits },
      { resourceLimits: { maxOldGenerationSizeMb: this.limits.memoryMb } },
    );
    // Between files nothing else listens: a thread that fails or ends then must not take the server with it; the next file gets a new one.
    worker
      .on("error", () => {})
      .on("exit", () => {
        if (this.worker === worker) this.worker = undefined;
      });
    return worker;
  }

  private readNow(path: string, bytes: Uint8Array): Promise<SourceDocument> {
    const { timeoutMs, memoryMb } = this.limits;
    const worker = (this.worker ??= this.startWorker());
    worker.ref();
    return new Promise((resolve, reject) => {
      const finish = (outcome: SourceDocument | Error, endWorker: boolean) => {
        clearTimeout(timer);
        worker.off("message", onMessage).off("error", onError).off("exit", onExit);
        if (endWorker) {
          void worker.terminate();
          this.worker = undefined;
        } else worker.unref(); // An idle reader must not keep a command-line tool from exiting.
        if (outcome instanceof Error) reject(outcome);
        else resolve(outcome);
      };
      const onMessage = (message: FromReader) => {
        if ("ocr" in message) {
          this.progress({ phase: "ocr", path, ...message.ocr });
          clearTimeout(timer);
          timer = startTimer();
          return;
        }
        if (message.ok && message.notice) this.progress({ phase: "read", path, notice: message.notice });
        if (message.ok) finish(message.document, false);
        else finish(message.tooLarge ? new DocumentTooLargeError(message.message) : new UnreadableDocumentError(message.message), false);
      };
      const onError = (error: Error & { code?: string }) =>
        finish(
          error.code === "ERR_WORKER_OUT_OF_MEMORY"
            ? new DocumentTooLargeError(`reading it needed more than the ${memoryMb} MB of memory a file may take (READ_MEMORY_MB)`)
            : new UnreadableDocumentError(`it cannot be read (${error.message})`),
          true,
        );
      const onExit = (code: number) => finish(new UnreadableDocumentError(`reading it stopped unexpectedly (exit code ${code})`), true);
      const startTimer = () =>
        setTimeout(
          () =>
            finish(
              new DocumentTooLargeError(`reading it took longer than the ${seconds(timeoutMs)} a file may take (READ_TIMEOUT_MS)`),
              true,
            ),
          timeoutMs,
        );
      let timer = startTimer();
      worker.on("message", onMessage).on("error", onError).on("exit", onExit);
      worker.postMessage({ path, bytes } satisfies ToReader);
    });
  }
}

/** Runs `work` with a reader of its own, closed at the end however `work` ends. */
export async function withReader<T>(limits: ReadingLimits, progress: Progress, work: (reader: DocumentReader) => Promise<T>): Promise<T> {
  const reader = new DocumentReader(limits, progress);
  try {
    return await work(reader);
  } finally {
    await reader.close();
  }
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/** The worker's side: extract each file it is sent, and answer with the document or why not. */
async function serveReads(limits: ReadingLimits): Promise<void> {
  const port = parentPort!;
  // Imported here, so the server's thread never loads pdf.js, mammoth or Readability.
  const { extractDocument } = await import("./extract.js");
  port.on("message", async ({ path, bytes }: ToReader) => {
    let reply: FromReader;
    try {
      const file = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const ocrProgress = (done: number, total: number) => port.postMessage({ ocr: { done, total } } satisfies FromReader);
      reply = { ok: true, ...(await extractDocument(path, file, limits, ocrProgress)) };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof DocumentTooLargeError) reply = { ok: false, tooLarge: true, message };
      else if (error instanceof UnreadableDocumentError) reply = { ok: false, tooLarge: false, message };
      // Any other failure of an extractor is this file's, not the server's.
      else reply = { ok: false, tooLarge: false, message: `it cannot be read (${message})` };
    }
    port.postMessage(reply);
  });
}

type WorkerData = { readDocuments: ReadingLimits };

if (!isMainThread && (workerData as WorkerData | null)?.readDocuments) await serveReads((workerData as WorkerData).readDocuments);
