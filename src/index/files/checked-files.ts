import { createHash } from "node:crypto";
import { readFile, readdir } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { setImmediate as nextTurn } from "node:timers/promises";
import { damaged, DamagedIndexError } from "./damage.js";
import type { IndexFile } from "../manifest.js";

/**
 * A server loads a new index while it answers, on the same thread: long checks run in slices of this
 * many bytes, with a turn of the event loop between them.
 */
const SLICE_BYTES = 8 << 20;

/** Path, size and SHA-256 of every file under `dir`, paths relative to it with `/`. */
export async function describeFiles(dir: string): Promise<IndexFile[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files: IndexFile[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    const bytes = await readFile(full);
    files.push({ path: relative(dir, full).split(sep).join("/"), bytes: bytes.length, sha256: await sha256InSlices(bytes) });
  }
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * Reads each of `recorded` under `dir`, once it has the recorded size and checksum; throws
 * `DamagedIndexError` naming the file when one is missing or differs.
 */
export async function readCheckedFiles(dir: string, recorded: IndexFile[] | undefined, recordedIn: string): Promise<Map<string, Buffer>> {
  if (!Array.isArray(recorded)) damaged(recordedIn, "it records no files");
  const files = new Map<string, Buffer>();
  for (const { path, bytes: expected, sha256: checksum } of recorded) {
    if (typeof path !== "string" || path.split("/").includes("..")) damaged(recordedIn, "it records a path outside the index");
    let bytes: Buffer;
    try {
      bytes = await readFile(join(dir, ...path.split("/")));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new DamagedIndexError(`${path} is missing`);
      throw error;
    }
    if (bytes.length !== expected) damaged(path, `expected ${expected} bytes, found ${bytes.length}`);
    if ((await sha256InSlices(bytes)) !== checksum) damaged(path, "its SHA-256 differs from the one recorded");
    files.set(path, bytes);
  }
  return files;
}

/** The text of the file at `path`; null when there is none. */
export async function readTextIfPresent(path: string): Promise<string | null> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

async function sha256InSlices(bytes: Buffer): Promise<string> {
  const hash = createHash("sha256");
  for (let at = 0; at < bytes.length; at += SLICE_BYTES) {
    hash.update(bytes.subarray(at, at + SLICE_BYTES));
    await nextTurn();
  }
  return hash.digest("hex");
}
