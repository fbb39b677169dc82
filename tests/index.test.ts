import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ask } from "../src/answer/ask.js";
import { loadConfig } from "../src/config.js";
import { readCorpus } from "../src/ingest/documents.js";
import { manifestKeyFor, stalenessReason, type Manifest } from "../src/index/manifest.js";
import { openPipeline } from "../src/service.js";

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
    const messages: string[] = [];
    const first = await openPipeline(settings(), (m) => messages.push(m));
    expect(messages.join("\n")).toMatch(/Building the index: no index yet/);
    expect((await ask(first, { question: "How many years did the keeper Tobias Wren serve?" })).answer).toContain("31 years");

    messages.length = 0;
    await openPipeline(settings(), (m) => messages.push(m));
    expect(messages).toEqual([]);

    await writeFile(join(root, "corpus", "lighthouse.txt"), lighthouse.replace("31 years", "45 years"));
    const changed = await openPipeline(settings(), (m) => messages.push(m));
    expect(messages.join("\n")).toMatch(/corpus changed/);
    const response = await ask(changed, { question: "How many years did the keeper Tobias Wren serve?" });
    expect(response.answer).toContain("45 years");
    const text = await readFile(join(root, "corpus", "lighthouse.txt"), "utf8");
    for (const c of response.citations) expect(text.slice(c.start, c.end)).toBe(c.quote);
  });

  it("comes out whole from two builds at once, and the next start loads it", async () => {
    const config = loadConfig({ CORPUS_DIR: join(root, "corpus"), DATA_DIR: join(root, "data-rebuilt"), LLM_PROVIDER: "none" });
    const both = await Promise.all([openPipeline(config, undefined, { rebuild: true }), openPipeline(config, undefined, { rebuild: true })]);
    for (const pipeline of both) expect((await ask(pipeline, { question: "How many years did the keeper Tobias Wren serve?" })).answer).toContain("Tobias Wren");

    const messages: string[] = [];
    const reopened = await openPipeline(config, (m) => messages.push(m));
    expect(messages).toEqual([]);
    expect((await ask(reopened, { question: "How many years did the keeper Tobias Wren serve?" })).answer).toContain("Tobias Wren");
    const folders = (await readdir(config.dataDir)).filter((name) => name.startsWith("index-"));
    expect(folders).toHaveLength(1);
  });

  it("is built once when two starts find none: the second waits for it", async () => {
    const config = loadConfig({ CORPUS_DIR: join(root, "corpus"), DATA_DIR: join(root, "data-shared"), LLM_PROVIDER: "none" });
    const messages: string[] = [];
    await Promise.all([openPipeline(config, (m) => messages.push(m)), openPipeline(config, (m) => messages.push(m))]);
    expect(messages.filter((m) => m.startsWith("Building the index"))).toHaveLength(1);
  });

  it("embeds only the documents that changed, and keeps the vectors of the others", async () => {
    const corpus = join(root, "corpus-incremental");
    await mkdir(corpus, { recursive: true });
    await writeFile(join(corpus, "lighthouse.txt"), lighthouse);
    const config = loadConfig({ CORPUS_DIR: corpus, DATA_DIR: join(root, "data-incremental"), LLM_PROVIDER: "none" });
    const first = await openPipeline(config);
    const lighthouseVectors = first.index.sentenceVectors.slice();

    await writeFile(join(corpus, "mill.txt"), "Dunmore Mill\n\nThe Dunmore watermill ground oats until 1932. Its wheel was nine metres across.\n");
    const messages: string[] = [];
    const second = await openPipeline(config, (m) => messages.push(m));
    expect(messages).toContain("Reusing the vectors of 1 unchanged documents; embedding 1.");
    // The new document's two sentences and its heading, and nothing of the old one.
    expect(messages.filter((m) => m.startsWith("Embedded")).at(-1)).toBe("Embedded 3/3 sentences and headings.");
    const lighthouseRows = second.index.sentences.filter((s) => s.documentId === "lighthouse").map((s) => s.index);
    const dimensions = second.index.manifest.embeddings.dimensions;
    expect(Array.from(second.index.sentenceVectors.subarray(lighthouseRows[0]! * dimensions, (lighthouseRows.at(-1)! + 1) * dimensions))).toEqual(
      Array.from(lighthouseVectors),
    );
    expect((await ask(second, { question: "How many years did the keeper Tobias Wren serve?" })).answer).toContain("31 years");
    expect((await ask(second, { question: "Until when did the Dunmore mill grind oats?" })).answer).toContain("1932");

    // A rebuild asked for embeds everything again.
    messages.length = 0;
    await openPipeline(config, (m) => messages.push(m), { rebuild: true });
    expect(messages.some((m) => m.startsWith("Reusing"))).toBe(false);
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
