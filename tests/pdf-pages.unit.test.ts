import { describe, expect, it } from "vitest";
import { pageOf } from "../src/answer/reading-aids.js";
import { DEFAULT_READING_LIMITS } from "../src/config.js";
import { extractDocument } from "../src/ingest/extract.js";
import { splitDocument } from "../src/ingest/passages.js";
import { withoutPageFurniture } from "../src/ingest/page-furniture.js";
import { rectsOfSpan } from "../src/ingest/page-layout.js";
import { contentTerms } from "../src/text/terms.js";
import { pdfOf } from "./support/documents.js";

const page = (number: number, ...lines: string[]) => ["Kestrel Bay Harbour Report 2026", ...lines, `Page ${number} of 3`];

/** Three pages under a running header, numbered, with a sentence that runs from the first onto the second. */
async function readReport() {
  const bytes = await pdfOf([
    page(1, "The old seawall of Kestrel Bay was", "rebuilt in 1958, after the great storm.", "The new pier opens in May 2027. Its"),
    page(2, "construction was delayed by two winters.", "Ferries will use the north berth."),
    page(3, "The harbour office moves in June."),
  ]);
  return (await extractDocument("report.pdf", Buffer.from(bytes), DEFAULT_READING_LIMITS)).document;
}

describe("a PDF's pages, read as one text", () => {
  it("leaves out running headers and page numbers, and keeps a sentence that runs onto the next page whole", async () => {
    const document = await readReport();
    expect(document.text).not.toContain("Harbour Report 2026");
    expect(document.text).not.toMatch(/Page \d of 3/);
    const { sentences } = splitDocument(document, { maxChars: 1200 });
    const pier = sentences.find((s) => s.text.startsWith("Its"));
    expect(pier?.text).toBe("Its\nconstruction was delayed by two winters.");
    expect(pageOf(document, pier!.start)).toBe(1);
    expect(pageOf(document, document.text.indexOf("Ferries"))).toBe(2);
    expect(pageOf(document, document.text.indexOf("The harbour office"))).toBe(3);
  });

  it("keeps a line that merely starts like a page number, and everything of a one-page document", () => {
    expect(withoutPageFurniture(["Title\n12 ships were lost.\n1", "Next\nMore text.\n2"])).toEqual([
      "Title\n12 ships were lost.",
      "Next\nMore text.",
    ]);
    expect(withoutPageFurniture(["Only page\n7"])).toEqual(["Only page\n7"]);
  });
});

describe("where a PDF's text is drawn on its pages", () => {
  it("boxes each run of text where pdf.js places it, none for what was left out, and cuts a box to a span inside it", async () => {
    const document = await readReport();
    const layout = document.layout!;
    expect(layout.map((l) => [l.page, l.width, l.height])).toEqual([
      [1, 420, 300],
      [2, 420, 300],
      [3, 420, 300],
    ]);
    // Every box holds exactly the text of its run; the running header and the page numbers have none.
    for (const { boxes } of layout)
      for (const b of boxes) expect(document.text.slice(b.start, b.end)).not.toMatch(/Harbour Report|Page \d/);
    expect(layout[0]!.boxes.map((b) => document.text.slice(b.start, b.end))).toEqual([
      "The old seawall of Kestrel Bay was",
      "rebuilt in 1958, after the great storm.",
      "The new pier opens in May 2027. Its",
    ]);
    // pdfOf draws line i at 24 points from the left, its baseline 260 - 16i points up a 300-point page, in 11-point type:
    // this is line 2, under the header, so its box runs from above its capitals (7.7 points) to below its baseline.
    const rebuilt = layout[0]!.boxes[1]!;
    const baseline = (300 - 228) / 300;
    expect(rebuilt.x).toBeCloseTo(24 / 420, 3);
    expect(rebuilt.y).toBeLessThan(baseline - 7.7 / 300);
    expect(rebuilt.y).toBeGreaterThan(baseline - 16 / 300);
    expect(rebuilt.y + rebuilt.height).toBeGreaterThan(baseline);

    const year = document.text.indexOf("1958");
    const [cut] = rectsOfSpan(layout[0]!, { start: year, end: year + 4 });
    expect(cut!.x).toBeGreaterThan(rebuilt.x + rebuilt.width * 0.2);
    expect(cut!.width).toBeCloseTo((rebuilt.width * 4) / "rebuilt in 1958, after the great storm.".length, 3);
    const across = { start: document.text.indexOf("Its"), end: document.text.indexOf("winters.") + 8 };
    expect(rectsOfSpan(layout[0]!, across)).toHaveLength(1);
    expect(rectsOfSpan(layout[1]!, across)).toHaveLength(1);
    expect(rectsOfSpan(layout[2]!, across)).toHaveLength(0);
  });
});

describe("the boxes of a span", () => {
  it("join words side by side on one line into one box, and keep lines apart", () => {
    // Two lines of three words, as OCR boxes them on a square page.
    const word = (start: number, x: number, y: number) => ({ start, end: start + 4, x, y, width: 0.1, height: 0.03 });
    const layout = {
      page: 1,
      width: 100,
      height: 100,
      boxes: [word(0, 0.1, 0.1), word(5, 0.22, 0.1), word(10, 0.34, 0.105), word(15, 0.1, 0.2), word(20, 0.22, 0.2), word(25, 0.34, 0.2)],
    };
    expect(rectsOfSpan(layout, { start: 2, end: 22 })).toEqual([
      { x: 0.15, y: 0.1, width: 0.29, height: 0.035 },
      { x: 0.1, y: 0.2, width: 0.17, height: 0.03 },
    ]);
    expect(rectsOfSpan(layout, { start: 0, end: 4 })).toEqual([{ x: 0.1, y: 0.1, width: 0.1, height: 0.03 }]);
  });
});

describe("a word hyphenated at a line's end", () => {
  it("is one word for search, while the text keeps the hyphen and the line break", () => {
    const text = "The harbour's recon-\nstruction began in spring.";
    expect(contentTerms(text)).toEqual(contentTerms("The harbour's reconstruction began in spring."));
    expect(contentTerms("a well-known pier")).toContain(contentTerms("known")[0]);
  });
});
