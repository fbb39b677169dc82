import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { readDataset } from "../eval/dataset.js";
import { askUnderLoad } from "./ask-under-load.js";
import { buildServer, startBenchServer } from "./compiled-server.js";
import { runCli, UsageError } from "./run.js";

const USAGE = "npm run bench:workers -- [--workers 1,2] [--concurrency 16] [--seconds 20] [--questions tests/golden/article.jsonl]";

/**
 * `POST /ask` throughput and latency of the server as users run it (`npm start`, over the configured corpus),
 * with each number of server processes in `--workers`, `--concurrency` clients asking back to back for
 * `--seconds`. The clients run in this process, on the same machine, and take their share of its cores.
 */
await runCli(async (args) => {
  const { values } = parseArgs({
    args,
    options: {
      workers: { type: "string", default: "1,2" },
      concurrency: { type: "string", default: "16" },
      seconds: { type: "string", default: "20" },
      questions: { type: "string", default: "tests/golden/article.jsonl" },
    },
  });
  const counts = values.workers.split(",").map(Number);
  buildServer();
  const concurrency = Number(values.concurrency);
  const seconds = Number(values.seconds);
  if (counts.some((n) => !Number.isInteger(n) || n < 1) || !(concurrency >= 1) || !(seconds > 0)) throw new UsageError(USAGE);
  const questions = (await readDataset(values.questions)).questions.map((q) => q.question);
  const dataDir = await mkdtemp(join(tmpdir(), "grounded-qa-bench-workers-"));
  const rows: { workers: number; perSecond: number; p50: number; p99: number; failed: number }[] = [];
  try {
    for (const workers of counts) {
      const server = await startBenchServer({ WORKERS: String(workers), DATA_DIR: dataDir });
      try {
        await askUnderLoad(server.url, questions, concurrency, 2); // warm-up: every process loads and answers once or more
        const result = await askUnderLoad(server.url, questions, concurrency, seconds);
        rows.push({ workers, ...result });
        console.error(`${workers} process(es): ${result.perSecond.toFixed(1)} req/s`);
      } finally {
        await server.stop();
      }
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
  const base = rows[0]!.perSecond;
  console.log(
    `| server processes | POST /ask throughput (${concurrency} clients, ${seconds} s) | vs ${rows[0]!.workers} | p50 | p99 | failed |\n|---|---|---|---|---|---|`,
  );
  for (const row of rows) {
    console.log(
      `| ${row.workers} | ${row.perSecond.toFixed(1)} req/s | ${(row.perSecond / base).toFixed(2)}× | ${row.p50.toFixed(1)} ms | ${row.p99.toFixed(1)} ms | ${row.failed} |`,
    );
  }
});
