import cluster, { type Worker } from "node:cluster";

/** What a server process tells the others about itself, and `/healthz` shows for each. */
export interface WorkerState {
  pid: number;
  status: "starting" | "ready";
  /** The version of the index it answers from (`versionOf`); absent until it has one. */
  index?: string;
  documents?: number;
}

type FromWorker = { type: "state"; state: WorkerState };
type ToWorker = { type: "workers"; workers: WorkerState[] };

/** A stopping primary waits this long for its workers to finish their requests before it exits anyway. */
const STOP_DEADLINE_MS = 6000;

/**
 * The primary of `count` server processes sharing one port: starts them, tells each what every one answers
 * from, and starts another when one dies once ready. A process that dies before it is ready (a port in
 * use, a corpus that cannot be indexed) would die again: then all stop, with its exit code.
 */
export function runWorkers(count: number): void {
  const states = new Map<Worker, WorkerState>();
  let stopping = false;
  const broadcast = () => {
    const message: ToWorker = { type: "workers", workers: [...states.values()] };
    for (const worker of states.keys()) if (worker.isConnected()) worker.send(message);
  };
  const start = () => {
    const worker = cluster.fork();
    states.set(worker, { pid: worker.process.pid!, status: "starting" });
    worker.on("message", (message: FromWorker) => {
      if (message?.type !== "state") return;
      states.set(worker, message.state);
      broadcast();
    });
  };
  cluster.on("exit", (worker, code, signal) => {
    const state = states.get(worker);
    states.delete(worker);
    broadcast();
    if (stopping) {
      if (states.size === 0) process.exit(process.exitCode ?? 0);
      return;
    }
    if (state?.status !== "ready") {
      stopping = true;
      process.exitCode = code || 1;
      for (const other of states.keys()) other.kill("SIGTERM");
      if (states.size === 0) process.exit(process.exitCode);
      return;
    }
    console.error(`Server process ${worker.process.pid} stopped (${signal ?? `exit code ${code}`}); starting another.`);
    start();
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    for (const worker of states.keys()) worker.kill(signal);
    setTimeout(() => process.exit(0), STOP_DEADLINE_MS).unref();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  console.log(`Starting ${count} server processes on one port.`);
  for (let i = 0; i < count; i++) start();
}

/**
 * In a server process started by `runWorkers`: `report` tells the primary this process's state, and
 * `workers()` is every process's, as the primary last said (empty outside a cluster).
 */
export function joinWorkers(): { report: (state: WorkerState) => void; workers: () => WorkerState[] } {
  let workers: WorkerState[] = [];
  if (cluster.isWorker) {
    process.on("message", (message: ToWorker) => {
      if (message?.type === "workers") workers = message.workers;
    });
  }
  return {
    report: (state) => {
      if (cluster.isWorker && process.connected) process.send!({ type: "state", state } satisfies FromWorker);
    },
    workers: () => workers,
  };
}
