import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { readCorpus } from "../src/ingest/documents.js";
import type { ProgressEvent } from "../src/progress.js";
import { splitDocument } from "../src/ingest/passages.js";
import { extractPdf } from "../src/ingest/pdf.js";
import { pdfOf } from "./support/documents.js";
import { japanesePdf, pdfWithUnmappedGlyphs } from "./support/hostile-files.js";

afterEach(() => vi.restoreAllMocks());

/** A PDF whose cross-reference offset points nowhere: pdf.js warns, indexes every object itself, and reads it. */
async function pdfWithBrokenCrossReference(): Promise<Uint8Array> {
  const bytes = Buffer.from(await pdfOf([["The fog signal sounds every 30 seconds."]]));
  const text = bytes.toString("latin1").replace(/startxref\s+\d+/, "startxref\n999999");
  return Buffer.from(text, "latin1");
}

describe("PDFs read as pdf.js can", () => {
  it("reads Japanese text drawn through a predefined CMap, from the CMaps on disk", async () => {
    const { text } = await extractPdf(await japanesePdf());
    expect(text).toBe("ハロー岬の灯台");
  });

  it("keeps pdf.js's warnings out of the log when no text was lost", async () => {
    const warn = vi.spyOn(console, "warn");
    const log = vi.spyOn(console, "log");
    const { text, notice } = await extractPdf(await pdfWithBrokenCrossReference());
    expect(text).toBe("The fog signal sounds every 30 seconds.");
    expect(notice).toBeUndefined();
    expect(warn).not.toHaveBeenCalled();
    expect(log).not.toHaveBeenCalled();
  });

  it("says once, naming the file, when some of a PDF's text came out unreadable, and still adds what it could read", async () => {
    const corpus = await mkdtemp(join(tmpdir(), "pdf-reading-"));
    try {
      await writeFile(join(corpus, "gate.pdf"), await pdfWithUnmappedGlyphs());
      await writeFile(join(corpus, "tokyo.pdf"), await japanesePdf());
      const events: ProgressEvent[] = [];
      const documents = await readCorpus(corpus, (event) => events.push(event));
      expect(events).toEqual([{ phase: "read", path: "gate.pdf", notice: "5 of its characters came out as glyphs with no known letter" }]);
      const gate = documents.find((d) => d.path === "gate.pdf")!;
      expect(gate.text.startsWith("The harbour gate code is")).toBe(true);
      const tokyo = documents.find((d) => d.path === "tokyo.pdf")!;
      expect(splitDocument(tokyo, { maxChars: 1200 }).passages.map((p) => p.text)).toEqual(["ハロー岬の灯台"]);
    } finally {
      await rm(corpus, { recursive: true, force: true });
    }
  });
});
