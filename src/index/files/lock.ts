import * as fs from "node:fs";
import { mkdir, readFile, rename, rm, stat, utimes, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import lockfile from "proper-lockfile";
import type { Progress } from "../../progress.js";

/**
 * A build refreshes the lock every half of this; a lock older than it belongs to a process that died.
 * Long, because embedding a batch can hold the event loop for seconds. Only needed for a holder on
 * another host: one on this host that is no longer running is found by its process id at once.
 */
const STALE_MS = 60_000;

/** Inside the lock folder, so it comes and goes with the lock it describes. */
const OWNER = "owner.json";

/** The lock is a folder holding `owner.json`: its removal (release, or staleness) must remove both. */
const lockFs = {
  ...fs,
  rmdir: (path: string, callback: (error: NodeJS.ErrnoException | null) => void) => fs.rm(path, { recursive: true, force: true }, callback),
  rmdirSync: (path: string) => fs.rmSync(path, { recursive: true, force: true }),
};

interface Owner {
  pid: number;
  host: string;
}

/**
 * Runs `work` while no other process (or other caller in this one) holds the index folder `dataDir`,
 * so two builds never write, switch or remove each other's index. Waits for the holder to finish, and
 * takes the lock over at once when its holder, on this host, is no longer running (after a `kill -9`).
 */
export async function withIndexLock<T>(dataDir: string, progress: Progress, work: () => Promise<T>): Promise<T> {
  await mkdir(dataDir, { recursive: true });
  const lockPath = join(dataDir, "build.lock");
  const options = { lockfilePath: lockPath, stale: STALE_MS, fs: lockFs };
  let release: () => Promise<void>;
  let waiting = false;
  let delay = 100;
  for (;;) {
    try {
      release = await lockfile.lock(dataDir, options);
      break;
    } catch (error) {
      if ((error as { code?: string }).code !== "ELOCKED") throw error;
    }
    if (await takeOverIfAbandoned(lockPath, progress)) continue;
    if (!waiting) progress({ phase: "lock", state: "waiting", folder: dataDir });
    waiting = true;
    await sleep(delay);
    delay = Math.min(delay * 2, 1000);
  }
  try {
    const owner: Owner = { pid: process.pid, host: hostname() };
    // Writing into the lock folder changes its mtime, which the lock library reads as the lock being
    // taken by someone else on its next refresh (30 s in): put the library's mtime back.
    const { mtime } = await stat(lockPath);
    await writeFile(join(lockPath, OWNER), JSON.stringify(owner));
    await utimes(lockPath, mtime, mtime);
    return await work();
  } finally {
    await release();
  }
}

/**
 * Removes the lock at `lockPath` when its recorded holder ran on this host and is gone; true when the
 * lock should be tried again at once. The lock is first renamed away, so of several waiters only one
 * removes it, and a lock that turns out to be another's (taken over in between) is put back.
 */
async function takeOverIfAbandoned(lockPath: string, progress: Progress): Promise<boolean> {
  const owner = await readOwner(lockPath);
  if (!owner || owner.host !== hostname() || isRunning(owner.pid)) return false;
  const away = `${lockPath}.abandoned-${process.pid}-${Date.now()}`;
  try {
    await rename(lockPath, away);
  } catch {
    return true; // Gone meanwhile: released, or taken over by another waiter.
  }
  const moved = await readOwner(away);
  if (moved?.pid !== owner.pid || moved.host !== owner.host) {
    await rename(away, lockPath).catch(() => {});
    return false;
  }
  await rm(away, { recursive: true, force: true });
  progress({ phase: "lock", state: "taken-over", pid: owner.pid });
  return true;
}

async function readOwner(lockPath: string): Promise<Owner | null> {
  try {
    const owner = JSON.parse(await readFile(join(lockPath, OWNER), "utf8")) as Owner;
    return Number.isInteger(owner.pid) && typeof owner.host === "string" ? owner : null;
  } catch {
    return null; // No holder recorded yet (it writes right after taking the lock), or none at all.
  }
}

/** Whether process `pid` of this host exists (one we may not signal still does). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}
