import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { serve } from "@hono/node-server";
import { ask } from "../answer/ask.js";
import { loadConfig } from "../config.js";
import { readDataset } from "../eval/dataset.js";
import { percentile } from "../eval/metrics.js";
import { createApp } from "../server/app.js";
import { openPipeline } from "../service.js";
import { runCli } from "./run.js";

/** Speed of the offline pipeline on this machine: index build and load, per-question latency, HTTP throughput. */
await runCli(async (args) => {
  const { values } = parseArgs({
    args,
    options: {
      questions: { type: "string", default: "tests/golden/article.jsonl" },
      requests: { type: "string", default: "200" },
      concurrency: { type: "string", default: "4" },
    },
  });
  const scratch = await mkdtemp(join(tmpdir(), "grounded-qa-bench-"));
  try {
    const config = { ...loadConfig(), dataDir: scratch, llm: { ...loadConfig().llm, provider: "none" as const } };
    let started = performance.now();
    await openPipeline(config);
    const buildMs = performance.now() - started;
    started = performance.now();
    const pipeline = await openPipeline(config);
    await pipeline.embeddings.embedQuery("warm up");
    const loadMs = performance.now() - started;

    const questions = (await readDataset(values.questions)).questions.map((q) => q.question);
    // The floor any question pays: embedding it. Measured in the same run, so the ratio compares like with like.
    const embeddingTimes: number[] = [];
    for (const question of questions) {
      const t = performance.now();
      await pipeline.embeddings.embedQuery(question);
      embeddingTimes.push(performance.now() - t);
    }
    const latencies: number[] = [];
    const answerTimes: number[] = [];
    for (const question of questions) {
      const t = performance.now();
      const response = await ask(pipeline, { question });
      latencies.push(performance.now() - t);
      answerTimes.push(response.timings.answerMs);
    }

    const app = createApp({ pipeline: () => pipeline, maxQuestionChars: config.maxQuestionChars, rateLimitPerMinute: 0 });
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ask`;
    const total = Number(values.requests);
    let next = 0;
    let failures = 0;
    started = performance.now();
    await Promise.all(
      Array.from({ length: Number(values.concurrency) }, async () => {
        while (next < total) {
          const question = questions[next++ % questions.length]!;
          const response = await fetch(url, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ question }),
          });
          if (!response.ok) failures++;
          await response.arrayBuffer();
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    server.close();

    console.log(`| measure | value |\n|---|---|`);
    console.log(
      `| index build (${pipeline.index.documents.passageCount} passages, ${pipeline.index.sentences.count} sentences) | ${(buildMs / 1000).toFixed(2)} s |`,
    );
    console.log(`| index load + model warm-up | ${loadMs.toFixed(0)} ms |`);
    const askP50 = percentile(latencies, 50);
    const embedP50 = percentile(embeddingTimes, 50);
    console.log(
      `| ask latency p50 / p95 (${latencies.length} questions, in process) | ${askP50.toFixed(1)} / ${percentile(latencies, 95).toFixed(1)} ms |`,
    );
    console.log(`| bare query embedding p50 / p95 | ${embedP50.toFixed(1)} / ${percentile(embeddingTimes, 95).toFixed(1)} ms |`);
    console.log(`| ask p50 / embedding p50 | ${(askP50 / embedP50).toFixed(2)} |`);
    console.log(
      `| answering (sentence scoring) p50 / p95 | ${percentile(answerTimes, 50).toFixed(1)} / ${percentile(answerTimes, 95).toFixed(1)} ms |`,
    );
    console.log(
      `| POST /ask throughput (${total} requests, ${values.concurrency} at a time) | ${(total / seconds).toFixed(1)} req/s, ${failures} failed |`,
    );
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
});
