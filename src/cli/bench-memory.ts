import { execFile } from "node:child_process";
import { parseArgs, promisify } from "node:util";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../config.js";
import { startEmbeddingStandIn } from "../dev/embedding-stand-in.js";
import { openPipeline } from "../service.js";
import { benchCorpusSettings } from "./bench-corpus.js";
import { openBenchDatabase } from "./bench-database.js";
import { runCli, UsageError } from "./run.js";

const USAGE = "npm run bench:memory -- [--mb 5,20] [--store hnsw|pgvector]";

/** What one process holds once it has opened the index, after garbage collection, in MB. */
interface Held {
  openMs: number;
  rss: number;
  heap: number;
  external: number;
  passages: number;
  sentences: number;
}

/**
 * What a server's process holds per MB of text, measured without the noise of garbage not yet collected:
 * for each size, the corpus is written and indexed (with bench:scale's embedding stand-in, and PGlite for
 * the database store) by one process, then opened by another started with `--expose-gc`, which collects
 * its garbage and reports its resident memory, V8 heap and memory outside the heap (vectors, buffers).
 */
async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { mb: { type: "string", default: "5,20" }, store: { type: "string", default: "hnsw" }, child: { type: "string" } },
  });
  if (values.child) return child(JSON.parse(values.child) as Record<string, string>);
  const sizes = values.mb.split(",").map(Number);
  if (sizes.some((mb) => !(mb > 0)) || !["hnsw", "pgvector"].includes(values.store)) throw new UsageError(USAGE);
  const standIn = await startEmbeddingStandIn();
  const rows: { corpus: string; mb: number; held: Held }[] = [];
  try {
    for (const mb of [0, ...sizes]) {
      const scratch = await mkdtemp(join(tmpdir(), "grounded-qa-bench-memory-"));
      const database = values.store === "pgvector" ? await openBenchDatabase(join(scratch, "pglite")) : undefined;
      try {
        const env = {
          ...(await benchCorpusSettings(scratch, mb, standIn, values.store, database?.url)),
          LLM_PROVIDER: "none",
        };
        const corpus = mb === 0 ? "the article" : `${mb} MB`;
        console.error(`${corpus}: indexing…`);
        await openInChild(env);
        console.error(`${corpus}: opening…`);
        rows.push({ corpus, mb, held: await openInChild(env) });
      } finally {
        await database?.close();
        await rm(scratch, { recursive: true, force: true });
      }
    }
  } finally {
    await standIn.close();
  }
  const base = rows[0]!.held;
  const perMb = (row: (typeof rows)[number], value: (h: Held) => number) =>
    row.mb === 0 ? "–" : `${((value(row.held) - value(base)) / row.mb).toFixed(1)} MB`;
  console.log(
    `| corpus (${values.store}) | passages | sentences | open | RSS | V8 heap | outside the heap | RSS per MB of text | heap and outside per MB |`,
  );
  console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const row of rows) {
    const { held } = row;
    console.log(
      `| ${row.corpus} | ${held.passages} | ${held.sentences} | ${(held.openMs / 1000).toFixed(1)} s | ${held.rss} MB | ${held.heap} MB | ${held.external} MB | ${perMb(row, (h) => h.rss)} | ${perMb(row, (h) => h.heap + h.external)} |`,
    );
  }
}

/** Runs this command's child side with `env` in a process of its own (this one serves its embeddings meanwhile), and returns what it reports. */
async function openInChild(env: Record<string, string>): Promise<Held> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--expose-gc", "--import", "tsx", fileURLToPath(import.meta.url), "--child", JSON.stringify(env)],
    { encoding: "utf8", maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as Held;
}

/** The child's side: opens the index (building it first when there is none), collects garbage, reports. */
async function child(env: Record<string, string>): Promise<void> {
  const started = performance.now();
  const pipeline = await openPipeline(loadConfig(env));
  const openMs = performance.now() - started;
  const gc = (globalThis as { gc?: () => void }).gc!;
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((done) => setTimeout(done, 100));
  }
  const memory = process.memoryUsage();
  const mb = (bytes: number) => Math.round(bytes / 1e6);
  const held: Held = {
    openMs,
    rss: mb(memory.rss),
    heap: mb(memory.heapUsed),
    external: mb(memory.external),
    passages: pipeline.index.documents.passageCount,
    sentences: pipeline.index.sentences.count,
  };
  console.log(JSON.stringify(held));
  process.exit(0);
}

runCli(main);
