import { isMainThread, parentPort, workerData } from "node:worker_threads";
import type { Config } from "../../config.js";
import { startModuleWorker } from "../../workers/module-worker.js";
import type { OpenOptions } from "../store.js";
import type { Progress, ProgressEvent } from "../../progress.js";

/** Progress events cross as they are (structured clone): the main thread puts them into words, if at all. */
type FromWorker = { type: "progress"; event: ProgressEvent } | { type: "done" } | { type: "failed"; message: string };

/**
 * Builds (or, when it is current, just checks) the index of `config`'s corpus in a worker thread, exactly
 * as `openRetrieval` does, so the request thread keeps answering. Each progress event is passed to
 * `progress`; resolves once the index is saved and the worker has stopped, rejects with the build's own
 * message when it fails. The caller then opens the index, which is found current and only loaded.
 */
export function buildIndexInWorker(config: Config, progress: Progress, options: OpenOptions = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = startModuleWorker(import.meta.url, { buildIndex: config, options });
    let outcome: { ok: true } | { ok: false; message: string } | undefined;
    worker.on("message", (message: FromWorker) => {
      if (message.type === "progress") progress(message.event);
      else {
        outcome = message.type === "done" ? { ok: true } : { ok: false, message: message.message };
        // The embedding model may keep handles open in the worker: end it now that the index is saved.
        void worker.terminate();
      }
    });
    worker.on("error", (error) => (outcome ??= { ok: false, message: error.message }));
    worker.on("exit", (code) => {
      if (outcome?.ok) resolve();
      else reject(new Error(outcome?.message ?? `the index build stopped unexpectedly (worker exit code ${code})`));
    });
  });
}

/** The worker's side: open the index (building it when stale), report, and end. */
async function runWorker(config: Config, options: OpenOptions): Promise<void> {
  const port = parentPort!;
  const send = (message: FromWorker) => port.postMessage(message);
  try {
    const progress: Progress = (event) => send({ type: "progress", event });
    // Imported here, so the main thread does not load the build's code just to start a worker.
    const [{ readCorpus }, { createEmbeddings }, { chunkingOf }, { openIndex }] = await Promise.all([
      import("../../ingest/documents.js"),
      import("../../embeddings/index.js"),
      import("../../ingest/passages.js"),
      import("./open.js"),
    ]);
    const documents = await readCorpus(config.corpusDir, progress, config.reading);
    await openIndex(documents, createEmbeddings(config), chunkingOf(config), config.dataDir, progress, options);
    send({ type: "done" });
  } catch (error) {
    send({ type: "failed", message: error instanceof Error ? error.message : String(error) });
  }
}

type WorkerData = { buildIndex: Config; options: OpenOptions };

if (!isMainThread && (workerData as WorkerData | null)?.buildIndex) {
  const { buildIndex, options } = workerData as WorkerData;
  await runWorker(buildIndex, options);
}
