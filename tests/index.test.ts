import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ask } from "../src/answer/ask.js";
import { loadConfig } from "../src/config.js";
import { readCorpus } from "../src/ingest/documents.js";
import { manifestKeyFor, stalenessReason, type Manifest } from "../src/index/manifest.js";
import { openPipeline } from "../src/service.js";
import type { ProgressEvent } from "../src/progress.js";
import type { HeldDocuments } from "../src/index/held-documents.js";

let root: string;
const settings = () => loadConfig({ CORPUS_DIR: join(root, "corpus"), DATA_DIR: join(root, "data"), LLM_PROVIDER: "none" });
const lighthouse = "Harrow Point\n\nThe Harrow Point lighthouse was first lit in 1871. Its keeper, Tobias Wren, served for 31 years.\n";

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "grounded-qa-index-"));
  await mkdir(join(root, "corpus"), { recursive: true });
  await writeFile(join(root, "corpus", "lighthouse.txt"), lighthouse);
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe("the saved index", () => {
  it("is built on first use, reused on the next, and rebuilt when the corpus changes", async () => {
    const events: ProgressEvent[] = [];
    const first = await openPipeline(settings(), (event) => events.push(event));
    expect(events).toContainEqual({ phase: "building", cause: "no-index", reason: "no index yet" });
    expect((await ask(first, { question: "How many years did the keeper Tobias Wren serve?" })).answer).toContain("31 years");

    events.length = 0;
    await openPipeline(settings(), (event) => events.push(event));
    expect(events).toEqual([]);

    await writeFile(join(root, "corpus", "lighthouse.txt"), lighthouse.replace("31 years", "45 years"));
    const changed = await openPipeline(settings(), (event) => events.push(event));
    expect(events).toContainEqual({
      phase: "building",
      cause: "corpus-changed",
      reason: "corpus changed (1 document new or changed, 0 removed)",
    });
    const response = await ask(changed, { question: "How many years did the keeper Tobias Wren serve?" });
    expect(response.answer).toContain("45 years");
    const text = await readFile(join(root, "corpus", "lighthouse.txt"), "utf8");
    for (const c of response.citations) expect(text.slice(c.start, c.end)).toBe(c.quote);
  });

  it("comes out whole from two builds at once, and the next start loads it", async () => {
    const config = loadConfig({ CORPUS_DIR: join(root, "corpus"), DATA_DIR: join(root, "data-rebuilt"), LLM_PROVIDER: "none" });
    const both = await Promise.all([
      openPipeline(config, undefined, { rebuild: true }),
      openPipeline(config, undefined, { rebuild: true }),
    ]);
    for (const pipeline of both)
      expect((await ask(pipeline, { question: "How many years did the keeper Tobias Wren serve?" })).answer).toContain("Tobias Wren");

    const events: ProgressEvent[] = [];
    const reopened = await openPipeline(config, (event) => events.push(event));
    expect(events).toEqual([]);
    expect((await ask(reopened, { question: "How many years did the keeper Tobias Wren serve?" })).answer).toContain("Tobias Wren");
    const folders = (await readdir(config.dataDir)).filter((name) => name.startsWith("index-"));
    expect(folders).toHaveLength(1);
  });

  it("is built once when two starts find none: the second waits for it", async () => {
    const config = loadConfig({ CORPUS_DIR: join(root, "corpus"), DATA_DIR: join(root, "data-shared"), LLM_PROVIDER: "none" });
    const events: ProgressEvent[] = [];
    await Promise.all([openPipeline(config, (event) => events.push(event)), openPipeline(config, (event) => events.push(event))]);
    expect(events.filter((event) => event.phase === "building")).toHaveLength(1);
  });

  it("embeds only the documents that changed, and keeps the vectors of the others", async () => {
    const corpus = join(root, "corpus-incremental");
    await mkdir(corpus, { recursive: true });
    await writeFile(join(corpus, "lighthouse.txt"), lighthouse);
    const config = loadConfig({ CORPUS_DIR: corpus, DATA_DIR: join(root, "data-incremental"), LLM_PROVIDER: "none" });
    const first = await openPipeline(config);
    const vectorsOf = async (index: typeof first.index) =>
      [
        ...(
          await index.sentences.ofPassages(
            [...(index.documents as HeldDocuments).held.passages.values()].filter((p) => p.documentId === "lighthouse"),
          )
        ).values(),
      ]
        .flat()
        .flatMap(({ vector }) => Array.from(vector));
    const lighthouseVectors = await vectorsOf(first.index);

    await writeFile(
      join(corpus, "mill.txt"),
      "Dunmore Mill\n\nThe Dunmore watermill ground oats until 1932. Its wheel was nine metres across.\n",
    );
    const events: ProgressEvent[] = [];
    const second = await openPipeline(config, (event) => events.push(event));
    expect(events).toContainEqual({ phase: "reused", documents: 1, embedding: 1 });
    // The new document's two sentences and its heading, and nothing of the old one.
    expect(events.filter((event) => event.phase === "embedding").at(-1)).toEqual({
      phase: "embedding",
      done: 3,
      total: 3,
      unit: "sentences and headings",
    });
    expect(lighthouseVectors.length).toBeGreaterThan(0);
    expect(await vectorsOf(second.index)).toEqual(lighthouseVectors);
    expect((await ask(second, { question: "How many years did the keeper Tobias Wren serve?" })).answer).toContain("31 years");
    expect((await ask(second, { question: "Until when did the Dunmore mill grind oats?" })).answer).toContain("1932");

    // A rebuild asked for embeds everything again.
    events.length = 0;
    await openPipeline(config, (event) => events.push(event), { rebuild: true });
    expect(events.some((event) => event.phase === "reused")).toBe(false);
  });

  it("is never used with another embedding model or other chunking", async () => {
    const documents = await readCorpus(join(root, "corpus"));
    const key = manifestKeyFor(documents, { provider: "local", model: "universal-sentence-encoder-lite" }, { maxChars: 1200 });
    const manifest: Manifest = { ...key, embeddings: { ...key.embeddings, dimensions: 512 }, builtAt: "" };
    expect(stalenessReason(manifest, key)).toBeNull();
    const otherModel = manifestKeyFor(documents, { provider: "openai", model: "text-embedding-3-small" }, { maxChars: 1200 });
    expect(stalenessReason(manifest, otherModel)).toMatch(/embedding model changed/);
    const otherChunks = manifestKeyFor(documents, { provider: "local", model: "universal-sentence-encoder-lite" }, { maxChars: 600 });
    expect(stalenessReason(manifest, otherChunks)).toMatch(/chunking/);
  });
});
