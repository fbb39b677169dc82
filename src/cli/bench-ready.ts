import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { freePort } from "./free-port.js";
import { COMPILED_SERVER, buildServer } from "./compiled-server.js";
import { runCli, UsageError } from "./run.js";

const USAGE = "npm run bench:ready -- [--starts 20] [--requests 12]";

/**
 * What a script or load balancer meets when it waits for `/healthz` to say ready: `--starts` times, `npm start`
 * with the default settings on a fresh DATA_DIR, `/healthz` asked every 25 ms until ready, then at once
 * `--requests` requests, each on a connection of its own so they reach every server process. Counts the
 * ones that were not answered 200, and how long each start took to be ready.
 */
await runCli(async (args) => {
  const { values } = parseArgs({
    args,
    options: { starts: { type: "string", default: "20" }, requests: { type: "string", default: "12" } },
  });
  const starts = Number(values.starts);
  const requests = Number(values.requests);
  if (!Number.isInteger(starts) || starts < 1 || !Number.isInteger(requests) || requests < 1) throw new UsageError(USAGE);
  buildServer();
  const readySeconds: number[] = [];
  let refused = 0;
  for (let start = 1; start <= starts; start++) {
    const dataDir = await mkdtemp(join(tmpdir(), "grounded-qa-bench-ready-"));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const child = spawn(process.execPath, COMPILED_SERVER, {
      env: {
        ...process.env,
        PORT: String(port),
        HOST: "127.0.0.1",
        DATA_DIR: dataDir,
        RATE_LIMIT_PER_MINUTE: "0",
        LLM_PROVIDER: "none",
        WORKERS: "",
      },
      stdio: ["ignore", "ignore", "inherit"],
    });
    try {
      const began = performance.now();
      while (
        (
          await fetch(`${url}/healthz`).then(
            (r) => r.json(),
            () => undefined,
          )
        )?.status !== "ready"
      ) {
        if (child.exitCode !== null) throw new Error(`start ${start}: the server exited with code ${child.exitCode}`);
        await new Promise((done) => setTimeout(done, 25));
      }
      readySeconds.push((performance.now() - began) / 1000);
      const statuses = await Promise.all(
        Array.from({ length: requests }, (_, i) =>
          fetch(i % 2 ? `${url}/examples` : `${url}/ask`, {
            method: i % 2 ? "GET" : "POST",
            headers: { "content-type": "application/json", connection: "close" },
            ...(i % 2 ? {} : { body: JSON.stringify({ question: "How many people were killed in the Moscow attack?" }) }),
          }).then((r) => r.status),
        ),
      );
      const notOk = statuses.filter((s) => s !== 200).length;
      refused += notOk;
      console.error(`start ${start}: ready in ${readySeconds.at(-1)!.toFixed(1)} s, ${notOk} of ${requests} requests not answered 200`);
    } finally {
      const exited = new Promise((done) => child.once("exit", done));
      child.kill("SIGTERM");
      await exited;
      await rm(dataDir, { recursive: true, force: true });
    }
  }
  const mean = readySeconds.reduce((a, b) => a + b, 0) / readySeconds.length;
  console.log(`| starts | requests right after ready | not answered 200 | mean time to ready |\n|---|---|---|---|`);
  console.log(`| ${starts} | ${starts * requests} | ${refused} | ${mean.toFixed(1)} s |`);
});
