import cluster from "node:cluster";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createAdaptorServer } from "@hono/node-server";
import type { AskPipeline } from "../answer/ask.js";
import { loadConfig, type Config } from "../config.js";
import { watchLlm } from "../llm/availability.js";
import { createApp } from "../server/app.js";
import { ApiKeys } from "../server/api-keys.js";
import { openApiKeyStore } from "../keys/open.js";
import { FeedbackFile } from "../server/feedback.js";
import { FeedbackTable } from "../server/feedback-table.js";
import { joinWorkers, runWorkers } from "../server/workers.js";
import { createPageRoutes } from "../server/page.js";
import { ExampleQuestions } from "../server/example-questions.js";
import type { DocumentLibrary } from "../library.js";
import { PageImages } from "../ingest/page-images.js";
import type { BuildProgress } from "../progress.js";
import { openLibrary } from "../startup.js";
import { relayClusterMetrics } from "../server/cluster-metrics.js";
import { StoreUnavailableError } from "../database/unavailable.js";
import { runCli } from "./run.js";

/** On SIGTERM or SIGINT, how long requests in flight may take to finish before every connection is closed. */
const SHUTDOWN_GRACE_MS = 1000;
/** The latest a stopping server exits, whatever still holds it. */
const SHUTDOWN_DEADLINE_MS = 5000;

/** How often a server checks whether another process (another server, `npm run ingest`) changed the saved index. */
const FOLLOW_INTERVAL_MS = 1000;

// With several server processes, the primary gathers every one's metrics for whichever one is scraped.
if (cluster.isPrimary) relayClusterMetrics();

await runCli(async () => {
  const config = loadConfig();
  if (cluster.isPrimary && config.workers > 1) return runWorkers(config.workers);
  const peers = joinWorkers();
  let library: DocumentLibrary | undefined;
  /** What answers while the first index of this start is built: the previous one, when there is one. */
  let interim: AskPipeline | undefined;
  let building: BuildProgress | undefined;
  /** Why the store cannot be used now (the database is unreachable), while it cannot. */
  let unavailable: string | undefined;
  const llm = watchLlm(config);
  const examples = new ExampleQuestions();
  const app = createApp({
    pipeline: () => library?.current ?? interim,
    building: () => building,
    unavailable: () => unavailable,
    health: () => ({ llm: llm.status(), ...(cluster.isWorker && { workers: peers.workers() }) }),
    processes: () => peers.readiness(),
    maxQuestionChars: config.maxQuestionChars,
    rateLimitPerMinute: config.rateLimitPerMinute,
    feedback:
      config.store.kind === "pgvector"
        ? new FeedbackTable(config.store.databaseUrl)
        : new FeedbackFile(join(config.dataDir, "feedback.jsonl")),
    library: () => library,
    apiKeys: await ApiKeys.open(config.adminToken, openApiKeyStore(config), (message) => console.warn(`Warning: ${message}`)),
    trustProxy: config.trustProxy,
    maxUploadBytes: config.maxUploadBytes,
    publicUrl: config.publicUrl,
    page: await createPageRoutes(),
    pageImages: new PageImages(config.reading),
    examples,
  });
  const started = performance.now();
  // Plain HTTP: the adaptor makes a node:http server unless told otherwise.
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  stopOnSignals(server);
  const startListening = async () => {
    const address = await listening(server, config);
    console.log(`Listening on http://${address.address}:${address.port}${library ? "" : " (answers once the index is ready)"}`);
    server.on("error", (error) => {
      console.error(`error: the server failed: ${error.message}`);
      process.exit(1);
    });
  };
  const listenFirst = await peers.listenBeforeReady();
  if (listenFirst) {
    await startListening();
    peers.report({ status: "starting", listening: true });
  }

  const log = (message: string) => console.log(message);
  const open = async (opened: AskPipeline): Promise<AskPipeline> => {
    for (const warning of opened.warnings) console.warn(`Warning: ${warning}`);
    // Load the embedding model now, so the first question is as fast as the rest.
    await opened.embeddings.embedQuery("warm up");
    return opened;
  };
  library = await openLibrary(config, open, {
    building: (progress) => (building = progress),
    interim: (pipeline) => (interim = pipeline),
    unavailable: (reason) => (unavailable = reason),
    log,
    warn: (message) => console.warn(message),
  });
  const pipeline = library.current;
  // The start screen's questions are checked against this version before it counts as ready, and again at each change.
  const checkExamples = () =>
    examples.check(library!.current).catch((error: Error) => log(`Cannot check the example questions: ${error.message}`));
  await checkExamples();
  library.onSwap(() => void checkExamples());
  if (!listenFirst) await startListening();
  const report = () => {
    const { index } = library!.current;
    peers.report({ status: "ready", listening: true, index: index.saved.label, documents: index.documents.catalog.size });
  };
  report();
  library.onSwap(report);
  followStore(library, log, (reason) => (unavailable = reason));
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `Ready in ${seconds} s: ${pipeline.index.documents.catalog.size} documents, ${pipeline.index.documents.passageCount} passages, ${pipeline.answerer.mode} answers.`,
  );
});
// A start that failed (port taken, corpus that cannot be indexed, …) has printed its one line: exit now,
// rather than leave a server listening that will never be ready.
if (process.exitCode) process.exit();

/**
 * Checks every FOLLOW_INTERVAL_MS whether another process changed the store's index, and answers from the
 * changed one. A failure (a damaged index on disk) is logged once and the current version keeps answering;
 * while the database cannot be reached, `unavailable` says so.
 */
function followStore(library: DocumentLibrary, log: (message: string) => void, unavailable: (reason: string | undefined) => void): void {
  let failed: string | undefined;
  const timer = setInterval(() => {
    library.follow().then(
      () => {
        if (failed) log("The index's store can be read again.");
        failed = undefined;
        unavailable(undefined);
      },
      (error: Error) => {
        if (error.message !== failed) log(`Cannot follow the index's store: ${error.message}; answering from the version loaded.`);
        failed = error.message;
        unavailable(error instanceof StoreUnavailableError ? error.message : undefined);
      },
    );
  }, FOLLOW_INTERVAL_MS);
  timer.unref();
}

/** Listens on the configured port and host; resolves once `server` listens; rejects with one line saying what to do when it cannot. */
function listening(server: Server, config: Config): Promise<AddressInfo> {
  server.listen(config.port, config.host);
  return new Promise((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => reject(new Error(describeListenError(error, config)));
    server.once("error", failed);
    server.once("listening", () => {
      server.off("error", failed);
      resolve(server.address() as AddressInfo);
    });
  });
}

function describeListenError(error: NodeJS.ErrnoException, config: Config): string {
  const where = `port ${config.port} on ${config.host}`;
  switch (error.code) {
    case "EADDRINUSE":
      return `${where} is already in use: stop the other server or set PORT`;
    case "EACCES":
      return `not allowed to listen on ${where}: choose a port above 1023 with PORT`;
    case "EADDRNOTAVAIL":
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `cannot listen on ${config.host}: no such address on this machine; set HOST`;
    default:
      return `cannot listen on ${where}: ${error.message}`;
  }
}

/**
 * SIGTERM and SIGINT stop accepting connections, give requests in flight a moment, then close every
 * connection (a half-sent request would otherwise hold the port for minutes) and exit. A second signal
 * exits at once.
 */
function stopOnSignals(server: Server): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log(`${signal}: shutting down`);
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
    setTimeout(() => process.exit(0), SHUTDOWN_DEADLINE_MS).unref();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
