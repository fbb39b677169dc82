import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../src/config.js";
import { buildIndexInWorker } from "../src/index/files/build-worker.js";
import type { ProgressEvent } from "../src/progress.js";
import { openPipeline } from "../src/service.js";
import { freePort, startServeProcess, stopServeProcess } from "./support/serve-process.js";

// Builds run in a worker thread: while one runs, /healthz and /ask answer at once (503 "building", or from
// the previous index), and the server then loads the index the worker saved, without building it again.

const dirs: string[] = [];
let child: ChildProcess | undefined;

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "qa-build-worker-"));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  await stop();
});
afterAll(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function stop(): Promise<void> {
  await stopServeProcess(child);
  child = undefined;
}

const PLACES = ["Velmora", "Tarsk", "Oubliet", "Brennhal", "Quillon", "Maradé", "Sostrel", "Ianthe", "Korvash", "Delphine"];
const GOODS = ["copper", "amber", "salt", "wool", "timber", "saffron", "glass", "tin", "barley", "indigo"];
const PEOPLE = ["Aldric Fenn", "Mira Castellane", "Oskar Vey", "Tamsin Holloway", "Jory Pell", "Nadia Orlov", "Ewan Strick", "Lise Marrow"];

/** `count` paragraphs of varied, checkable sentences, so the build takes a few seconds. */
function generatedText(count: number, seed: number): string {
  const paragraphs: string[] = [];
  for (let i = 0; i < count; i++) {
    const place = `${PLACES[(i + seed) % PLACES.length]} ${i + 1}`;
    const good = GOODS[(i * 3 + seed) % GOODS.length];
    const person = PEOPLE[(i * 5 + seed) % PEOPLE.length];
    const year = 1700 + ((i * 37 + seed) % 250);
    paragraphs.push(
      [
        `The harbour of ${place} exported ${100 + i * 7} tonnes of ${good} in the spring of ${year}.`,
        `Its first harbour master, ${person}, kept the ledgers in a tower by the eastern quay.`,
        `Storms closed the port for ${3 + (i % 9)} weeks during the winter that followed.`,
        `Merchants from the inland valleys paid for their ${good} in silver coins stamped with a heron.`,
        `A bridge of ${5 + (i % 11)} arches joined the old town to the market island.`,
        `The town council met on the ${i % 2 === 0 ? "first" : "last"} Thursday of each month to set the tolls.`,
        `Children learned to swim in the shallow lagoon south of the lighthouse.`,
        `In ${year + 12}, a fire destroyed ${2 + (i % 6)} warehouses, and the ledgers were saved by ${person}.`,
      ].join(" "),
    );
  }
  return `Harbours of the northern coast, part ${seed}\n\n${paragraphs.join("\n\n")}\n`;
}

async function start(corpus: string, data: string) {
  const server = startServeProcess(await freePort(), corpus, data);
  child = server.proc;
  return { ...server, exit: server.exit.then(({ code }) => code) };
}

interface Health {
  status: number;
  ms: number;
  body: {
    status: string;
    progress?: { phase: string; message: string; done?: number; total?: number; unit?: string };
    rebuilding?: { message: string };
  };
}

/** Polls /healthz until it says ready with no build running, recording every answer and how long it took. */
async function pollUntilReady(url: string, output: { stdout: string; stderr: string }, limitMs = 240_000): Promise<Health[]> {
  const seen: Health[] = [];
  const until = Date.now() + limitMs;
  while (Date.now() < until) {
    const begun = performance.now();
    const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(10_000) });
    const health = { status: response.status, ms: performance.now() - begun, body: await response.json() };
    seen.push(health);
    if (health.status === 200 && !health.body.rebuilding) return seen;
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error(`not ready in time:\n${output.stdout}${output.stderr}`);
}

async function ask(url: string, question: string) {
  const response = await fetch(`${url}/ask`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ question }),
  });
  return { status: response.status, body: await response.json() };
}

/** Every citation's quote is exactly the document's text at its offsets. */
async function expectExactCitations(url: string, citations: { documentId: string; start: number; end: number; quote: string }[]) {
  for (const citation of citations) {
    const doc = await (await fetch(`${url}/documents/${encodeURIComponent(citation.documentId)}`)).json();
    expect(doc.text.slice(citation.start, citation.end)).toBe(citation.quote);
  }
}

describe("building the index in a worker thread", () => {
  it("answers /healthz at once while it builds, then answers questions with exact citations", { timeout: 300_000 }, async () => {
    const corpus = await tempDir();
    const data = await tempDir();
    await writeFile(join(corpus, "harbours.txt"), generatedText(40, 0));
    const { url, output } = await start(corpus, data);
    await vi.waitFor(() => expect(output.stdout).toContain("Listening on"), { timeout: 60_000, interval: 20 });

    const seen = await pollUntilReady(url, output);
    const building = seen.filter((h) => h.status === 503 && h.body.status === "building");
    const maxMs = Math.max(...seen.map((h) => h.ms));
    const embedding = building.filter((h) => h.body.progress?.total !== undefined);
    console.log(
      `/healthz during the build: ${seen.length} answers, ${building.length} "building", max ${maxMs.toFixed(1)} ms; ` +
        `max ${Math.max(...embedding.map((h) => h.ms)).toFixed(1)} ms while the worker embedded; slowest: ` +
        [...seen]
          .sort((a, b) => b.ms - a.ms)
          .slice(0, 4)
          .map((h) => `${h.ms.toFixed(0)} ms (${h.status} ${h.body.progress?.message ?? h.body.status})`)
          .join(", "),
    );
    expect(building.length).toBeGreaterThan(0);
    const counted = building.find((h) => h.body.progress?.phase === "embedding");
    expect(counted?.body.progress).toMatchObject({ unit: "sentences and headings", done: expect.any(Number), total: expect.any(Number) });
    expect(counted!.body.progress!.done).toBeLessThanOrEqual(counted!.body.progress!.total!);
    expect(maxMs).toBeLessThan(1000);

    // The main thread only loaded what the worker saved: one build, no second one.
    expect(output.stdout.match(/Index saved to/g)).toHaveLength(1);
    expect(output.stdout.match(/Building the index/g)).toHaveLength(1);

    const answer = await ask(url, "How many tonnes of copper did the harbour of Velmora 1 export?");
    expect(answer.status).toBe(200);
    expect(answer.body.grounded).toBe(true);
    expect(answer.body.citations.length).toBeGreaterThan(0);
    expect(answer.body.citations.some((c: { quote: string }) => c.quote.includes("100 tonnes of copper"))).toBe(true);
    await expectExactCitations(url, answer.body.citations);
  });

  it("answers from the previous index while the new one builds, then swaps it in", { timeout: 300_000 }, async () => {
    const corpus = await tempDir();
    const data = await tempDir();
    await writeFile(join(corpus, "harbours.txt"), generatedText(40, 0));
    const first = await start(corpus, data);
    await vi.waitFor(() => expect(first.output.stdout).toContain("Listening on"), { timeout: 60_000, interval: 20 });
    await pollUntilReady(first.url, first.output);
    await stop();

    await writeFile(join(corpus, "more-harbours.txt"), generatedText(40, 3));
    const { url, output } = await start(corpus, data);
    await vi.waitFor(() => expect(output.stdout).toContain("Listening on"), { timeout: 60_000, interval: 20 });
    // While the new index builds: ready, from the old one, with the build's progress.
    let rebuilding: Health | undefined;
    const until = Date.now() + 120_000;
    while (!rebuilding && Date.now() < until) {
      const begun = performance.now();
      const response = await fetch(`${url}/healthz`);
      const health: Health = { status: response.status, ms: performance.now() - begun, body: await response.json() };
      if (health.status === 200) {
        expect(health.body.rebuilding, "the rebuild finished before the test could see it").toBeDefined();
        rebuilding = health;
      } else await new Promise((done) => setTimeout(done, 50));
    }
    expect(rebuilding?.body).toMatchObject({ status: "ready", rebuilding: { message: expect.any(String) } });
    const old = await ask(url, "How many tonnes of copper did the harbour of Velmora 1 export?");
    expect(old.status).toBe(200);
    expect(old.body.grounded).toBe(true);
    await expectExactCitations(url, old.body.citations);

    const seen = await pollUntilReady(url, output);
    console.log(`/healthz during the rebuild: max ${Math.max(...seen.map((h) => h.ms)).toFixed(1)} ms`);
    expect(output.stdout).toContain("Answering from the previous index");
    expect(output.stdout.match(/Index saved to/g)).toHaveLength(1);
    // Now the new document is in the index.
    const docs = await (await fetch(`${url}/documents`)).json();
    expect(docs.documents.map((d: { id: string }) => d.id).sort()).toEqual(["harbours", "more-harbours"]);
  });

  it("builds in a worker started from this process; opening the pipeline then only loads", { timeout: 120_000 }, async () => {
    const corpus = await tempDir();
    const data = await tempDir();
    await writeFile(join(corpus, "harbours.txt"), generatedText(4, 1));
    const config = loadConfig({ CORPUS_DIR: corpus, DATA_DIR: data, LLM_PROVIDER: "none" });
    const built: ProgressEvent[] = [];
    await buildIndexInWorker(config, (event) => built.push(event));
    expect(built[0]).toEqual({ phase: "building", cause: "no-index", reason: "no index yet" });
    expect(built.at(-1)).toEqual({ phase: "saved", folder: expect.stringContaining(data) });
    const opened: ProgressEvent[] = [];
    const pipeline = await openPipeline(config, (event) => opened.push(event));
    expect(opened.filter((event) => ["building", "lock", "embedding", "saved"].includes(event.phase))).toEqual([]);
    expect(pipeline.index.sentences.count).toBe(32);
  });

  it("exits 1 with one line when the build in the worker fails", { timeout: 120_000 }, async () => {
    const corpus = await tempDir();
    await writeFile(join(corpus, "note.txt"), "A note\n\nThe quick brown fox jumps over the lazy dog.\n");
    // A data folder that is a file: the worker cannot save the index there.
    const data = join(await tempDir(), "not-a-folder");
    await writeFile(data, "");
    const { output, exit } = await start(corpus, data);
    const code = await exit;
    expect(code).toBe(1);
    expect(output.stderr.trim().split("\n")).toHaveLength(1);
    expect(output.stderr).toMatch(/^error: /);
  });
});
