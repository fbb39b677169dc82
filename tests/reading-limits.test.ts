import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_READING_LIMITS } from "../src/config.js";
import { readCorpus } from "../src/ingest/documents.js";
import type { ProgressEvent } from "../src/progress.js";
import { UnreadableDocumentError } from "../src/ingest/extracted.js";
import { DocumentTooLargeError, type ReadingLimits } from "../src/ingest/limits.js";
import { DocumentReader, withReader } from "../src/ingest/reader.js";
import { readUpload } from "../src/ingest/uploads.js";
import { docxBomb, docxWithBody, wordParagraph } from "./support/hostile-files.js";

const LIGHTHOUSE = "The Harrow Point lighthouse was first lit in 1871, after two ships were lost on the reef.\n";
const limits = (overrides: Partial<ReadingLimits>): ReadingLimits => ({ ...DEFAULT_READING_LIMITS, ...overrides });

let bomb: Uint8Array;
const dirs: string[] = [];

beforeAll(async () => {
  bomb = await docxBomb(8);
});

afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function corpusOf(files: Record<string, string | Uint8Array>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "reading-limits-"));
  dirs.push(dir);
  await Promise.all(Object.entries(files).map(([name, content]) => writeFile(join(dir, name), content)));
  return dir;
}

describe("reading a file within its limits", () => {
  it("refuses a Word document whose parts unzip past MAX_UNPACKED_BYTES before unpacking it", async () => {
    const refused = withReader(
      limits({ maxUnpackedBytes: 4 * 1024 * 1024 }),
      () => {},
      (reader) => readUpload(reader, "bomb.docx", Buffer.from(bomb)),
    );
    await expect(refused).rejects.toThrow(DocumentTooLargeError);
    await expect(refused).rejects.toThrow(
      /^bomb\.docx: the Word document's XML unpacks to 8\.0 MB, over the 4 MB .*\(MAX_UNPACKED_BYTES\)$/,
    );
  });

  it("ends the reading thread of a file that needs more than READ_MEMORY_MB, and reads the next file in a new one", async () => {
    // The parts' sizes are let through, so only the memory limit stands between mammoth and the 8 MB of XML.
    const reader = new DocumentReader(limits({ maxUnpackedBytes: Number.MAX_SAFE_INTEGER, memoryMb: 64 }));
    try {
      await expect(reader.read("bomb.docx", bomb)).rejects.toThrow(/more than the 64 MB of memory a file may take \(READ_MEMORY_MB\)/);
      const next = await reader.read("lighthouse.txt", Buffer.from(LIGHTHOUSE));
      expect(next.text).toBe(LIGHTHOUSE);
    } finally {
      await reader.close();
    }
  });

  it("ends the reading of a file that takes longer than READ_TIMEOUT_MS", async () => {
    // No thread starts in a millisecond, so this reading cannot finish in time.
    const refused = withReader(
      limits({ timeoutMs: 1 }),
      () => {},
      (reader) => reader.read("lighthouse.txt", Buffer.from(LIGHTHOUSE)),
    );
    await expect(refused).rejects.toThrow(/took longer than the 1 ms a file may take \(READ_TIMEOUT_MS\)/);
  });

  it("refuses text longer than MAX_DOCUMENT_CHARS, counting the extracted text, not the file's bytes", async () => {
    const docx = await docxWithBody(wordParagraph("x".repeat(1200)));
    const refused = withReader(
      limits({ maxDocumentChars: 1000 }),
      () => {},
      (reader) => readUpload(reader, "long.docx", Buffer.from(docx)),
    );
    await expect(refused).rejects.toThrow(
      /^long\.docx: its text is 1,200 characters, over the 1,000 a document may hold \(MAX_DOCUMENT_CHARS\)$/,
    );
  });

  it("calls an empty or whitespace-only file of every format unreadable, naming it", async () => {
    const files: Record<string, Uint8Array> = {
      "empty.txt": Buffer.from(""),
      "blank.txt": Buffer.from(" \n\t\n"),
      "empty.md": Buffer.from(""),
      "blank.md": Buffer.from("\n\n   \n"),
      "empty.html": Buffer.from(""),
      "blank.html": Buffer.from("  \n "),
      "blank-page.html": Buffer.from("<!doctype html><html><body>  </body></html>"),
      "empty.pdf": Buffer.from(""),
      "blank.pdf": Buffer.from("   "),
      "empty.docx": Buffer.from(""),
      "blank.docx": await docxWithBody(wordParagraph("   ")),
    };
    await withReader(
      DEFAULT_READING_LIMITS,
      () => {},
      async (reader) => {
        for (const [name, bytes] of Object.entries(files)) {
          const refused = readUpload(reader, name, Buffer.from(bytes));
          await expect(refused, name).rejects.toThrow(UnreadableDocumentError);
          await expect(refused, name).rejects.toThrow(new RegExp(`^${name.replace(".", "\\.")}: `));
        }
      },
    );
  });

  it("leaves each such file of the corpus folder out with one event naming it and the limit, and reads the rest", async () => {
    const dir = await corpusOf({
      "bomb.docx": bomb,
      "blank.html": " \n",
      "empty.pdf": "",
      "long.txt": "y".repeat(2000),
      "lighthouse.txt": LIGHTHOUSE,
    });
    const events: ProgressEvent[] = [];
    const documents = await readCorpus(
      dir,
      (event) => events.push(event),
      limits({ maxUnpackedBytes: 4 * 1024 * 1024, maxDocumentChars: 1500 }),
    );
    expect(documents.map((d) => d.path)).toEqual(["lighthouse.txt"]);
    expect(events).toEqual([
      { phase: "left-out", path: "blank.html", reason: expect.stringMatching(/no text/) },
      { phase: "left-out", path: "bomb.docx", reason: expect.stringMatching(/MAX_UNPACKED_BYTES/) },
      { phase: "left-out", path: "empty.pdf", reason: expect.stringMatching(/cannot be read/) },
      { phase: "left-out", path: "long.txt", reason: expect.stringMatching(/MAX_DOCUMENT_CHARS/) },
    ]);
  });
});
