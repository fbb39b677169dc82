import { createHash } from "node:crypto";
import type { ReadingLimits } from "./limits.js";

/**
 * Raise when a reader gives another document for the same file and settings (a format's new rule, a parser
 * upgraded): every corpus file is then read again at the next start, and any document that changed re-indexed.
 */
const READING_VERSION = 1;

/**
 * What reading the file `bytes` under `limits` gives, as a SHA-256: a file whose reading equals the one recorded
 * for its path when its document was indexed reads as that document again, so a start need not read it.
 */
export function readingOf(bytes: Uint8Array, limits: ReadingLimits): string {
  return createHash("sha256")
    .update(JSON.stringify({ version: READING_VERSION, limits }))
    .update(bytes)
    .digest("hex");
}
