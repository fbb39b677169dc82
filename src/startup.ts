import { setTimeout as sleep } from "node:timers/promises";
import type { AskPipeline } from "./answer/ask.js";
import type { Config } from "./config.js";
import { createEmbeddings, type EmbeddingModel } from "./embeddings/index.js";
import { diffCorpus, worthUpdating } from "./index/corpus-diff.js";
import type { CorpusIndex } from "./index/corpus-index.js";
import { openStore } from "./index/open-store.js";
import { buildProgressOf, describeEvent, type BuildProgress, type Progress } from "./progress.js";
import { StoreUnavailableError } from "./database/unavailable.js";
import type { IndexStore } from "./index/store.js";
import { readCorpusFolder, type CorpusRead } from "./ingest/documents.js";
import { DocumentLibrary } from "./library.js";
import { pipelineOver } from "./service.js";

/** The longest wait between attempts to reach a store that could not be reached at start. */
const MAX_RETRY_MS = 30_000;

/** What a start tells the server while it opens the library, so /healthz and the page can say where it is. */
export interface StartReports {
  /** How far building the index has got; undefined once it is done. */
  building(progress: BuildProgress | undefined): void;
  /** What answers while the index of this start is built: the previous one, when there is one. */
  interim(pipeline: AskPipeline | undefined): void;
  /** Why the store cannot be used now (the database is unreachable), while it cannot. */
  unavailable(reason: string | undefined): void;
  log(message: string): void;
  warn(message: string): void;
}

/** Makes a pipeline ready to answer (loads the embedding model, says its warnings) before it serves. */
export type WarmUp = (pipeline: AskPipeline) => Promise<AskPipeline>;

/**
 * The library a server answers from. The saved index is served at once when it is current, or a few documents
 * away from it (those are then added and removed while it answers); otherwise the index is built (off the
 * request thread where the store can), with the previous index answering meanwhile when there is one. While
 * the store cannot be reached, the start waits and tries again, waiting longer each time up to MAX_RETRY_MS,
 * rather than fail and be restarted in a loop.
 */
export async function openLibrary(config: Config, warmUp: WarmUp, reports: StartReports): Promise<DocumentLibrary> {
  const model = createEmbeddings(config);
  for (let wait = 1000; ; wait = Math.min(wait * 2, MAX_RETRY_MS)) {
    try {
      const library = await libraryFrom(config, model, warmUp, reports);
      reports.unavailable(undefined);
      return library;
    } catch (error) {
      reports.building(undefined);
      reports.interim(undefined);
      if (!(error instanceof StoreUnavailableError)) throw error;
      reports.unavailable(error.message);
      reports.warn(`Waiting for the database: ${error.message}. Trying again in ${wait / 1000} s.`);
      await sleep(wait);
    }
  }
}

async function libraryFrom(config: Config, model: EmbeddingModel, warmUp: WarmUp, reports: StartReports): Promise<DocumentLibrary> {
  const startedAt = new Date().toISOString();
  // The store reports to the log for as long as it runs; to /healthz only while this start builds.
  let starting = true;
  const progress: Progress = (event) => {
    if (starting) reports.building(buildProgressOf(event, startedAt));
    reports.log(describeEvent(event));
  };
  const store: IndexStore = await openStore(config, model, progress);
  try {
    const corpus = await readCorpusFolder(config.corpusDir, () => {}, config.reading, await store.readings());
    const { size } = corpus.unchanged;
    if (size === 1) reports.log("1 corpus file is as it was indexed, and was not read again.");
    else if (size > 1) reports.log(`${size} corpus files are as they were indexed, and were not read again.`);
    return await servedFrom(config, corpus, model, store, warmUp, reports, startedAt);
  } catch (error) {
    await store.close().catch(() => {});
    throw error;
  } finally {
    // From here on the store's reports (an upload's embedding, say) are no build of this start's.
    starting = false;
    reports.building(undefined);
  }
}

async function servedFrom(
  config: Config,
  corpus: CorpusRead,
  model: EmbeddingModel,
  store: IndexStore,
  warmUp: WarmUp,
  reports: StartReports,
  startedAt: string,
): Promise<DocumentLibrary> {
  const saved = await store.saved(corpus);
  // What the library and its pipelines report once they serve goes to the log only.
  const logged: Progress = (event) => reports.log(describeEvent(event));
  const serve = async (index: CorpusIndex) => warmUp(await pipelineOver(config, index, model, logged));
  if (saved && (saved.current || (saved.updatable && worthUpdating(saved.index, diffCorpus(saved.index, corpus))))) {
    const library = new DocumentLibrary(config, await serve(saved.index), store, model, logged);
    if (!saved.current) {
      reports.log(`Answering from the saved index (${saved.index.documents.catalog.size} documents) while it is brought up to date.`);
      await library.update(corpus);
    }
    return library;
  }
  reports.building(buildProgressOf({ phase: "note", message: "Starting the build of the index." }, startedAt));
  const built = store.build(corpus);
  built.catch(() => {}); // Awaited below; until then a failure must not count as unhandled.
  if (saved) {
    try {
      reports.interim(await serve(saved.index));
      reports.log(`Answering from the previous index (${saved.index.documents.catalog.size} documents) while the new one is built.`);
    } catch (error) {
      reports.warn(
        `Warning: the previous index cannot be served (${error instanceof Error ? error.message : error}); waiting for the new one.`,
      );
    }
  }
  const index = await built;
  reports.building(buildProgressOf({ phase: "note", message: "Loading the new index." }, startedAt));
  const library = new DocumentLibrary(config, await serve(index), store, model, logged);
  reports.interim(undefined);
  reports.building(undefined);
  return library;
}
