import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ask, type AskPipeline } from "../src/answer/ask.js";
import { loadConfig, type Config } from "../src/config.js";
import { createEmbeddings } from "../src/embeddings/index.js";
import type { FilesIndex } from "../src/index/files/files-index.js";
import type { CorpusIndex } from "../src/index/corpus-index.js";
import { commitChange } from "../src/index/files/updates.js";
import { prepareChange } from "../src/index/corpus-diff.js";
import { readCorpus } from "../src/ingest/documents.js";
import { openPipeline, pipelineAfter } from "../src/service.js";
import type { ProgressEvent } from "../src/progress.js";

/** The embedded store's own record of which version an index is. */
const savedFiles = (index: CorpusIndex) => (index as FilesIndex).saved;

const DOCUMENTS: Record<string, string> = {
  "lighthouse.txt":
    "Harrow Point lighthouse\n\nThe Harrow Point lighthouse was first lit in 1871. Its first keeper, Tobias Wren, served for 31 years.\n",
  "mill.txt": "Dunmore Mill\n\nThe Dunmore watermill ground oats until 1932. Its wheel was nine metres across.\n",
  "orchard.txt": "Fenwick orchard\n\nThe Fenwick orchard grows forty-two varieties of apple on the south slope.\n",
  "ferry.txt": "Harrow ferry\n\nThe last ferry leaves the Harrow pier at 22:40 on Saturdays.\n",
  "bridge.txt": "Kelso bridge\n\nThe Kelso bridge was rebuilt in stone after the flood of 1797.\n",
};
const BAKERY = "Quay bakery\n\nThe Quay bakery opens at five in the morning and sells rye loaves baked in a wood oven.\n";

let root: string;
let corpus: string;
let config: Config;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "index-updates-"));
  corpus = join(root, "corpus");
  await mkdir(corpus);
  for (const [name, text] of Object.entries(DOCUMENTS)) await writeFile(join(corpus, name), text);
  config = loadConfig({ CORPUS_DIR: corpus, DATA_DIR: join(root, "data"), LLM_PROVIDER: "none" });
  await openPipeline(config);
}, 120_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const cited = async (pipeline: AskPipeline, question: string) => (await ask(pipeline, { question })).citations.map((c) => c.documentId);

describe("updating the saved index in place", () => {
  it("adds a new corpus file as a change: embeds only it, and writes no new index", async () => {
    await writeFile(join(corpus, "bakery.txt"), BAKERY);
    const events: ProgressEvent[] = [];
    const pipeline = await openPipeline(config, (event) => events.push(event));
    expect(events).toContainEqual({ phase: "updated", added: 1, removed: 0 });
    // Its one sentence and its heading, nothing of the other five documents.
    expect(events.filter((event) => event.phase === "embedding").at(-1)).toEqual({
      phase: "embedding",
      done: 2,
      total: 2,
      unit: "sentences and headings",
    });
    expect(events.some((event) => event.phase === "saved")).toBe(false);
    expect(savedFiles(pipeline.index).journal?.changes).toHaveLength(1);
    expect(await cited(pipeline, "When does the Quay bakery open?")).toEqual(["bakery"]);

    // The next start loads the saved index with its change, and finds it current.
    events.length = 0;
    const reopened = await openPipeline(config, (event) => events.push(event));
    expect(events.filter((event) => ["building", "updated", "embedding"].includes(event.phase))).toEqual([]);
    expect([...reopened.index.documents.catalog.keys()].sort()).toEqual(["bakery", "bridge", "ferry", "lighthouse", "mill", "orchard"]);
    expect(await cited(reopened, "When does the Quay bakery open?")).toEqual(["bakery"]);
  });

  it("keeps the version a question started on answering while a change replaces a document and removes another", async () => {
    const before = await openPipeline(config);
    const documents = await readCorpus(corpus);
    const model = createEmbeddings(config);
    const changedOrchard = {
      ...documents.find((d) => d.id === "orchard")!,
      text: DOCUMENTS["orchard.txt"]!.replace("forty-two", "fifty-one"),
    };
    const change = await prepareChange({ added: [changedOrchard], removed: ["ferry"] }, model, { maxChars: config.chunkMaxChars });
    // As the server does: the corpus folder first, then the index.
    await writeFile(join(corpus, "orchard.txt"), changedOrchard.text);
    await rm(join(corpus, "ferry.txt"));
    const index = await commitChange(before.index as FilesIndex, change, config.dataDir);
    const after = await pipelineAfter(config, before, index);

    expect(await cited(after, "When does the last ferry leave the Harrow pier?")).not.toContain("ferry");
    const orchard = await ask(after, { question: "How many varieties of apple does the Fenwick orchard grow?" });
    expect(orchard.citations[0]!.quote).toContain("fifty-one");
    expect((await index.documents.read("orchard"))!.text.slice(orchard.citations[0]!.start, orchard.citations[0]!.end)).toBe(
      orchard.citations[0]!.quote,
    );
    // The earlier version still answers, from its own documents, with quotes exact in them.
    const earlier = await ask(before, { question: "When was the Harrow Point lighthouse first lit?" });
    expect(earlier.citations[0]).toMatchObject({ documentId: "lighthouse", quote: "The Harrow Point lighthouse was first lit in 1871." });
    // Even about the document replaced meanwhile: it quotes the text it knew, from the sentences it knew.
    const [earlierOrchard] = (await ask(before, { question: "How many varieties of apple does the Fenwick orchard grow?" })).citations;
    expect(earlierOrchard!.quote).toContain("forty-two");
    expect((await before.index.documents.read("orchard"))!.text.slice(earlierOrchard!.start, earlierOrchard!.end)).toBe(
      earlierOrchard!.quote,
    );
  });

  it("ignores a change folder a killed process left uncommitted, and writes over it", async () => {
    const pipeline = await openPipeline(config);
    const folder = join(config.dataDir, savedFiles(pipeline.index).folder);
    const next = `change-${String((savedFiles(pipeline.index).journal?.changes.length ?? 0) + 1).padStart(6, "0")}`;
    await mkdir(join(folder, next));
    await writeFile(join(folder, next, "change.json"), "{ half writ");
    await writeFile(join(corpus, "ferry.txt"), DOCUMENTS["ferry.txt"]!);
    const events: ProgressEvent[] = [];
    const updated = await openPipeline(config, (event) => events.push(event));
    expect(events.some((event) => event.phase === "building" && event.cause === "damaged")).toBe(false);
    expect(savedFiles(updated.index).journal!.changes.at(-1)!.folder).toBe(next);
    expect(await cited(updated, "When does the last ferry leave the Harrow pier?")).toContain("ferry");
  });

  it("rebuilds, never serves, an index whose change was damaged on disk", async () => {
    const pipeline = await openPipeline(config);
    const { folder, journal } = savedFiles(pipeline.index);
    const vectors = join(config.dataDir, folder, journal!.changes[0]!.folder, "vectors.f32");
    const bytes = await readFile(vectors);
    await writeFile(vectors, bytes.subarray(0, bytes.length - 4));
    const events: ProgressEvent[] = [];
    const rebuilt = await openPipeline(config, (event) => events.push(event));
    expect(events).toContainEqual({ phase: "building", cause: "damaged", reason: expect.stringMatching(/^vectors\.f32 is damaged/) });
    expect(savedFiles(rebuilt.index).journal).toBeNull();
    expect(await cited(rebuilt, "When does the Quay bakery open?")).toEqual(["bakery"]);
  });

  it("compacts the index once deleted passages pass a fifth of it: a new index from its own vectors, no embedding", async () => {
    await rm(join(corpus, "mill.txt"));
    await rm(join(corpus, "bridge.txt"));
    const events: ProgressEvent[] = [];
    const pipeline = await openPipeline(config, (event) => events.push(event));
    expect(events).toContainEqual({ phase: "updated", added: 0, removed: 2 });
    expect(events).toContainEqual(expect.objectContaining({ phase: "building", cause: "compacting" }));
    expect(events.some((event) => event.phase === "embedding")).toBe(false);
    expect(savedFiles(pipeline.index).journal).toBeNull();
    expect([...pipeline.index.documents.catalog.keys()].sort()).toEqual(["bakery", "ferry", "lighthouse", "orchard"]);
    expect(await cited(pipeline, "Until when did the Dunmore mill grind oats?")).not.toContain("mill");
    expect(await cited(pipeline, "When does the Quay bakery open?")).toEqual(["bakery"]);
  });
});
