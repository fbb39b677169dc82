import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { JobThread } from "../workers/job-thread.js";
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
  private readonly thread: JobThread<ToReader, Extract<FromReader, { ok: boolean }>>;

  constructor(
    private readonly limits: ReadingLimits,
    private readonly progress: Progress = () => {},
  ) {
    this.thread = new JobThread(
      () => startModuleWorker(import.meta.url, { readDocuments: limits }, { resourceLimits: { maxOldGenerationSizeMb: limits.memoryMb } }),
      limits.timeoutMs,
    );
  }

  /** The document `bytes` (a file at `path` in the corpus) is; rejects with UnreadableDocumentError or DocumentTooLargeError. */
  async read(path: string, bytes: Uint8Array): Promise<SourceDocument> {
    const { timeoutMs, memoryMb } = this.limits;
    const reply = await this.thread.run(
      { path, bytes },
      {
        timedOut: () =>
          new DocumentTooLargeError(`reading it took longer than the ${seconds(timeoutMs)} a file may take (READ_TIMEOUT_MS)`),
        failed: (error) =>
          error.code === "ERR_WORKER_OUT_OF_MEMORY"
            ? new DocumentTooLargeError(`reading it needed more than the ${memoryMb} MB of memory a file may take (READ_MEMORY_MB)`)
            : new UnreadableDocumentError(`it cannot be read (${error.message})`),
        exited: (code) => new UnreadableDocumentError(`reading it stopped unexpectedly (exit code ${code})`),
      },
      (message) => {
        const news = message as FromReader;
        if (!("ocr" in news)) return false;
        this.progress({ phase: "ocr", path, ...news.ocr });
        return true;
      },
    );
    if (!reply.ok) throw reply.tooLarge ? new DocumentTooLargeError(reply.message) : new UnreadableDocumentError(reply.message);
    if (reply.notice) this.progress({ phase: "read", path, notice: reply.notice });
    return reply.document;
  }

  close(): Promise<void> {
    return this.thread.close();
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
