import { ask } from "../answer/ask.js";
import type { Support } from "../answer/types.js";
import { loadConfig } from "../config.js";
import { openPipeline } from "../service.js";
import { printProgress } from "./print-progress.js";
import { runCli, UsageError } from "./run.js";

const SUPPORT_LINES: Record<Support, string> = {
  direct: "Support: direct (the quote answers the question).",
  related: "Support: related (the closest the documents come; it may not answer the question directly).",
  none: "Support: none (the documents do not cover it; the closest passages are listed by POST /ask).",
};

await runCli(async (args) => {
  const question = args.join(" ").trim();
  if (!question) throw new UsageError('npm run ask -- "your question"');
  const pipeline = await openPipeline(loadConfig(), printProgress);
  const response = await ask(pipeline, { question });
  console.log(response.answer);
  if (response.citations.length > 0) console.log("");
  for (const c of response.citations) console.log(`[${c.id}] "${c.quote}"\n    ${c.documentId}:${c.start}-${c.end}`);
  console.log(`\n${SUPPORT_LINES[response.support]}`);
  if (response.support !== "none" && response.unmatched.length > 0)
    console.log(`Not in the quoted passage: ${response.unmatched.join(", ")}`);
  console.error(`\n(${response.mode}, ${response.support}, confidence ${response.confidence}, ${response.timings.totalMs} ms)`);
});
