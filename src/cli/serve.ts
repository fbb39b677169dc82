import { serve } from "@hono/node-server";
import type { AskPipeline } from "../answer/ask.js";
import { loadConfig } from "../config.js";
import { watchLlm } from "../llm/availability.js";
import { createApp } from "../server/app.js";
import { createPageRoutes } from "../server/page.js";
import { openPipeline } from "../service.js";
import { runCli } from "./run.js";

await runCli(async () => {
  const config = loadConfig();
  let pipeline: AskPipeline | undefined;
  const llm = watchLlm(config);
  const app = createApp({
    pipeline: () => pipeline,
    health: () => ({ llm: llm.status() }),
    maxQuestionChars: config.maxQuestionChars,
    rateLimitPerMinute: config.rateLimitPerMinute,
    page: await createPageRoutes(),
  });
  const started = performance.now();
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) =>
    console.log(`Listening on http://${info.address}:${info.port} (answers once the index is ready)`),
  );
  const stop = () => server.close(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);

  const opened = await openPipeline(config, (message) => console.log(message));
  for (const warning of opened.warnings) console.warn(`Warning: ${warning}`);
  // Load the embedding model now, so the first question is as fast as the rest.
  await opened.embeddings.embedQuery("warm up");
  pipeline = opened;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`Ready in ${seconds} s: ${opened.index.documents.size} documents, ${opened.index.passages.size} passages, ${opened.answerer.mode} answers.`);
});
