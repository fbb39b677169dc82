import cluster, { type Worker } from "node:cluster";

/** What a server process tells the others about itself, and `/healthz` shows for each. */
export interface WorkerState {
  pid: number;
  status: "starting" | "ready";
  /** Whether it takes connections: the primary hands it requests only then. */
  listening: boolean;
  /** The version of the index it answers from (`saved.label`); absent until it has one. */
  index?: string;
  documents?: number;
}

/** How many of the processes that take connections can answer; `/healthz` is ready only when all can. */
export interface ProcessReadiness {
  ready: number;
  /** The processes that take connections. */
  total: number;
}

type FromWorker = { type: "state"; state: WorkerState };
type ToWorker = { type: "workers"; workers: WorkerState[] };

/** A stopping primary waits this long for its workers to finish their requests before it exits anyway. */
const STOP_DEADLINE_MS = 6000;

/** How long a starting process waits for the primary's first word on its peers before it listens anyway. */
const PEERS_WAIT_MS = 2000;

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
    states.set(worker, { pid: worker.process.pid!, status: "starting", listening: false });
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

/** A server process's view of the others, and its way of telling them about itself. */
export interface Peers {
  report(state: Omit<WorkerState, "pid">): void;
  /** Every process's state, as the primary last said, with this one's as it last reported (empty outside a cluster). */
  workers(): WorkerState[];
  /**
   * Whether this process should take connections before it can answer. The first processes of a start do,
   * so that `/healthz` and the page answer while the index is built; a process started to replace one that
   * died, while others answer, does not: the primary would hand it requests it can only refuse.
   */
  listenBeforeReady(): Promise<boolean>;
  /** Outside a cluster, undefined: this process alone decides. */
  readiness(): ProcessReadiness | undefined;
}

/** In a server process started by `runWorkers` (or alone, when there is no cluster). */
export function joinWorkers(): Peers {
  let workers: WorkerState[] = [];
  let own: WorkerState = { pid: process.pid, status: "starting", listening: false };
  let heard: () => void = () => {};
  const firstWord = new Promise<void>((done) => (heard = done));
  if (cluster.isWorker) {
    process.on("message", (message: ToWorker) => {
      if (message?.type !== "workers") return;
      workers = message.workers;
      heard();
    });
  }
  const view = () => (cluster.isWorker ? [...workers.filter((w) => w.pid !== own.pid), own].sort((a, b) => a.pid - b.pid) : []);
  const report = (state: Omit<WorkerState, "pid">) => {
    own = { pid: process.pid, ...state };
    if (cluster.isWorker && process.connected) process.send!({ type: "state", state: own } satisfies FromWorker);
  };
  return {
    report,
    workers: view,
    listenBeforeReady: async () => {
      if (!cluster.isWorker) return true;
      report({ status: "starting", listening: false });
      await Promise.race([firstWord, new Promise((done) => setTimeout(done, PEERS_WAIT_MS).unref())]);
      return !workers.some((w) => w.pid !== own.pid && w.status === "ready" && w.listening);
    },
    readiness: () => {
      if (!cluster.isWorker) return undefined;
      const listening = view().filter((w) => w.listening);
      return { ready: listening.filter((w) => w.status === "ready").length, total: listening.length };
    },
  };
}
