import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { ask, type AskPipeline } from "../answer/ask.js";
import { loadConfig } from "../config.js";
import { ApiError } from "../server/errors.js";
import { createMcpServer } from "../server/mcp.js";
import { openPipeline } from "../service.js";
import { printProgress } from "./print-progress.js";
import { runCli } from "./run.js";

// Stdout carries the protocol: whatever any part of the pipeline prints goes to stderr instead.
console.log = console.error;
console.info = console.error;

/**
 * `npm run mcp`: the MCP server on stdin and stdout, for a desktop client that starts it. It answers at
 * once; tools say the index is being built until it is opened (built first if the corpus changed).
 */
await runCli(async () => {
  const config = loadConfig();
  let pipeline: AskPipeline | undefined;
  let failed: string | undefined;
  const server = createMcpServer({
    ready: () => {
      if (pipeline) return pipeline;
      if (failed) throw new ApiError(503, "not_ready", `the index could not be opened: ${failed}`);
      throw new ApiError(503, "not_ready", "the index is still being built; try again in a moment");
    },
    answer: ask,
    maxQuestionChars: config.maxQuestionChars,
    // No page is served from here; links point where `npm start` serves it with the same settings.
    origin: config.publicUrl ?? `http://${config.host}:${config.port}`,
  });
  await server.connect(new StdioServerTransport());
  try {
    pipeline = await openPipeline(config, printProgress);
    for (const warning of pipeline.warnings) console.error(`Warning: ${warning}`);
    console.error(`MCP server ready: ${pipeline.index.documents.catalog.size} documents, ${pipeline.answerer.mode} answers.`);
  } catch (error) {
    failed = error instanceof Error ? error.message : String(error);
    console.error(`error: ${failed}`);
  }
});
