import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import lockfile from "proper-lockfile";
import type { Progress } from "./progress.js";

/**
 * A build refreshes the lock every half of this; a lock older than it belongs to a process that died.
 * Long, because embedding a batch can hold the event loop for seconds.
 */
const STALE_MS = 60_000;

/**
 * Runs `work` while no other process (or other caller in this one) holds the index folder `dataDir`,
 * so two builds never write, switch or remove each other's index. Waits for the holder to finish.
 */
export async function withIndexLock<T>(dataDir: string, progress: Progress, work: () => Promise<T>): Promise<T> {
  await mkdir(dataDir, { recursive: true });
  const options = { lockfilePath: join(dataDir, "build.lock"), stale: STALE_MS };
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dataDir, options);
  } catch (error) {
    if ((error as { code?: string }).code !== "ELOCKED") throw error;
    progress(`Waiting for another build of the index in ${dataDir} to finish.`);
    release = await lockfile.lock(dataDir, { ...options, retries: { forever: true, minTimeout: 100, maxTimeout: 1000 } });
  }
  try {
    return await work();
  } finally {
    await release();
  }
}
