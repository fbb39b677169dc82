import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { fuzzServer } from "../dev/fuzz.js";
import { type BenchServer, startBenchServer } from "./compiled-server.js";
import { runCli, UsageError } from "./run.js";

const USAGE = "npm run bench:fuzz -- [--runs 10000] [--seed 1]";
const TOKEN = "bench-fuzz-admin-token";

/**
 * `--runs` generated bad requests (`src/dev/fuzz.ts`) against every route of a server started here over a
 * one-document corpus, with uploads on; prints how many were sent, the statuses they got, and every
 * broken invariant (no 500, no stack trace, the error shape, the documents unchanged by a refused request).
 */
await runCli(async (args) => {
  const { values } = parseArgs({ args, options: { runs: { type: "string", default: "10000" }, seed: { type: "string", default: "1" } } });
  const runs = Number(values.runs);
  const seed = Number(values.seed);
  if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(seed)) throw new UsageError(USAGE);
  const [corpus, data] = await Promise.all([1, 2].map(() => mkdtemp(join(tmpdir(), "grounded-qa-bench-fuzz-"))));
  await writeFile(join(corpus!, "lighthouse.md"), "# The Harrow Point lighthouse\n\nThe Harrow Point lighthouse was first lit in 1871.\n");
  let server: BenchServer | undefined;
  try {
    // Through tsx, so a fuzzing run needs no build first.
    server = await startBenchServer({ WORKERS: "1", CORPUS_DIR: corpus!, DATA_DIR: data!, ADMIN_TOKEN: TOKEN }, [
      "--import",
      "tsx",
      "src/cli/serve.ts",
    ]);
    const started = performance.now();
    const report = await fuzzServer(server.url, TOKEN, { runs, seed });
    const seconds = (performance.now() - started) / 1000;
    console.log(`${report.requests} requests in ${seconds.toFixed(1)} s (seed ${seed}), by status: ${JSON.stringify(report.byStatus)}`);
    console.log(`${report.failures.length} broken invariants${report.failures.length ? ":" : "."}`);
    for (const failure of report.failures) console.log(`- ${failure}`);
    if (report.failures.length > 0) process.exitCode = 1;
  } finally {
    await server?.stop();
    await Promise.all([corpus, data].map((dir) => rm(dir!, { recursive: true, force: true })));
  }
});
