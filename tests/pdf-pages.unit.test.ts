import { describe, expect, it } from "vitest";
import { pageOf } from "../src/answer/reading-aids.js";
import { DEFAULT_READING_LIMITS } from "../src/config.js";
import { extractDocument } from "../src/ingest/extract.js";
import { splitDocument } from "../src/ingest/passages.js";
import { withoutPageFurniture } from "../src/ingest/page-furniture.js";
import { contentTerms } from "../src/text/terms.js";
import { pdfOf } from "./support/documents.js";

const page = (number: number, ...lines: string[]) => ["Kestrel Bay Harbour Report 2026", ...lines, `Page ${number} of 3`];

describe("a PDF's pages, read as one text", () => {
  it("leaves out running headers and page numbers, and keeps a sentence that runs onto the next page whole", async () => {
    const bytes = await pdfOf([
      page(1, "The old seawall of Kestrel Bay was", "rebuilt in 1958, after the great storm.", "The new pier opens in May 2027. Its"),
      page(2, "construction was delayed by two winters.", "Ferries will use the north berth."),
      page(3, "The harbour office moves in June."),
    ]);
    const { document } = await extractDocument("report.pdf", Buffer.from(bytes), DEFAULT_READING_LIMITS);
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

describe("a word hyphenated at a line's end", () => {
  it("is one word for search, while the text keeps the hyphen and the line break", () => {
    const text = "The harbour's recon-\nstruction began in spring.";
    expect(contentTerms(text)).toEqual(contentTerms("The harbour's reconstruction began in spring."));
    expect(contentTerms("a well-known pier")).toContain(contentTerms("known")[0]);
  });
});
