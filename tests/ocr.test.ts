import { describe, expect, it } from "vitest";
import { pageOf } from "../src/answer/reading-aids.js";
import { DEFAULT_READING_LIMITS } from "../src/config.js";
import { scannedPage, scannedPdf } from "../src/dev/scans.js";

/** Scans the size of a postcard: OCR reads them in a fraction of an A4 page's time. */
const CARD = { width: 420, height: 300 };
import { extractDocument } from "../src/ingest/extract.js";
import { UnreadableDocumentError } from "../src/ingest/extracted.js";
import { DocumentTooLargeError } from "../src/ingest/limits.js";
import { splitDocument } from "../src/ingest/passages.js";
import { DocumentReader } from "../src/ingest/reader.js";
import type { ProgressEvent } from "../src/progress.js";
import { tiffOf } from "./support/tiff.js";

const SEAWALL = "The Kestrel Bay seawall was rebuilt in 1958, two years after the great storm broke it in three places.";
const FERRY = "The last ferry from Kestrel Bay leaves the pier at twenty to eleven on Saturday nights.";
const read = async (path: string, bytes: Uint8Array, limits = DEFAULT_READING_LIMITS) =>
  (await extractDocument(path, Buffer.from(bytes), limits)).document;
const OCR_OFF = { ...DEFAULT_READING_LIMITS, ocr: undefined };

describe("OCR (tesseract.js, the English model from npm)", () => {
  it("reads a scanned PDF page by page: its text, where each page starts, and each page's confidence", async () => {
    const doc = await read("harbour-scan.pdf", await scannedPdf([[SEAWALL], [FERRY]], CARD));
    expect(doc.text.replace(/\s+/g, " ")).toBe(`${SEAWALL} ${FERRY}`);
    expect(doc.pageStarts).toEqual([0, doc.text.indexOf("The last ferry")]);
    expect(doc.ocrPages?.map((p) => p.page)).toEqual([1, 2]);
    for (const page of doc.ocrPages!) expect(page.confidence).toBeGreaterThan(80);
    const ferry = splitDocument(doc, { maxChars: 1000 }).passages.find((p) => p.text.includes("ferry"))!;
    expect(doc.text.slice(ferry.start, ferry.end)).toBe(ferry.text);
    expect(pageOf(doc, ferry.start)).toBe(2);
    // Each word OCR read has its box: the page view boxes a quote where it is on the scan.
    const words = doc.layout!.find((l) => l.page === 2)!.boxes;
    expect(words.map((w) => doc.text.slice(w.start, w.end)).join(" ")).toBe(FERRY);
    const [first] = words;
    expect(first!.x).toBeGreaterThan(0.05);
    expect(first!.x).toBeLessThan(0.12);
    expect(first!.y).toBeGreaterThan(0.07);
    expect(first!.y).toBeLessThan(0.16);
  });

  it("reads only the pages without text: a typed page stays as pdf.js reads it", async () => {
    const doc = await read(
      "mixed.pdf",
      await scannedPdf([{ paragraphs: ["Kestrel Bay harbour report"], textLayer: true }, [SEAWALL]], CARD),
    );
    expect(doc.text.startsWith("Kestrel Bay harbour report\n\n")).toBe(true);
    expect(doc.ocrPages?.map((p) => p.page)).toEqual([2]);
    expect(doc.text).toContain("rebuilt in 1958");
  });

  it("reads photos and scans of a page, PNG, JPEG and TIFF, as one page", async () => {
    const png = await read("notice.png", scannedPage([FERRY], CARD));
    expect(png.format).toBe("image");
    expect(png.text.replace(/\s+/g, " ")).toBe(FERRY);
    expect(png.pageStarts).toEqual([0]);
    expect(png.ocrPages).toHaveLength(1);
    const { createCanvas, loadImage } = await import("@napi-rs/canvas");
    const image = await loadImage(scannedPage([SEAWALL], CARD));
    const canvas = createCanvas(image.width, image.height);
    canvas.getContext("2d").drawImage(image, 0, 0);
    expect((await read("notice.jpg", canvas.toBuffer("image/jpeg", 80))).text).toContain("seawall was rebuilt in 1958");
    expect((await read("notice.tiff", await tiffOf(scannedPage([FERRY], CARD)))).text.replace(/\s+/g, " ")).toBe(FERRY);
  });

  it("with OCR=off leaves scans and photos out, saying so", async () => {
    await expect(read("scan.pdf", await scannedPdf([[SEAWALL]], CARD), OCR_OFF)).rejects.toThrow(/OCR=off/);
    await expect(read("notice.png", scannedPage([FERRY], CARD), OCR_OFF)).rejects.toThrow(UnreadableDocumentError);
  });

  it("refuses a scan with more pages than OCR_MAX_PAGES before reading any, and says when OCR finds nothing", async () => {
    const limits = { ...DEFAULT_READING_LIMITS, ocr: { languages: ["eng"], maxPages: 1 } };
    await expect(read("long.pdf", await scannedPdf([[SEAWALL], [FERRY]], CARD), limits)).rejects.toThrow(DocumentTooLargeError);
    await expect(read("long.pdf", await scannedPdf([[SEAWALL], [FERRY]], CARD), limits)).rejects.toThrow(/OCR_MAX_PAGES/);
    await expect(read("blank.png", scannedPage([], CARD))).rejects.toThrow(/OCR found no text/);
  });

  it("reports each page read in the reading thread as progress", async () => {
    const events: ProgressEvent[] = [];
    const reader = new DocumentReader(DEFAULT_READING_LIMITS, (event) => events.push(event));
    try {
      const doc = await reader.read("harbour-scan.pdf", await scannedPdf([[SEAWALL]], CARD));
      expect(doc.ocrPages).toHaveLength(1);
    } finally {
      await reader.close();
    }
    expect(events.filter((e) => e.phase === "ocr").map((e) => e.phase === "ocr" && e.done)).toEqual([0, 1]);
  });
});
