import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HeldSentences } from "../src/index/files/held-sentences.js";
import { SentenceVectorFile } from "../src/index/files/sentence-vector-file.js";
import type { Passage, Sentence, SourceDocument } from "../src/ingest/types.js";

const DIMENSIONS = 3;

/** Sentence `i`'s vector: distinct in every component, so a row read from the wrong place shows. */
const vectorOf = (i: number) => [i + 0.25, -i - 0.5, i * 2 + 0.125];

function document(id: string, text: string): SourceDocument {
  return { id, title: id, path: `${id}.txt`, text, format: "text", bytes: text.length };
}

function passage(documentId: string, id: string, start: number, end: number): Passage {
  return { id, documentId, heading: documentId, text: "", start, end };
}

function sentence(documentId: string, passageId: string, index: number, start: number, end: number): Sentence {
  return { index, documentId, passageId, text: "", start, end };
}

describe("the embedded store's sentence vectors", () => {
  let dir: string;
  let held: HeldSentences;
  const sentences = [sentence("first", "first#0", 0, 0, 4), sentence("first", "first#0", 1, 5, 9), sentence("first", "first#1", 2, 10, 16)];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "sentence-vectors-"));
    const path = join(dir, "sentence-vectors.f32");
    await writeFile(path, new Float32Array(sentences.flatMap((s) => vectorOf(s.index))));
    held = HeldSentences.of(sentences, new Map([["first", sentences]]), SentenceVectorFile.open(path, sentences.length, DIMENSIONS));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("gives each retrieved passage's sentences with the vectors saved for them, read from the index file", async () => {
    const found = await held.ofPassages([passage("first", "first#1", 10, 16), passage("first", "first#0", 0, 9)]);
    expect([...found.get("first#0")!].map(({ sentence, vector }) => [sentence.index, [...vector]])).toEqual([
      [0, vectorOf(0)],
      [1, vectorOf(1)],
    ]);
    expect([...found.get("first#1")![0]!.vector]).toEqual(vectorOf(2));
    expect([...held.row(1)]).toEqual(vectorOf(1));
  });

  it("still reads them after a newer build removed the index's folder, as a server answering from it does", async () => {
    await rm(dir, { recursive: true, force: true });
    const found = await held.ofPassages([passage("first", "first#0", 0, 9)]);
    expect([...found.get("first#0")![1]!.vector]).toEqual(vectorOf(1));
  });

  it("holds the vectors of a document added since the index was saved, after the saved ones", async () => {
    const second = document("second", "Four. Five.");
    const after = held.after(
      [
        {
          document: second,
          sentences: [
            { documentId: "second", passageId: "second#0", text: "Four.", start: 0, end: 5 },
            { documentId: "second", passageId: "second#0", text: "Five.", start: 6, end: 11 },
          ],
          sentenceVectors: new Float32Array([...vectorOf(3), ...vectorOf(4)]),
        },
      ],
      new Set(["first"]),
      DIMENSIONS,
    );
    const found = await after.ofPassages([passage("second", "second#0", 0, 11), passage("first", "first#0", 0, 9)]);
    expect(found.get("second#0")!.map(({ sentence, vector }) => [sentence.index, sentence.text, [...vector]])).toEqual([
      [3, "Four.", vectorOf(3)],
      [4, "Five.", vectorOf(4)],
    ]);
    expect(found.get("first#0")).toEqual([]);
    expect(after.count).toBe(2);
    expect([...after.row(4)]).toEqual(vectorOf(4));
    // The version before the change still reads as it did.
    expect((await held.ofPassages([passage("first", "first#0", 0, 9)])).get("first#0")).toHaveLength(2);
  });
});
