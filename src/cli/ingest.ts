import { loadConfig } from "../config.js";
import { openPipeline } from "../service.js";
import { runCli } from "./run.js";

await runCli(async () => {
  const started = performance.now();
  const { index } = await openPipeline(loadConfig(), (message) => console.log(message), { rebuild: true });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`Indexed ${index.documents.size} documents (${index.passages.size} passages) in ${seconds} s.`);
});
