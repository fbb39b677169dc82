import { serve } from "@hono/node-server";
import type { AskPipeline } from "../answer/ask.js";
import { loadConfig } from "../config.js";
import { createApp } from "../server/app.js";
import { openPipeline } from "../service.js";
import { runCli } from "./run.js";

await runCli(async () => {
  const config = loadConfig();
  let pipeline: AskPipeline | undefined;
  const app = createApp({
    pipeline: () => pipeline,
    maxQuestionChars: config.maxQuestionChars,
    rateLimitPerMinute: config.rateLimitPerMinute,
  });
  const started = performance.now();
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) =>
    console.log(`Listening on http://${info.address}:${info.port} (answers once the index is ready)`),
  );
  const stop = () => server.close(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);

  pipeline = await openPipeline(config, (message) => console.log(message));
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`Ready in ${seconds} s: ${pipeline.index.documents.size} documents, ${pipeline.index.passages.size} passages, ${pipeline.answerer.mode} answers.`);
});
