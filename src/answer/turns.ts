import { setImmediate as nextTurnOfEventLoop } from "node:timers/promises";

/**
 * Lets the event loop read sockets and run other requests' callbacks before going on. Long CPU work is
 * one uninterrupted stretch otherwise (awaited promises that are already settled never leave the thread),
 * and a normal question could not even be read until it ends.
 */
export function yieldToEventLoop(): Promise<void> {
  return nextTurnOfEventLoop();
}

/** Work that runs one at a time, first come first served. */
export class Turns {
  private last: Promise<void> = Promise.resolve();

  /** Runs `work` once every earlier one has finished; gives up its place if `signal` aborts while waiting. */
  async take<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const previous = this.last;
    let release!: () => void;
    this.last = new Promise<void>((resolve) => (release = resolve));
    try {
      await previous;
      await yieldToEventLoop();
      signal?.throwIfAborted();
      return await work();
    } finally {
      release();
    }
  }
}
