import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import JSZip from "jszip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readCorpus } from "../src/ingest/documents.js";
import type { ProgressEvent } from "../src/progress.js";
import { extractDocx } from "../src/ingest/docx.js";
import { splitDocument } from "../src/ingest/passages.js";

const W = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`;
const RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/** A Word paragraph, in `style` (a heading's) if given; each run is text, "\n" for a line break. */
const paragraph = (style: string | undefined, ...runs: string[]) =>
  `<w:p>${style ? `<w:pPr><w:pStyle w:val="${style}"/></w:pPr>` : ""}${runs
    .map((run) => (run === "\n" ? "<w:r><w:br/></w:r>" : `<w:r><w:t xml:space="preserve">${run}</w:t></w:r>`))
    .join("")}</w:p>`;
const cell = (text: string) => `<w:tc>${paragraph(undefined, text)}</w:tc>`;

/** A .docx as Word lays one out: the body's XML, heading styles, a bulleted list style (numId 1), footnotes, and a title in its properties. */
async function docxOf(body: string, { title, footnotes }: { title?: string; footnotes?: string } = {}): Promise<Buffer> {
  const zip = new JSZip();
  zip.file(
    "[Content_Types].xml",
    `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
      `<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
      `<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` +
      `<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>`,
  );
  zip.file(
    "_rels/.rels",
    `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
      `<Relationship Id="rId1" Type="${RELATIONSHIP}/officeDocument" Target="word/document.xml"/>` +
      `<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>`,
  );
  zip.file(
    "word/_rels/document.xml.rels",
    `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
      `<Relationship Id="rId1" Type="${RELATIONSHIP}/styles" Target="styles.xml"/>` +
      `<Relationship Id="rId3" Type="${RELATIONSHIP}/numbering" Target="numbering.xml"/>` +
      (footnotes ? `<Relationship Id="rId2" Type="${RELATIONSHIP}/footnotes" Target="footnotes.xml"/>` : "") +
      `</Relationships>`,
  );
  zip.file(
    "word/styles.xml",
    `<?xml version="1.0" encoding="UTF-8"?><w:styles ${W}>` +
      `<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/></w:style>` +
      `<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/></w:style></w:styles>`,
  );
  zip.file(
    "word/numbering.xml",
    `<?xml version="1.0" encoding="UTF-8"?><w:numbering ${W}><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/></w:lvl></w:abstractNum>` +
      `<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>`,
  );
  zip.file("word/document.xml", `<?xml version="1.0" encoding="UTF-8"?><w:document ${W}><w:body>${body}</w:body></w:document>`);
  if (footnotes) zip.file("word/footnotes.xml", `<?xml version="1.0" encoding="UTF-8"?><w:footnotes ${W}>${footnotes}</w:footnotes>`);
  zip.file(
    "docProps/core.xml",
    `<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ` +
      `xmlns:dc="http://purl.org/dc/elements/1.1/">${title ? `<dc:title>${title}</dc:title>` : ""}<dc:creator>Harbour Board</dc:creator></cp:coreProperties>`,
  );
  return zip.generateAsync({ type: "nodebuffer" });
}

const KEEPERS = [
  paragraph("Heading1", "Harrow Point"),
  paragraph(undefined, "The lighthouse was first lit in 1871, after two ships were lost on the reef in one winter."),
  "<w:p/>",
  paragraph("Heading2", "Keepers"),
  paragraph(undefined, "Its first keeper, Tobias Wren, served for 31 years.", " He kept a log of every ship."),
  paragraph(undefined, "Harbour Board", "\n", "North Quay"),
  `<w:tbl><w:tr>${cell("Lit")}${cell("1871")}</w:tr></w:tbl>`,
  paragraph(undefined, "The light was automated in 1964."),
].join("");

let corpus: string;
const events: ProgressEvent[] = [];

beforeAll(async () => {
  corpus = await mkdtemp(join(tmpdir(), "grounded-qa-docx-"));
  await writeFile(join(corpus, "keepers.docx"), await docxOf(KEEPERS, { title: "Keepers of Harrow Point" }));
  await writeFile(join(corpus, "blank.docx"), await docxOf("<w:p/><w:p><w:r><w:t> </w:t></w:r></w:p>"));
  await writeFile(join(corpus, "x.docx"), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 251)));
  await writeFile(join(corpus, "notes.txt"), "Notes\n\nThe fog signal sounds every 30 seconds.\n");
});
afterAll(() => rm(corpus, { recursive: true, force: true }));

describe("Word documents", () => {
  it("reads each Word paragraph, headings included, as a paragraph of its own, in order", async () => {
    const { text, format } = await extractDocx(await docxOf(KEEPERS));
    expect(format).toBe("docx");
    expect(text).toBe(
      [
        "Harrow Point",
        "The lighthouse was first lit in 1871, after two ships were lost on the reef in one winter.",
        "Keepers",
        "Its first keeper, Tobias Wren, served for 31 years. He kept a log of every ship.",
        "Harbour Board\nNorth Quay",
        "Lit",
        "1871",
        "The light was automated in 1964.",
      ].join("\n\n"),
    );
  });

  it("marks list items, and keeps footnotes as paragraphs at the end without their back links", async () => {
    const numbered = `<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>`;
    const body = [
      `<w:p>${numbered}<w:r><w:t>Tobias Wren</w:t></w:r></w:p>`,
      `<w:p><w:r><w:t>The log survives.</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r></w:p>`,
    ].join("");
    const { text } = await extractDocx(
      await docxOf(body, { footnotes: `<w:footnote w:id="1">${paragraph(undefined, "Kept at the county archive.")}</w:footnote>` }),
    );
    expect(text).toBe("- Tobias Wren\n\nThe log survives.[1]\n\nKept at the county archive.");
  });

  it("titles a document from its properties, and leaves the title to the first line when it has none", async () => {
    expect((await extractDocx(await docxOf(KEEPERS, { title: "Keepers &amp; lights" }))).title).toBe("Keepers & lights");
    expect((await extractDocx(await docxOf(KEEPERS))).title).toBeUndefined();
  });

  it("reads a .docx in the corpus, and leaves out one that cannot be read and one with no text, saying why", async () => {
    const docs = await readCorpus(corpus, (event) => events.push(event));
    expect(docs.map((d) => d.path)).toEqual(["keepers.docx", "notes.txt"]);
    const doc = docs[0]!;
    expect(doc.format).toBe("docx");
    expect(doc.title).toBe("Keepers of Harrow Point");
    expect(doc.text).toContain("Its first keeper, Tobias Wren, served for 31 years.");
    expect(events).toEqual([
      { phase: "left-out", path: "blank.docx", reason: expect.stringMatching(/the Word document has no text/) },
      { phase: "left-out", path: "x.docx", reason: expect.stringMatching(/the Word document cannot be read \(.+\)/) },
    ]);
  });

  it("says an encrypted document (or an old .doc) is one, rather than that it is corrupt", async () => {
    const ole = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]);
    await expect(extractDocx(ole)).rejects.toThrow(/encrypted or in the old \.doc format/);
  });

  it("splits into passages under their headings, each the exact slice of the text it claims", async () => {
    const doc = (await readCorpus(corpus)).find((d) => d.path === "keepers.docx")!;
    const { passages, sentences } = splitDocument(doc, { maxChars: 400 });
    expect(passages.length).toBeGreaterThan(2);
    for (const piece of [...passages, ...sentences]) expect(doc.text.slice(piece.start, piece.end)).toBe(piece.text);
    expect(passages.find((p) => p.text.startsWith("Its first keeper"))?.heading).toBe("Keepers");
  });
});
