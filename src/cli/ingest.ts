import { parseArgs } from "node:util";
import { loadConfig } from "../config.js";
import { openPipeline } from "../service.js";
import { runCli } from "./run.js";

/** Brings the index up to date with the corpus, embedding only what changed; `--rebuild` embeds everything again. */
await runCli(async (args) => {
  const { values } = parseArgs({ args, options: { rebuild: { type: "boolean", default: false } } });
  const started = performance.now();
  const { index } = await openPipeline(loadConfig(), (message) => console.log(message), { rebuild: values.rebuild });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`Indexed ${index.documents.size} documents (${index.passages.size} passages) in ${seconds} s.`);
});
