import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readCorpus } from "../src/ingest/documents.js";
import type { ProgressEvent } from "../src/progress.js";
import { titleOf } from "../src/ingest/document-names.js";
import { splitDocument } from "../src/ingest/passages.js";
import type { SourceDocument } from "../src/ingest/types.js";
import { pdfOf } from "./support/documents.js";
import { docxWithBody, wordParagraph } from "./support/hostile-files.js";

const CHINESE = "哈罗角灯塔建于一八七一年。第一位看守人在那里工作了三十一年";
const JAPANESE = "ハロー岬の灯台は一八七一年に初めて点灯された。最初の灯台守は三十一年間勤めた";

let corpus: string;
let documents: SourceDocument[];
const events: ProgressEvent[] = [];

beforeAll(async () => {
  corpus = await mkdtemp(join(tmpdir(), "short-documents-"));
  const files: Record<string, string | Uint8Array> = {
    "code.pdf": await pdfOf([["ABC 123"]]),
    "title.md": "# Fog signals\n",
    "labels.txt": "Harbour office\nOpen weekdays\nRoom 4",
    "table.docx": await docxWithBody(
      `<w:tbl><w:tr><w:tc>${wordParagraph("Lamp")}</w:tc><w:tc>${wordParagraph("Whale oil")}</w:tc></w:tr></w:tbl>`,
    ),
    "cells.html": "<table><tr><td>Range</td><td>18 nautical miles</td></tr></table>",
    "chinese.txt": CHINESE,
    "japanese.md": `# 灯台\n\n${JAPANESE}\n`,
    "garbled.txt": "\u0001\u0002\u0003\u0004 \u0005\u0006\u0007\u0008 ok \u000e\u000f\u0010\u0011",
  };
  await Promise.all(Object.entries(files).map(([name, content]) => writeFile(join(corpus, name), content)));
  documents = await readCorpus(corpus, (event) => events.push(event));
});
afterAll(() => rm(corpus, { recursive: true, force: true }));

const byPath = (path: string) => documents.find((d) => d.path === path)!;

describe("a document with text always has something to answer from", () => {
  it.each(["code.pdf", "title.md", "labels.txt", "table.docx", "cells.html", "chinese.txt", "japanese.md"])(
    "%s has a passage, and every offset is exact",
    (path) => {
      const doc = byPath(path);
      const { passages, sentences } = splitDocument(doc, { maxChars: 1200 });
      expect(passages.length).toBeGreaterThanOrEqual(1);
      expect(sentences.length).toBeGreaterThanOrEqual(1);
      for (const piece of [...passages, ...sentences]) expect(doc.text.slice(piece.start, piece.end)).toBe(piece.text);
    },
  );

  it("finds what a short PDF and a table say", () => {
    expect(splitDocument(byPath("code.pdf"), { maxChars: 1200 }).passages.map((p) => p.text)).toEqual(["ABC 123"]);
    expect(splitDocument(byPath("table.docx"), { maxChars: 1200 }).passages.map((p) => p.text)).toEqual(["Lamp", "Whale oil"]);
  });

  it("splits Chinese and Japanese into sentences at their full stops, as prose rather than furniture", () => {
    const chinese = splitDocument(byPath("chinese.txt"), { maxChars: 1200 }).sentences.map((s) => s.text);
    expect(chinese).toEqual(["哈罗角灯塔建于一八七一年。", "第一位看守人在那里工作了三十一年"]);
    const japanese = splitDocument(byPath("japanese.md"), { maxChars: 1200 });
    expect(japanese.passages.map((p) => p.heading)).toEqual(["灯台"]);
    expect(japanese.sentences.map((s) => s.text)).toEqual([
      "ハロー岬の灯台は一八七一年に初めて点灯された。",
      "最初の灯台守は三十一年間勤めた",
    ]);
  });

  it("leaves out a document that is mostly control characters, with one event saying so", () => {
    expect(documents.map((d) => d.path)).not.toContain("garbled.txt");
    expect(events).toEqual([
      {
        phase: "left-out",
        path: "garbled.txt",
        reason: expect.stringMatching(/^its text is mostly unreadable: 86% of its characters are control characters/),
      },
    ]);
  });
});

describe("Markdown heading anchors", () => {
  const text = "# Harbour safety {#top}\n\n## Security {#security}\n\nThe gate is locked at dusk every day of the year.\n";
  const doc: SourceDocument = {
    id: "safety",
    title: titleOf(text, "safety.md"),
    path: "safety.md",
    text,
    format: "markdown",
    bytes: text.length,
  };

  it("are not part of the title or a passage's heading, and the text keeps them", () => {
    expect(doc.title).toBe("Harbour safety");
    const [passage] = splitDocument(doc, { maxChars: 1200 }).passages;
    expect(passage!.heading).toBe("Security");
    expect(text.slice(passage!.start, passage!.end)).toBe("The gate is locked at dusk every day of the year.");
    expect(text).toContain("{#security}");
  });
});
