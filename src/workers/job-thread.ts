import type { Worker } from "node:worker_threads";

/** The errors a job ends with when its thread does not answer it. */
export interface JobFailures {
  /** The thread took longer than the job may. */
  timedOut: () => Error;
  /** The thread threw (ran out of memory: `code` "ERR_WORKER_OUT_OF_MEMORY"). */
  failed: (error: Error & { code?: string }) => Error;
  /** The thread ended with no answer. */
  exited: (code: number) => Error;
}

/**
 * One worker thread that does one job at a time, each answered by one message and within `timeoutMs`: a job
 * that fails the thread or overruns costs that thread, which is ended, and the next job gets a new one. An idle
 * thread does not keep the process alive, and a thread that fails between jobs does not take the process with it.
 */
export class JobThread<Job, Reply> {
  private worker?: Worker;
  private turn: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly start: () => Worker,
    private readonly timeoutMs: number,
  ) {}

  /**
   * Sends `job` once the jobs before it are done, and resolves with the thread's answer. A message for which
   * `heard` returns true is news of the job, not its answer: the time limit starts again from it.
   */
  run(job: Job, failures: JobFailures, heard: (message: unknown) => boolean = () => false): Promise<Reply> {
    const result = this.turn.then(() => this.runNow(job, failures, heard));
    this.turn = result.catch(() => {});
    return result;
  }

  async close(): Promise<void> {
    await this.turn;
    await this.worker?.terminate();
    this.worker = undefined;
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = this.start();
    worker
      .on("error", () => {})
      .on("exit", () => {
        if (this.worker === worker) this.worker = undefined;
      });
    this.worker = worker;
    return worker;
  }

  private runNow(job: Job, failures: JobFailures, heard: (message: unknown) => boolean): Promise<Reply> {
    const worker = this.thread();
    worker.ref();
    return new Promise((resolve, reject) => {
      const finish = (outcome: { reply: Reply } | Error, endThread: boolean) => {
        clearTimeout(timer);
        worker.off("message", onMessage).off("error", onError).off("exit", onExit);
        if (endThread) {
          void worker.terminate();
          this.worker = undefined;
        } else worker.unref();
        if (outcome instanceof Error) reject(outcome);
        else resolve(outcome.reply);
      };
      const onMessage = (message: unknown) => {
        if (!heard(message)) return finish({ reply: message as Reply }, false);
        clearTimeout(timer);
        timer = startTimer();
      };
      const onError = (error: Error & { code?: string }) => finish(failures.failed(error), true);
      const onExit = (code: number) => finish(failures.exited(code), true);
      const startTimer = () => setTimeout(() => finish(failures.timedOut(), true), this.timeoutMs);
      let timer = startTimer();
      worker.on("message", onMessage).on("error", onError).on("exit", onExit);
      worker.postMessage(job);
    });
  }
}
