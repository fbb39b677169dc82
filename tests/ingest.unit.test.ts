import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_READING_LIMITS } from "../src/config.js";
import { readCorpus, readCorpusFolder } from "../src/ingest/documents.js";
import { documentIdFor, titleOf } from "../src/ingest/document-names.js";
import { splitDocument } from "../src/ingest/passages.js";
import { splitSentences } from "../src/text/sentences.js";
import type { SourceDocument } from "../src/ingest/types.js";

const article = (await readCorpus("corpus"))[0]!;

const tricky: SourceDocument = {
  id: "tricky",
  title: "Tricky",
  path: "tricky.md",
  format: "markdown",
  bytes: 0,
  text: [
    "# Field notes\r\n",
    "Dr. Smith met Mr. Jones in the U.S. capital at 3.5 p.m. on Friday. He said “We are done.” Then he left.\r\n",
    "## What happened next?\r\n",
    "The U.S. Army arrived.The crowd, about 2.75 thousand people, dispersed – slowly. Prof. Lee wasn’t there!\r\n",
    "Subscription Options\r\n\r\nResearch Areas\r\n",
  ].join("\r\n"),
};

describe("splitting documents", () => {
  for (const doc of [article, tricky]) {
    it(`gives exact offsets for every passage and sentence of ${doc.path}`, () => {
      const { passages, sentences } = splitDocument(doc, { maxChars: 400 });
      expect(passages.length).toBeGreaterThan(1);
      for (const piece of [...passages, ...sentences]) expect(doc.text.slice(piece.start, piece.end)).toBe(piece.text);
      for (const s of sentences) expect(s.text).toBe(s.text.trim());
    });
  }

  it("does not end sentences at abbreviations or decimals, and does at glued sentence ends", () => {
    const texts = splitSentences(tricky.text).map((s) => tricky.text.slice(s.start, s.end));
    expect(texts).toContain("Dr. Smith met Mr. Jones in the U.S. capital at 3.5 p.m. on Friday.");
    expect(texts).toContain("He said “We are done.”");
    expect(texts).toContain("The U.S. Army arrived.");
    expect(texts).toContain("The crowd, about 2.75 thousand people, dispersed – slowly.");
    expect(texts).toContain("Prof. Lee wasn’t there!");
  });

  it("splits the article's glued sentences and keeps “Dr. Amira Jadoon” whole", () => {
    const texts = splitDocument(article, { maxChars: 1200 }).sentences.map((s) => s.text);
    expect(texts).toContain("However, a significant shift in US counterterrorism policy in Afghanistan is unlikely in the short term.");
    expect(texts.some((t) => t.startsWith("Following the withdrawal of U.S. troops from Afghanistan in 2021"))).toBe(true);
    expect(texts.some((t) => t.includes("Nonresident Fellow Dr. Amira Jadoon explains"))).toBe(true);
  });

  it("gives each passage the question heading of its section", () => {
    const { passages } = splitDocument(article, { maxChars: 1200 });
    const taliban = passages.find((p) => p.text.startsWith("The Taliban has publicly condemned"));
    expect(taliban?.heading).toBe("What response, if any, have we seen from the Taliban?");
    const { passages: md } = splitDocument(tricky, { maxChars: 1200 });
    expect(md.at(-1)?.heading).toBe("What happened next?");
  });

  it("never indexes the page furniture at the end of the article", () => {
    const { passages } = splitDocument(article, { maxChars: 1200 });
    const indexed = passages.map((p) => p.text).join("\n");
    for (const furniture of [
      "Recent & Related",
      "Subscription Options",
      "* indicates required",
      "Research Areas",
      "Pivotal Places",
      "38 North",
    ]) {
      expect(indexed).not.toContain(furniture);
    }
    expect(indexed).toContain("limited alternatives.");
  });
});

describe("reading the corpus", () => {
  it("reads the article byte for byte, with its id and first line as title", async () => {
    expect(article.id).toBe("iskp-moscow-attack");
    expect(article.title).toBe("Explaining the Broader Implications of Islamic State-Khorasan’s Moscow Attack");
    expect(article.text).toBe(await readFile("corpus/iskp-moscow-attack.txt", "utf8"));
  });

  it("derives URL-safe ids from paths and titles from markdown headings", () => {
    expect(documentIdFor("Reports/2024/Moscow Attack.md")).toBe("reports--2024--moscow-attack");
    expect(titleOf("intro line\n# The Real Title\n", "x.md")).toBe("The Real Title");
    expect(titleOf("\n\n  First line  \nsecond", "x.txt")).toBe("First line");
  });

  it("reads again only the files whose bytes or reading settings differ from those recorded for their path", async () => {
    const dir = await mkdtemp(join(tmpdir(), "corpus-read-"));
    try {
      await writeFile(join(dir, "ferry.md"), "# Ferry\n\nThe ferry runs hourly.\n");
      await writeFile(join(dir, "mill.txt"), "The mill ground corn until 1961.\n");
      const first = await readCorpusFolder(dir);
      expect(first.documents.map((d) => d.id)).toEqual(["ferry", "mill"]);
      expect(first.unchanged.size).toBe(0);
      const held = new Map(first.documents.map((d) => [d.path, first.readings.get(d.id)!]));

      await writeFile(join(dir, "mill.txt"), "The mill ground corn until 1962.\n");
      const again = await readCorpusFolder(dir, () => {}, DEFAULT_READING_LIMITS, held);
      expect([...again.unchanged]).toEqual(["ferry"]);
      expect(again.documents.map((d) => d.text)).toEqual(["The mill ground corn until 1962.\n"]);
      expect(again.readings.get("mill")).not.toBe(held.get("mill.txt"));

      // Other reading limits may read the same bytes as another document: every file is read again.
      const limits = { ...DEFAULT_READING_LIMITS, maxDocumentChars: DEFAULT_READING_LIMITS.maxDocumentChars - 1 };
      const otherLimits = await readCorpusFolder(dir, () => {}, limits, held);
      expect(otherLimits.unchanged.size).toBe(0);
      expect(otherLimits.documents).toHaveLength(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
