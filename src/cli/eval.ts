import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { loadConfig, type Config } from "../config.js";
import { locateGoldenAnswers, readDataset, sample } from "../eval/dataset.js";
import { withDatasetCorpus } from "../eval/corpus.js";
import { pct } from "../eval/metrics.js";
import { calibrateThreshold, evaluate, summarizeByArticle, type Summary } from "../eval/evaluate.js";
import { openPipeline } from "../service.js";
import { printProgress } from "./print-progress.js";
import { runCli, UsageError } from "./run.js";
import { readEveryDocument } from "../index/catalog.js";

const USAGE =
  "npm run eval -- --dataset <squad.json|golden.jsonl> [--k RETRIEVE_K] [--limit N] [--seed 42] [--out report.json] [--calibrate]";

await runCli(async (args) => {
  const { values } = parseArgs({
    args,
    options: {
      dataset: { type: "string" },
      k: { type: "string" },
      limit: { type: "string" },
      seed: { type: "string", default: "42" },
      out: { type: "string" },
      calibrate: { type: "boolean", default: false },
    },
  });
  if (!values.dataset) throw new UsageError(USAGE);
  const settings = loadConfig();
  const k = values.k ? positiveInteger(values.k, "--k") : settings.retrieveK;
  const dataset = await readDataset(values.dataset);
  const questions = values.limit
    ? sample(dataset.questions, positiveInteger(values.limit, "--limit"), Number(values.seed))
    : dataset.questions;
  const config: Config = { ...settings, retrieveK: k };

  console.error(`Evaluating ${questions.length} questions from ${values.dataset} (${dataset.format}).`);
  await withDatasetCorpus(config, dataset, async (config) => {
    const pipeline = await openPipeline(config, printProgress);
    const located =
      dataset.format === "golden" ? locateGoldenAnswers(questions, await readEveryDocument(pipeline.index.documents)) : questions;
    const { results, summary } = await evaluate(pipeline, located, {
      onProgress: (done, total) => {
        if (done % 10 === 0 || done === total) process.stderr.write(`\r${done}/${total} questions`);
      },
    });
    process.stderr.write("\n");

    for (const r of results.filter((r) => r.invalidCitations.length > 0)) {
      console.log(`BUG: inexact citation for "${r.question}": ${JSON.stringify(r.invalidCitations)}`);
    }
    printSummary(summary);
    const byArticle = summarizeByArticle(results, k);
    if (byArticle.size > 1) printArticles(byArticle);
    const calibration = values.calibrate ? calibrateThreshold(results) : undefined;
    if (calibration) printCalibration(calibration);
    if (values.out) {
      await writeFile(
        values.out,
        JSON.stringify({ dataset: values.dataset, summary, byArticle: Object.fromEntries(byArticle), calibration, results }, null, 2),
      );
      console.log(`\nReport written to ${values.out}`);
    }
  });
});

function printSummary(s: Summary): void {
  const rows: [string, string][] = [
    ["questions (answerable / unanswerable)", `${s.questions} (${s.answerable} / ${s.unanswerable})`],
    [`retrieval recall@${s.k}`, pct(s.recallAtK)],
    ["retrieval MRR", s.mrr.toFixed(3)],
    ["answer hit", pct(s.answerHit)],
    ["citation hit", pct(s.citationHit)],
    ["citation validity", pct(s.citationValidity)],
    ["unanswerable declined", pct(s.unanswerableDeclined)],
    ["answerable wrongly declined", pct(s.answerableWronglyDeclined)],
    ["answerabilityAuc", s.answerabilityAuc.toFixed(3)],
    ["direct: answers, right (precision), answerable answered so (coverage)", level(s.direct)],
    ["related: answers, right, answerable answered so", level(s.related)],
    ["unanswerable shown direct", String(s.unanswerableDirect)],
    ["latency p50 / p95", `${s.latencyP50Ms.toFixed(1)} ms / ${s.latencyP95Ms.toFixed(1)} ms`],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  console.log(`\n| ${"metric".padEnd(width)} | value |\n|${"-".repeat(width + 2)}|-------|`);
  for (const [name, value] of rows) console.log(`| ${name.padEnd(width)} | ${value} |`);
}

function printArticles(byArticle: Map<string, Summary>): void {
  console.log(
    "\n| article | questions | answer hit | unanswerable declined | answerable wrongly declined | answerabilityAuc | direct: precision / coverage | related: precision / coverage | unanswerable shown direct |\n|---|---|---|---|---|---|---|---|---|",
  );
  for (const [article, s] of byArticle) {
    console.log(
      `| ${article} | ${s.questions} | ${pct(s.answerHit)} | ${pct(s.unanswerableDeclined)} | ${pct(s.answerableWronglyDeclined)} | ${s.answerabilityAuc.toFixed(3)} | ${pct(s.direct.precision)} / ${pct(s.direct.coverage)} | ${pct(s.related.precision)} / ${pct(s.related.coverage)} | ${s.unanswerableDirect} |`,
    );
  }
}

function printCalibration({ best, curve }: ReturnType<typeof calibrateThreshold>): void {
  console.log("\n| ANSWER_MIN_CONFIDENCE | unanswerable declined | answerable wrongly declined |\n|---|---|---|");
  const step = Math.max(1, Math.floor(curve.length / 12));
  for (const point of curve.filter((_, i) => i % step === 0 || curve[i] === best)) {
    console.log(
      `| ${point.threshold.toFixed(3)}${point === best ? " (best)" : ""} | ${pct(point.declined)} | ${pct(point.wronglyDeclined)} |`,
    );
  }
}

function level(f: Summary["direct"]): string {
  return `${f.answers}, ${pct(f.precision)}, ${pct(f.coverage)}`;
}

function positiveInteger(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive whole number`);
  return n;
}
