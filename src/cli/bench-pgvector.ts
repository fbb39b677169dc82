import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { AskPipeline } from "../answer/ask.js";
import { loadConfig, type Config } from "../config.js";
import { withDatasetCorpus } from "../eval/corpus.js";
import { locateGoldenAnswers, readDataset, type EvalQuestion } from "../eval/dataset.js";
import { evaluate, type Summary } from "../eval/evaluate.js";
import { covers, pct } from "../eval/metrics.js";
import { keywordTerms } from "../retrieve/hybrid.js";
import { openPipeline } from "../service.js";
import { printProgress } from "./print-progress.js";
import { runCli, UsageError } from "./run.js";
import { readEveryDocument } from "../index/catalog.js";

const USAGE = "npm run bench:pgvector -- [--questions tests/golden/article.jsonl] [--k 5] [--database postgres://…]";

/**
 * The database store against the embedded one, on the same corpus, questions and machine: retrieval
 * recall@k and `ask` latency over a question set, and how closely Postgres full-text ranking follows BM25
 * on its own. The database is the one given, or PGlite (pgvector compiled to WebAssembly) served over the
 * wire protocol by a process of its own, started here. PGlite runs every query one after another on one
 * core, so a real Postgres would be as fast or faster.
 */
await runCli(async (args) => {
  const { values } = parseArgs({
    args,
    options: {
      questions: { type: "string", default: "tests/golden/article.jsonl" },
      k: { type: "string", default: "5" },
      database: { type: "string" },
    },
  });
  const k = Number(values.k);
  if (!Number.isInteger(k) || k < 1) throw new UsageError(USAGE);
  const dataset = await readDataset(values.questions);
  const settings = loadConfig();
  const scratch = await mkdtemp(join(tmpdir(), "grounded-qa-bench-pgvector-"));
  const database = values.database ? { url: values.database, stop: async () => {} } : await startPglite();
  try {
    const base: Config = { ...settings, dataDir: scratch, retrieveK: k, llm: { ...settings.llm, provider: "none" } };
    await withDatasetCorpus(base, dataset, async (config) => {
      const embedded = await measure({ ...config, store: { kind: "hnsw" } }, dataset.questions, dataset.format === "golden", k);
      const pgvector = await measure(
        { ...config, store: { kind: "pgvector", databaseUrl: database.url } },
        dataset.questions,
        dataset.format === "golden",
        k,
      );

      console.log(
        `| ${values.questions}: ${embedded.summary.answerable} answerable questions | embedded (hnsw) | pgvector | pgvector / embedded |\n|---|---|---|---|`,
      );
      const row = (name: string, a: number, b: number, format: (x: number) => string, ratio: string) =>
        console.log(`| ${name} | ${format(a)} | ${format(b)} | ${ratio} |`);
      const points = (a: number, b: number) => `${((b - a) * 100).toFixed(1)} points`;
      row(
        `hybrid retrieval recall@${k}`,
        embedded.summary.recallAtK,
        pgvector.summary.recallAtK,
        pct,
        points(embedded.summary.recallAtK, pgvector.summary.recallAtK),
      );
      row(
        "retrieval MRR",
        embedded.summary.mrr,
        pgvector.summary.mrr,
        (x) => x.toFixed(3),
        (pgvector.summary.mrr - embedded.summary.mrr).toFixed(3),
      );
      row(
        `keywords alone recall@${k} (BM25 / full-text)`,
        embedded.keywordRecall,
        pgvector.keywordRecall,
        pct,
        points(embedded.keywordRecall, pgvector.keywordRecall),
      );
      row(
        "answer hit",
        embedded.summary.answerHit,
        pgvector.summary.answerHit,
        pct,
        points(embedded.summary.answerHit, pgvector.summary.answerHit),
      );
      row(
        "ask latency p50",
        embedded.summary.latencyP50Ms,
        pgvector.summary.latencyP50Ms,
        (x) => `${x.toFixed(1)} ms`,
        `${(pgvector.summary.latencyP50Ms / embedded.summary.latencyP50Ms).toFixed(2)}×`,
      );
      row(
        "ask latency p95",
        embedded.summary.latencyP95Ms,
        pgvector.summary.latencyP95Ms,
        (x) => `${x.toFixed(1)} ms`,
        `${(pgvector.summary.latencyP95Ms / embedded.summary.latencyP95Ms).toFixed(2)}×`,
      );
      const overlap = embedded.keywordTops.map(
        (ids, i) => ids.filter((id) => pgvector.keywordTops[i]!.includes(id)).length / Math.max(1, Math.min(k, ids.length)),
      );
      const sameFirst = embedded.keywordTops.filter((ids, i) => ids[0] !== undefined && ids[0] === pgvector.keywordTops[i]![0]).length;
      console.log(
        `\nKeywords alone, full-text against BM25: top ${k} shared ${pct(mean(overlap))} on average; the same first passage for ${sameFirst} of ${embedded.keywordTops.length} questions.`,
      );
    });
  } finally {
    await database.stop();
    await rm(scratch, { recursive: true, force: true });
  }
});

interface Measured {
  summary: Summary;
  /** Each question's top k passage ids by keywords alone. */
  keywordTops: string[][];
  keywordRecall: number;
}

async function measure(config: Config, questions: EvalQuestion[], golden: boolean, k: number): Promise<Measured> {
  console.error(`Opening the ${config.store.kind} store…`);
  const pipeline: AskPipeline = await openPipeline(config, printProgress);
  await pipeline.embeddings.embedQuery("warm up");
  const located = golden ? locateGoldenAnswers(questions, await readEveryDocument(pipeline.index.documents)) : questions;
  const { summary } = await evaluate(pipeline, located);
  const answerable = located.filter((q) => q.answerSpans.length > 0);
  const keywordTops: string[][] = [];
  let found = 0;
  for (const q of answerable) {
    const ids = await pipeline.index.keywords.search(keywordTerms(q.question), k);
    keywordTops.push(ids);
    const passages = [...(await pipeline.index.documents.passages(ids)).values()];
    if (passages.some((passage) => q.answerSpans.some((span) => covers(passage, span)))) found++;
  }
  return { summary, keywordTops, keywordRecall: found / Math.max(1, answerable.length) };
}

/** PGlite served by `npm run db:pglite` in a process of its own, as a database server would be. */
async function startPglite(): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/pglite.ts", "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise<string>((resolve, reject) => {
    let output = "";
    child.stdout!.on("data", (data: Buffer) => {
      output += data.toString();
      const match = /DATABASE_URL=(\S+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.once("exit", (code) => reject(new Error(`PGlite stopped (exit code ${code}) before it served`)));
  });
  return {
    url,
    stop: async () => {
      const exited = new Promise((done) => child.once("exit", done));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

function mean(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, x) => sum + x, 0) / values.length;
}
