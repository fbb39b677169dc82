import { readFileSync } from "node:fs";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startEmbeddingStandIn, type EmbeddingStandIn } from "../dev/embedding-stand-in.js";
import { pct, percentile } from "../eval/metrics.js";
import { askUnderLoad } from "./ask-under-load.js";
import { benchCorpusSettings } from "./bench-corpus.js";
import { openBenchDatabase } from "./bench-database.js";
import { buildServer, startBenchServer, type BenchServer } from "./compiled-server.js";
import { runCli, UsageError } from "./run.js";

const USAGE = "npm run bench:scale -- [--mb 1,5,20] [--store pgvector|hnsw] [--questions 50] [--latency-ms 0]";

/** The clients of the memory-under-load measure, as the issue that asked for this benchmark set them. */
const CLIENTS = 16;
const LOAD_SECONDS = 10;

/**
 * How the server's build time, memory, restart and answers grow with the corpus. For each size it writes
 * that many megabytes of varied WordNet prose, starts an OpenAI-compatible embedding stand-in on loopback
 * (deterministic vectors, answered at once unless `--latency-ms` says, so the time left is the service's own) and the compiled server
 * over it, on the database store (PGlite on loopback, or DATABASE_URL when set: it is emptied first) or the
 * embedded one; then measures the build, resident memory at rest and under 16 clients, `/ask` latency, a
 * restart with nothing changed, the store's size, and checks every citation against its document's text.
 * The one-article corpus is measured first, as the baseline memory.
 */
await runCli(async (args) => {
  const { values } = parseArgs({
    args,
    options: {
      mb: { type: "string", default: "1,5" },
      store: { type: "string", default: "pgvector" },
      questions: { type: "string", default: "50" },
      "latency-ms": { type: "string", default: "0" },
    },
  });
  const latencyMs = Number(values["latency-ms"]);
  const sizes = values.mb.split(",").map(Number);
  const questionCount = Number(values.questions);
  if (sizes.some((mb) => !(mb > 0)) || !["pgvector", "hnsw"].includes(values.store) || !(questionCount > 0) || !(latencyMs >= 0))
    throw new UsageError(USAGE);
  buildServer();
  const standIn = await startEmbeddingStandIn(latencyMs);
  const rows: Row[] = [];
  try {
    rows.push(await measure("the article", undefined, values.store, standIn, questionCount));
    for (const mb of sizes) rows.push(await measure(`${mb} MB`, mb, values.store, standIn, questionCount));
  } finally {
    await standIn.close();
  }
  console.log(
    `| corpus (${values.store}) | documents | passages | build | service's share | RSS at rest | RSS, ${CLIENTS} clients | ready after restart | RSS after restart | /ask p50 | /ask p95 | store size | citations exact |`,
  );
  console.log(`|${" --- |".repeat(13)}`);
  for (const r of rows) {
    console.log(
      `| ${r.corpus} | ${r.documents} | ${r.passages} | ${r.buildSeconds.toFixed(1)} s | ${pct(r.serviceShare)} | ${r.restMb} MB | ${r.loadedMb} MB | ${r.restartSeconds.toFixed(1)} s | ${r.restartMb} MB | ${r.p50.toFixed(1)} ms | ${r.p95.toFixed(1)} ms | ${r.storeMb.toFixed(1)} MB | ${r.exact}/${r.cited} |`,
    );
  }
});

interface Row {
  corpus: string;
  documents: number;
  passages: number;
  buildSeconds: number;
  serviceShare: number;
  restMb: number;
  loadedMb: number;
  restartSeconds: number;
  restartMb: number;
  p50: number;
  p95: number;
  storeMb: number;
  cited: number;
  exact: number;
}

async function measure(
  corpus: string,
  mb: number | undefined,
  store: string,
  standIn: EmbeddingStandIn,
  questionCount: number,
): Promise<Row> {
  const scratch = await mkdtemp(join(tmpdir(), "grounded-qa-bench-scale-"));
  const database = store === "pgvector" ? await openBenchDatabase(join(scratch, "pglite")) : undefined;
  try {
    const env = { ...(await benchCorpusSettings(scratch, mb, standIn, store, database?.url)), WORKERS: "1" };
    console.error(`${corpus}: building…`);
    const before = standIn.served();
    const started = performance.now();
    // PGlite writes about a megabyte of text in 15 s here: a large corpus's first build takes many minutes.
    let server: BenchServer = await startBenchServer(env, undefined, Math.max(5, Math.ceil(mb ?? 0)));
    const buildMs = performance.now() - started;
    const embedderMs = standIn.served().waitedMs - before.waitedMs;
    try {
      const documents = (await (await fetch(`${server.url}/documents`)).json()).documents as { id: string; passages: number }[];
      const questions = await questionsFrom(server.url, documents, questionCount);
      await settle();
      const restMb = residentMb(server.pid);
      const latencies: number[] = [];
      let cited = 0;
      let exact = 0;
      const texts = new Map<string, Promise<string>>();
      const textOf = (id: string) => {
        if (!texts.has(id))
          texts.set(
            id,
            fetch(`${server.url}/documents/${encodeURIComponent(id)}`).then(async (r) => (await r.json()).text),
          );
        return texts.get(id)!;
      };
      for (const question of questions) {
        const sent = performance.now();
        const answer = await (await post(server.url, question)).json();
        latencies.push(performance.now() - sent);
        for (const c of answer.citations ?? []) {
          cited++;
          if ((await textOf(c.documentId)).slice(c.start, c.end) === c.quote) exact++;
        }
      }
      let loadedMb = restMb;
      const sampler = setInterval(() => (loadedMb = Math.max(loadedMb, residentMb(server.pid))), 200);
      await askUnderLoad(server.url, questions, CLIENTS, LOAD_SECONDS);
      clearInterval(sampler);
      await server.stop();
      const restarted = performance.now();
      server = await startBenchServer(env);
      const restartSeconds = (performance.now() - restarted) / 1000;
      await settle();
      return {
        corpus,
        documents: documents.length,
        passages: documents.reduce((sum, d) => sum + d.passages, 0),
        buildSeconds: buildMs / 1000,
        serviceShare: 1 - embedderMs / buildMs,
        restMb,
        loadedMb,
        restartSeconds,
        restartMb: residentMb(server.pid),
        p50: percentile(latencies, 50),
        p95: percentile(latencies, 95),
        storeMb: database ? await database.sizeMb() : (await folderBytes(join(scratch, "data"))) / 1e6,
        cited,
        exact,
      };
    } finally {
      await server.stop();
    }
  } finally {
    await database?.close();
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Questions a reader of these documents could ask: a sentence of a passage, turned into "What is …?" */
async function questionsFrom(url: string, documents: { id: string }[], count: number): Promise<string[]> {
  const questions: string[] = [];
  for (let i = 0; questions.length < count && i < count * 4; i++) {
    const doc = documents[(i * 7919) % documents.length]!;
    const { text } = await (await fetch(`${url}/documents/${encodeURIComponent(doc.id)}`)).json();
    const sentences = (text as string).split(/(?<=\.)\s+/).filter((s) => s.includes(":"));
    const sentence = sentences[(i * 104_729) % Math.max(1, sentences.length)];
    if (sentence) questions.push(`What is ${sentence.slice(0, sentence.indexOf(":")).split(",")[0]}?`);
  }
  return questions;
}

function post(url: string, question: string): Promise<Response> {
  return fetch(`${url}/ask`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ question }) });
}

/** The process's resident memory, in MB, as Linux counts it. */
function residentMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
}

/** A moment for what a start leaves behind to be collected, so "at rest" is at rest. */
function settle(): Promise<void> {
  return new Promise((done) => setTimeout(done, 3000));
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}
