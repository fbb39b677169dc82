import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { extractHtml } from "../src/ingest/html.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pageOf } from "../src/answer/reading-aids.js";
import { DEFAULT_READING_LIMITS } from "../src/config.js";
import { readCorpus } from "../src/ingest/documents.js";
import type { ProgressEvent } from "../src/progress.js";
import { emptyPdf, NEWS_PAGE, pdfOf } from "./support/documents.js";

let corpus: string;
/** OCR is tested on its own (ocr.test.ts): here the page without text is left out as it is with OCR=off. */
const NO_OCR = { ...DEFAULT_READING_LIMITS, ocr: undefined };
const events: ProgressEvent[] = [];

beforeAll(async () => {
  corpus = await mkdtemp(join(tmpdir(), "grounded-qa-formats-"));
  await writeFile(
    join(corpus, "keepers.pdf"),
    await pdfOf(
      [
        ["The Harrow Point lighthouse was first lit in 1871.", "It stands on the northern reef."],
        ["Its first keeper, Tobias Wren, served for 31 years.", "He kept a log of every ship."],
      ],
      "Keepers of Harrow Point",
    ),
  );
  await writeFile(join(corpus, "news.html"), NEWS_PAGE);
  await writeFile(join(corpus, "scan.pdf"), await emptyPdf());
  await writeFile(join(corpus, "broken.pdf"), "%PDF-1.7\nthis is not really a PDF\n%%EOF\n");
  await writeFile(join(corpus, "notes.txt"), "Notes\n\nThe fog signal sounds every 30 seconds.\n");
});
afterAll(() => rm(corpus, { recursive: true, force: true }));

describe("documents in several formats", () => {
  it("reads a PDF's text page by page, knowing where each page starts, and titles it from its metadata", async () => {
    const docs = await readCorpus(corpus, (event) => events.push(event), NO_OCR);
    const pdf = docs.find((d) => d.path === "keepers.pdf")!;
    expect(pdf.format).toBe("pdf");
    expect(pdf.title).toBe("Keepers of Harrow Point");
    expect(pdf.pageStarts).toHaveLength(2);
    const secondPage = pdf.text.indexOf("Its first keeper");
    expect(pdf.text.slice(0, pdf.pageStarts![1])).toContain("first lit in 1871");
    expect(pdf.pageStarts![1]).toBeLessThanOrEqual(secondPage);
    expect(pageOf(pdf, pdf.text.indexOf("1871"))).toBe(1);
    expect(pageOf(pdf, secondPage)).toBe(2);
  });

  it("reads a web page's article as paragraphs, without its navigation, script or footer", async () => {
    const docs = await readCorpus(corpus, undefined, NO_OCR);
    const page = docs.find((d) => d.path === "news.html")!;
    expect(page.format).toBe("html");
    expect(page.text).toContain("The Harrow Point lighthouse was first lit in 1871, after two ships were lost on the reef in one winter.");
    expect(page.text).toContain("\n\nAutomation\n\n");
    expect(page.text).toContain("the keeper's cottage");
    for (const chrome of ["Sports", "Weather", "window.track", "Subscribe"]) expect(page.text).not.toContain(chrome);
    expect(page.pageStarts).toBeUndefined();
  });

  it("leaves out a PDF with no text and one that cannot be read, saying why, and keeps the rest", async () => {
    events.length = 0;
    const docs = await readCorpus(corpus, (event) => events.push(event), NO_OCR);
    expect(docs.map((d) => d.path).sort()).toEqual(["keepers.pdf", "news.html", "notes.txt"]);
    expect(events).toEqual([
      { phase: "left-out", path: "broken.pdf", reason: expect.stringMatching(/cannot be read/) },
      { phase: "left-out", path: "scan.pdf", reason: expect.stringMatching(/no text/) },
    ]);
  });
});

describe("a web page's formulas (MathML)", () => {
  it("are kept as text a reader can search and quote: the formula's TeX or alt text, else its symbols", () => {
    const formula = (math: string) =>
      `<!doctype html><html><body><article><p>The relation ${math} links mass and energy in every reaction we know of.</p></article></body></html>`;
    const tex =
      '<math><semantics><mrow><mi>E</mi><mo>=</mo><mi>m</mi><msup><mi>c</mi><mn>2</mn></msup></mrow><annotation encoding="application/x-tex">E = mc^2</annotation></semantics></math>';
    expect(extractHtml(formula(tex)).text).toBe("The relation E = mc^2 links mass and energy in every reaction we know of.");
    expect(extractHtml(formula("<math><mi>a</mi><mo>+</mo><mi>b</mi></math>")).text).toContain("The relation a+b links");
  });
});
