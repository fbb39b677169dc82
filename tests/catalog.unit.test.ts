import { describe, expect, it } from "vitest";
import { enforceCitations } from "../src/answer/citations.js";
import type { Citation } from "../src/answer/types.js";
import { diffCorpus } from "../src/index/corpus-diff.js";
import { corpusOf } from "../src/ingest/documents.js";
import type { CorpusIndex } from "../src/index/corpus-index.js";
import { HeldDocuments } from "../src/index/held-documents.js";
import type { Passage, SourceDocument } from "../src/ingest/types.js";

const TEXT = "The Harrow Point lighthouse was first lit in 1871. Two ships had been lost on the reef.";

function documentOf(id: string, text: string, title = id): SourceDocument {
  return { id, title, path: `${id}.md`, text, format: "markdown", bytes: text.length };
}

function indexOf(documents: SourceDocument[], passages: Passage[] = []): CorpusIndex {
  return { documents: HeldDocuments.of(documents, passages) } as unknown as CorpusIndex;
}

function citation(id: number, start: number, end: number, quote = TEXT.slice(start, end)): Citation {
  return { id, documentId: "lighthouse", title: "lighthouse", start, end, quote };
}

describe("the citation check", () => {
  const index = indexOf([documentOf("lighthouse", TEXT)]);

  it("keeps exact quotes, drops any other with its marker, and numbers the rest in order", async () => {
    const checked = await enforceCitations(
      "Lit in 1871 [2], after wrecks [1] on the reef [3].",
      [citation(1, 51, 87, "Two ships were lost on the reef."), citation(2, 0, 50), citation(3, 51, 87)],
      index,
    );
    expect(checked.answer).toBe("Lit in 1871 [1], after wrecks on the reef [2].");
    expect(checked.citations.map((c) => [c.id, c.quote])).toEqual([
      [1, "The Harrow Point lighthouse was first lit in 1871."],
      [2, "Two ships had been lost on the reef."],
    ]);
  });

  it("drops a quote outside the document, or of a document the index does not hold", async () => {
    const checked = await enforceCitations(
      "Somewhere [1]. Elsewhere [2].",
      [citation(1, 80, 200, "reef."), { ...citation(2, 0, 50), documentId: "ferry" }],
      index,
    );
    expect(checked).toEqual({ answer: "Somewhere. Elsewhere.", citations: [] });
  });

  it("takes a span's text from a retrieved passage that holds it", async () => {
    const passage: Passage = {
      id: "lighthouse#0",
      documentId: "lighthouse",
      start: 0,
      end: 50,
      heading: "Lighthouse",
      text: TEXT.slice(0, 50),
    };
    const checked = await enforceCitations("Lit in 1871 [1].", [citation(1, 4, 27)], indexOf([]), [passage]);
    expect(checked.citations.map((c) => c.quote)).toEqual(["Harrow Point lighthouse"]);
  });
});

describe("what a start finds changed in the corpus folder", () => {
  it("a document whose text or anything else read from its file differs, and those no longer there", () => {
    const index = indexOf([documentOf("lighthouse", TEXT), documentOf("ferry", "The ferry runs hourly."), documentOf("mill", "The mill.")]);
    const diff = diffCorpus(
      index,
      corpusOf([
        documentOf("lighthouse", TEXT),
        documentOf("ferry", "The ferry runs hourly.", "The ferry timetable"),
        documentOf("bakery", "The bakery opens at six."),
      ]),
    );
    expect(diff.added.map((d) => d.id)).toEqual(["ferry", "bakery"]);
    expect(diff.removed).toEqual(["mill"]);
  });

  it("neither adds nor removes a document whose file was not read again, its reading unchanged", () => {
    const index = indexOf([documentOf("lighthouse", TEXT), documentOf("mill", "The mill.")]);
    const corpus = { documents: [documentOf("bakery", "The bakery opens at six.")], readings: new Map(), unchanged: new Set(["mill"]) };
    const diff = diffCorpus(index, corpus);
    expect(diff.added.map((d) => d.id)).toEqual(["bakery"]);
    expect(diff.removed).toEqual(["lighthouse"]);
  });
});
