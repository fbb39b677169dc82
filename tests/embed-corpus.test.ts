import { afterAll, describe, expect, it } from "vitest";
import { dot } from "../src/embeddings/vectors.js";
import { EncoderThreads } from "../src/embeddings/encoder-threads.js";
import type { EmbeddingModel } from "../src/embeddings/index.js";
import { UniversalSentenceEncoderEmbeddings } from "../src/embeddings/universal-sentence-encoder.js";
import { embedCorpus } from "../src/index/embed-corpus.js";
import type { Passage, Sentence } from "../src/ingest/types.js";

// Lengths vary on purpose: a build embeds shortest first, and each vector must still land on its own sentence.
const TEXTS = [
  "The Harrow Point lighthouse was first lit in 1871, after two ships were lost on the reef in one winter.",
  "Its keeper was Tobias Wren.",
  "He served for 31 years.",
  "The lamp burned whale oil until 1902, when paraffin replaced it, and electricity came only in 1954 with the cable from the mainland.",
  "Storms closed the causeway.",
  "The station was automated in 1987.",
];

const local = new UniversalSentenceEncoderEmbeddings();
const threads = new EncoderThreads(2);
afterAll(() => threads.close());

const cosine = (a: number[], b: ArrayLike<number>) => dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));

describe("embedding a corpus on every core", () => {
  it("gives the same vectors from encoder threads as in process, each for the text it was asked for", async () => {
    const expected = await local.embedDocuments(TEXTS);
    // Calls in flight at once spread over both threads; each answer must come back to its own call.
    const got = await Promise.all([
      threads.embedDocuments(TEXTS.slice(0, 3)),
      threads.embedDocuments(TEXTS.slice(3)),
      threads.embedQuery(TEXTS[1]!),
    ]);
    [...got[0], ...got[1]].forEach((vector, i) => expect(cosine(expected[i]!, vector)).toBeGreaterThan(0.9999));
    expect(cosine(expected[1]!, got[2])).toBeGreaterThan(0.9999);
  });

  it("keeps each sentence's vector on its sentence, and makes a passage's from its sentences and heading", async () => {
    const passages: Passage[] = [
      { id: "a:0", documentId: "a", heading: "History", text: "", start: 0, end: 0 },
      { id: "a:1", documentId: "a", heading: "Keepers", text: "", start: 0, end: 0 },
    ];
    const sentences: Sentence[] = TEXTS.map((text, index) => ({
      index,
      text,
      documentId: "a",
      passageId: index % 2 === 0 ? "a:0" : "a:1",
      start: 0,
      end: 0,
    }));
    const model: EmbeddingModel = {
      provider: "local",
      model: UniversalSentenceEncoderEmbeddings.modelName,
      embeddings: local,
      openBulk: () => ({ embeddings: threads, concurrency: 2, close: async () => {} }),
    };
    const { sentenceVectors, passageVectors } = await embedCorpus(passages, sentences, model, () => {});
    const { dimensions } = sentenceVectors;
    const row = (packed: Float32Array, i: number) => packed.subarray(i * dimensions, (i + 1) * dimensions);
    const expected = await local.embedDocuments(TEXTS);
    TEXTS.forEach((_, i) => expect(cosine(expected[i]!, row(sentenceVectors.vectors, i))).toBeGreaterThan(0.9999));

    // A passage's vector is nearer its own sentences than the other passage's.
    const own = (p: number, s: number) => cosine(Array.from(row(passageVectors.vectors, p)), row(sentenceVectors.vectors, s));
    for (const [i] of TEXTS.entries()) expect(own(i % 2, i)).toBeGreaterThan(own(1 - (i % 2), i));
    expect(dot(row(passageVectors.vectors, 0), row(passageVectors.vectors, 0))).toBeCloseTo(1, 5);
  });
});
