import { parseArgs } from "node:util";
import { loadConfig } from "../config.js";
import { openPipeline } from "../service.js";
import { ingestReport } from "./ingest-progress.js";
import { runCli } from "./run.js";

/**
 * Brings the index up to date with the corpus, embedding only what changed; `--rebuild` embeds everything
 * again. On a terminal, a progress bar shows the embedding; elsewhere, the build's lines as they come.
 */
await runCli(async (args) => {
  const { values } = parseArgs({ args, options: { rebuild: { type: "boolean", default: false } } });
  const started = performance.now();
  const report = ingestReport(process.stdout);
  // Stopped on failure too, so the error is printed below the bar rather than into it.
  const { index } = await openPipeline(loadConfig(), report.progress, { rebuild: values.rebuild }).finally(() => report.stop());
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`Indexed ${index.documents.catalog.size} documents (${index.documents.passageCount} passages) in ${seconds} s.`);
});
