import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { freePort, startServeProcess, stopServeProcess, type ServeProcess } from "./support/serve-process.js";

const dirs: string[] = [];
let served: ServeProcess | undefined;

afterEach(async () => {
  await stopServeProcess(served?.proc);
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Asks `/healthz` as often as an impatient script would, until it says ready. */
async function untilReady(url: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const status = await fetch(`${url}/healthz`).then(
      async (r) => (await r.json()).status as string,
      () => "down",
    );
    if (status === "ready") return;
    await new Promise((done) => setTimeout(done, 25));
  }
  throw new Error(`never ready:\n${served?.output.stdout}\n${served?.output.stderr}`);
}

describe("with the default number of server processes, on a fresh DATA_DIR", () => {
  it("answers every request once /healthz has said ready, start after start", async () => {
    const corpus = await mkdtemp(join(tmpdir(), "ready-corpus-"));
    dirs.push(corpus);
    await writeFile(join(corpus, "lighthouse.md"), "# The lighthouse\n\nThe Harrow Point lighthouse was first lit in 1871.\n");
    for (let start = 0; start < 2; start++) {
      const data = await mkdtemp(join(tmpdir(), "ready-data-"));
      dirs.push(data);
      // WORKERS blank: the default, one process per core.
      served = startServeProcess(await freePort(), corpus, data, { WORKERS: "", RATE_LIMIT_PER_MINUTE: "0" });
      await untilReady(served.url);
      const health = await (await fetch(`${served.url}/healthz`)).json();
      // Each request on a connection of its own, so the primary spreads them over every process.
      const requests = Array.from({ length: 12 }, (_, i) =>
        i % 3 === 0
          ? fetch(`${served!.url}/documents/lighthouse`, { headers: { connection: "close" } })
          : fetch(`${served!.url}/ask`, {
              method: "POST",
              headers: { "content-type": "application/json", connection: "close" },
              body: JSON.stringify({ question: "When was the lighthouse first lit?" }),
            }),
      );
      const statuses = await Promise.all(requests.map(async (r) => (await r).status));
      expect(statuses, JSON.stringify(health)).toEqual(statuses.map(() => 200));
      await stopServeProcess(served.proc);
    }
  }, 600_000);
});
