import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { DEFAULT_READING_LIMITS } from "../config.js";
import type { Progress } from "../progress.js";
import { UnreadableDocumentError } from "./extracted.js";
import { documentIdFor } from "./document-names.js";
import { isSupported } from "./formats.js";
import { DocumentTooLargeError, type ReadingLimits } from "./limits.js";
import { withReader } from "./reader.js";
import { readingOf } from "./reading.js";
import type { SourceDocument } from "./types.js";

/** The corpus folder as a start read it. */
export interface CorpusRead {
  /** The documents of the files read, in path order. */
  documents: SourceDocument[];
  /** How each document read was read (`readingOf`), by id: what a store records to know its file unchanged at the next start. */
  readings: ReadonlyMap<string, string>;
  /** The ids of the files not read again: their reading is the one recorded for a document the store holds. */
  unchanged: ReadonlySet<string>;
}

/** `documents` as a corpus read whole, every file read. */
export function corpusOf(documents: SourceDocument[]): CorpusRead {
  return { documents, readings: new Map(), unchanged: new Set() };
}

/**
 * Every file of a format the corpus takes (`formats.ts`) under `dir`, as text, in a stable order. Rejects, naming
 * both files, when two paths would get the same document id: an index cannot tell them apart. A file
 * that holds no readable text (an encrypted or scanned PDF), or is over one of `limits`, is left out, with
 * one progress event naming it and saying why. Files are read in a worker thread (`reader.ts`).
 */
export async function readCorpus(
  dir: string,
  progress: Progress = () => {},
  limits: ReadingLimits = DEFAULT_READING_LIMITS,
): Promise<SourceDocument[]> {
  return (await readCorpusFolder(dir, progress, limits)).documents;
}

/**
 * `readCorpus`, but for the files whose reading (`readingOf`: their bytes and `limits`) is the one `held` records
 * for their path: those are only hashed, not read, and listed as unchanged. A restart over a large corpus then
 * reads the files that changed, not all of them.
 */
export async function readCorpusFolder(
  dir: string,
  progress: Progress = () => {},
  limits: ReadingLimits = DEFAULT_READING_LIMITS,
  held: ReadonlyMap<string, string> = new Map(),
): Promise<CorpusRead> {
  if (!existsSync(dir)) throw new Error(`the corpus folder ${dir} does not exist: create it or set CORPUS_DIR`);
  const files = (await listFiles(dir)).filter(isSupported);
  files.sort();
  const entries = files.map((file) => {
    const path = relative(dir, file).split(sep).join("/");
    return { file, path, id: documentIdFor(path) };
  });
  const pathById = new Map<string, string>();
  for (const { path, id } of entries) {
    const other = pathById.get(id);
    if (other !== undefined) {
      throw new Error(`the corpus files "${other}" and "${path}" would both get the document id "${id}": rename one of them`);
    }
    pathById.set(id, path);
  }
  const corpus = { documents: [] as SourceDocument[], readings: new Map<string, string>(), unchanged: new Set<string>() };
  if (entries.length === 0) return corpus;
  const contents = readAhead(entries.map((entry) => entry.file));
  await withReader(limits, progress, async (reader) => {
    for (const { path, id } of entries) {
      const bytes = await contents.next();
      const reading = readingOf(bytes, limits);
      if (held.get(path) === reading) {
        corpus.unchanged.add(id);
        continue;
      }
      try {
        corpus.documents.push(await reader.read(path, bytes));
        corpus.readings.set(id, reading);
      } catch (error) {
        if (!(error instanceof UnreadableDocumentError || error instanceof DocumentTooLargeError)) throw error;
        progress({ phase: "left-out", path, reason: error.message });
      }
    }
  });
  return corpus;
}

/**
 * Files beyond this many ahead of the one being read are not yet read: one at a time, a restart over
 * thousands of unchanged files waited on each read in turn (1.9 s for 6,143 files, 0.7 s eight at once).
 */
const FILES_READ_AHEAD = 8;

/** The bytes of `files`, one `next()` each in order, with the next few already being read. */
function readAhead(files: readonly string[]): { next(): Promise<Buffer> } {
  const reads: Promise<Buffer>[] = [];
  let unread = 0;
  const fill = () => {
    while (reads.length < FILES_READ_AHEAD) {
      const file = files[unread];
      if (file === undefined) return;
      unread++;
      const read = readFile(file);
      // A read not yet awaited when a failure ends the loop must not surface as an unhandled rejection.
      read.catch(() => {});
      reads.push(read);
    }
  };
  return {
    async next() {
      fill();
      const read = reads.shift();
      if (!read) throw new Error("read past the last corpus file");
      fill();
      return read;
    },
  };
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries
      .filter((entry) => !entry.name.startsWith("."))
      .map((entry) => {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) return listFiles(full);
        return Promise.resolve(entry.isFile() ? [full] : []);
      }),
  );
  return nested.flat();
}
