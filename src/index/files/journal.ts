import { mkdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import type { IndexChange, IndexedDocument } from "../change.js";
import { damaged, parsing } from "./damage.js";
import { writeDurably } from "../../ingest/durable-write.js";
import { describeFiles, readCheckedFiles, readTextIfPresent } from "./checked-files.js";
import type { IndexFile, Manifest } from "../manifest.js";

/**
 * The changes committed on top of a saved index since it was built, in order, and the documents the
 * index holds after them. A change is its own folder, written and flushed before this file names it;
 * this file is replaced by a rename, so a change is in the index whole, or not at all.
 */
export interface Journal {
  changes: { folder: string; files: IndexFile[] }[];
  documents: Manifest["documents"];
}

export const JOURNAL = "changes.json";
const CHANGE = "change.json";
const VECTORS = "vectors.f32";

/** The journal of the index in `dir`; null when nothing was changed since it was built. */
export async function readJournal(dir: string): Promise<Journal | null> {
  const text = await readTextIfPresent(join(dir, JOURNAL));
  if (text === null) return null;
  return parsing(JOURNAL, () => {
    const journal = JSON.parse(text) as Journal;
    if (!Array.isArray(journal.changes) || !Array.isArray(journal.documents)) throw new Error("changes or documents missing");
    for (const { folder } of journal.changes) if (!/^change-\d+$/.test(folder)) throw new Error("it names a folder that is no change");
    return journal;
  });
}

/** Each change of `journal` from the `from`-th on, read after its files are checked against the journal. */
export async function readChanges(dir: string, journal: Journal, dimensions: number, from = 0): Promise<IndexChange[]> {
  const changes: IndexChange[] = [];
  for (const { folder, files: recorded } of journal.changes.slice(from)) {
    const files = await readCheckedFiles(join(dir, folder), recorded, JOURNAL);
    const where = (file: string) => `${folder}/${file}`;
    const stored = parsing(where(CHANGE), () => JSON.parse(files.get(CHANGE)?.toString("utf8") ?? "") as StoredChange);
    const bytes = files.get(VECTORS);
    if (!bytes) damaged(where(VECTORS), "it is not recorded");
    const vectors = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    let at = 0;
    const take = (rows: number) => vectors.subarray(at, (at += rows * dimensions));
    const added = stored.added.map(
      (doc): IndexedDocument => ({ ...doc, sentenceVectors: take(doc.sentences.length), passageVectors: take(doc.passages.length) }),
    );
    if (at !== vectors.length) damaged(where(VECTORS), `expected ${at} numbers, found ${vectors.length}`);
    changes.push({ added, removed: stored.removed });
  }
  return changes;
}

/**
 * Writes `change` into the index in `dir` as its next change, and the journal that names it; the index
 * then holds `documents`. Returns the new journal.
 */
export async function appendToJournal(
  dir: string,
  journal: Journal | null,
  change: IndexChange,
  documents: Manifest["documents"],
): Promise<Journal> {
  const earlier = journal?.changes ?? [];
  const folder = `change-${String(earlier.length + 1).padStart(6, "0")}`;
  const path = join(dir, folder);
  // A folder of that name is one a killed process began and never committed.
  await rm(path, { recursive: true, force: true });
  await mkdir(path);
  const stored: StoredChange = {
    added: change.added.map(({ document, passages, sentences }) => ({ document, passages, sentences })),
    removed: change.removed,
  };
  const rows = change.added.flatMap((a) => [a.sentenceVectors, a.passageVectors]);
  const vectors = new Float32Array(rows.reduce((sum, r) => sum + r.length, 0));
  let at = 0;
  for (const r of rows) {
    vectors.set(r, at);
    at += r.length;
  }
  await writeDurably(join(path, CHANGE), JSON.stringify(stored));
  await writeDurably(join(path, VECTORS), new Uint8Array(vectors.buffer));
  const next: Journal = { changes: [...earlier, { folder, files: await describeFiles(path) }], documents };
  await writeDurably(join(dir, `${JOURNAL}.tmp`), JSON.stringify(next));
  await rename(join(dir, `${JOURNAL}.tmp`), join(dir, JOURNAL));
  return next;
}

/** A change as saved: its vectors are in vectors.f32, each added document's sentences' then passages'. */
interface StoredChange {
  added: Omit<IndexedDocument, "sentenceVectors" | "passageVectors">[];
  removed: string[];
}
