import { ask } from "../answer/ask.js";
import { loadConfig } from "../config.js";
import { openPipeline } from "../service.js";
import { runCli, UsageError } from "./run.js";

await runCli(async (args) => {
  const question = args.join(" ").trim();
  if (!question) throw new UsageError('npm run ask -- "your question"');
  const pipeline = await openPipeline(loadConfig(), (message) => console.error(message));
  const response = await ask(pipeline, { question });
  console.log(response.answer);
  if (response.citations.length > 0) console.log("");
  for (const c of response.citations) console.log(`[${c.id}] "${c.quote}"\n    ${c.documentId}:${c.start}-${c.end}`);
  console.error(`\n(${response.mode}, ${response.grounded ? "grounded" : "not grounded"}, confidence ${response.confidence}, ${response.timings.totalMs} ms)`);
});
