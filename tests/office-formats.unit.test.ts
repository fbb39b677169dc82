import { describe, expect, it } from "vitest";
import { pageOf } from "../src/answer/reading-aids.js";
import { DEFAULT_READING_LIMITS } from "../src/config.js";
import { extractDocument } from "../src/ingest/extract.js";
import { UnreadableDocumentError } from "../src/ingest/extracted.js";
import { DocumentTooLargeError } from "../src/ingest/limits.js";
import { splitDocument } from "../src/ingest/passages.js";
import type { SourceDocument } from "../src/ingest/types.js";
import { deckOf, ebookOf, workbookOf } from "./support/office-files.js";

const read = async (path: string, bytes: Buffer, limits = DEFAULT_READING_LIMITS) => (await extractDocument(path, bytes, limits)).document;

/** The passage that holds `words`, with its heading and the page it starts on. */
function passageWith(doc: SourceDocument, words: string) {
  const passage = splitDocument(doc, { maxChars: 1000 }).passages.find((p) => p.text.includes(words));
  expect(passage, words).toBeDefined();
  expect(doc.text.slice(passage!.start, passage!.end)).toBe(passage!.text);
  return { text: passage!.text, heading: passage!.heading, page: pageOf(doc, passage!.start) };
}

describe("a slide deck (.pptx)", () => {
  it("reads each slide in order, as a page, with its title as the heading, its text boxes, tables and notes", async () => {
    const bytes = await deckOf("Harbour renewal", [
      { title: "Harbour plans", texts: ["The new pier opens in May 2027."], notes: "Mention the ferry timetable to the council." },
      { texts: ["Untitled slides still count."] },
      {
        title: "Costs",
        table: [
          ["Item", "Cost"],
          ["Dredging", "4.2 million"],
        ],
      },
    ]);
    const doc = await read("decks/harbour.pptx", bytes);
    expect(doc.format).toBe("pptx");
    expect(doc.title).toBe("Harbour renewal");
    expect(doc.pageStarts).toHaveLength(3);
    expect(passageWith(doc, "new pier")).toEqual({ text: "The new pier opens in May 2027.", heading: "Harbour plans", page: 1 });
    expect(passageWith(doc, "ferry timetable").page).toBe(1);
    expect(passageWith(doc, "Untitled slides").page).toBe(2);
    expect(passageWith(doc, "Dredging")).toEqual({ text: "Item: Dredging | Cost: 4.2 million", heading: "Costs", page: 3 });
  });

  it("is refused before unzipping when its XML would unpack past MAX_UNPACKED_BYTES", async () => {
    const bytes = await deckOf("Big", [{ title: "One", texts: ["Some text here."] }]);
    await expect(read("big.pptx", bytes, { ...DEFAULT_READING_LIMITS, maxUnpackedBytes: 1000 })).rejects.toThrow(DocumentTooLargeError);
    await expect(read("big.pptx", bytes, { ...DEFAULT_READING_LIMITS, maxUnpackedBytes: 1000 })).rejects.toThrow(
      /the slide deck's XML unpacks to .*MAX_UNPACKED_BYTES/,
    );
  });

  it("is refused, saying why, when it is no deck", async () => {
    await expect(read("broken.pptx", Buffer.from("not a zip at all"))).rejects.toThrow(UnreadableDocumentError);
  });
});

describe("a workbook (.xlsx)", () => {
  it("makes each sheet a section under its name, each row a passage with its column headers", async () => {
    const bytes = await workbookOf("Payments", {
      "2026": [
        ["Customer", "Month", "Amount"],
        ["Acme", "March", 1200],
        [],
        ["Globex", new Date(Date.UTC(2026, 3, 2)), { formula: "1+2", result: 3 }],
      ],
      Refunds: [
        ["Customer", "Reason"],
        ["Acme", "Damaged crates"],
      ],
    });
    const doc = await read("payments.xlsx", bytes);
    expect(doc.title).toBe("Payments");
    expect(passageWith(doc, "Acme | Month: March")).toEqual({
      text: "Customer: Acme | Month: March | Amount: 1200",
      heading: "2026",
      page: undefined,
    });
    expect(passageWith(doc, "Globex").text).toBe("Customer: Globex | Month: 2026-04-02 | Amount: 3");
    expect(passageWith(doc, "Damaged").heading).toBe("Refunds");
  });
});

describe("a CSV file", () => {
  it("finds its separator, keeps quoted fields whole, and cites each row with its headers", async () => {
    const csv = '\uFEFF# of visits;Clinic;Note\n12;North;"opened late; staff ill"\n\n7;South;"two\nlines"\n';
    const doc = await read("visits.csv", Buffer.from(csv));
    const pieces = splitDocument(doc, { maxChars: 1000 });
    expect(pieces.passages.map((p) => p.text)).toEqual([
      "# of visits | Clinic | Note",
      "# of visits: 12 | Clinic: North | Note: opened late; staff ill",
      "# of visits: 7 | Clinic: South | Note: two lines",
    ]);
  });
});

describe("an e-book (.epub)", () => {
  const chapters = [
    { file: "b.xhtml", html: "<h1>The Crossing</h1><p>They sailed from Leith on a grey morning.</p>" },
    { file: "a.xhtml", html: "<h1>Arrival</h1><p>The harbour at Bergen was frozen.</p><ul><li>Food for ten days</li></ul>" },
  ];

  it("reads its chapters in the spine's order, each under its own heading, with the book's title", async () => {
    const doc = await read("voyage.epub", await ebookOf("A Northern Voyage", chapters));
    expect(doc.title).toBe("A Northern Voyage");
    expect(doc.text.indexOf("Leith")).toBeLessThan(doc.text.indexOf("Bergen"));
    expect(passageWith(doc, "Leith").heading).toBe("The Crossing");
    expect(passageWith(doc, "Bergen").heading).toBe("Arrival");
    expect(passageWith(doc, "Food").text).toBe("- Food for ten days");
  });

  it("is refused, saying so, when its chapters are encrypted (DRM)", async () => {
    await expect(read("locked.epub", await ebookOf("Locked", chapters, { encrypted: true }))).rejects.toThrow(/protected \(DRM\)/);
  });
});
