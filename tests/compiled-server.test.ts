import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startServeProcess, stopServeProcess, type ServeProcess } from "./support/serve-process.js";

/**
 * What `npm start` runs: the server compiled by `npm run build` into dist/ (left there, as `npm start` would),
 * started with plain `node` and the default number of processes (one per core), on a fresh DATA_DIR, so its
 * index is built in a worker thread of compiled code.
 */
describe("the compiled server (npm run build, node dist/cli/serve.js)", () => {
  const dirs: string[] = [];
  let served: ServeProcess;

  beforeAll(async () => {
    await promisify(execFile)("npm", ["run", "build"], { env: process.env });
    const corpus = await mkdtemp(join(tmpdir(), "compiled-corpus-"));
    const data = await mkdtemp(join(tmpdir(), "compiled-data-"));
    dirs.push(corpus, data);
    await writeFile(join(corpus, "lighthouse.md"), "# The lighthouse\n\nThe Harrow Point lighthouse was first lit in 1871.\n");
    // WORKERS blank: the default.
    served = startServeProcess(await freePort(), corpus, data, { WORKERS: "", RATE_LIMIT_PER_MINUTE: "0" }, ["dist/cli/serve.js"]);
    await untilReady(served);
  }, 180_000);

  afterAll(async () => {
    await stopServeProcess(served?.proc);
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it("answers every request once /healthz has said ready, whichever process takes it", async () => {
    // Each request on a connection of its own, so the primary spreads them over every process.
    const requests = Array.from({ length: 12 }, (_, i) =>
      i % 3 === 0
        ? fetch(`${served.url}/documents/lighthouse`, { headers: { connection: "close" } })
        : fetch(`${served.url}/ask`, {
            method: "POST",
            headers: { "content-type": "application/json", connection: "close" },
            body: JSON.stringify({ question: "When was the lighthouse first lit?" }),
          }),
    );
    const statuses = await Promise.all(requests.map(async (r) => (await r).status));
    expect(statuses).toEqual(statuses.map(() => 200));
  });

  it("was emitted by the build and runs without tsx", async () => {
    expect(existsSync("dist/cli/serve.js")).toBe(true);
    expect(existsSync("dist/workers/module-worker.js")).toBe(true);
    // Nothing under tests/ is compiled.
    expect(existsSync("dist/tests")).toBe(false);
    // Its index was built from nothing, in the build worker, from compiled code.
    expect(served.output.stdout).toContain("Index saved");
    const procFile = `/proc/${served.proc.pid}`;
    if (existsSync(procFile)) {
      const argv = (await readFile(`${procFile}/cmdline`, "utf8")).split("\0").filter(Boolean);
      expect(argv.slice(1)).toEqual(["dist/cli/serve.js"]);
      expect(await readFile(`${procFile}/environ`, "utf8")).not.toMatch(/tsx/);
    }
  });

  it("answers with a quote that is the document's text between the citation's offsets", async () => {
    const response = await fetch(`${served.url}/ask`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ question: "When was the lighthouse first lit?" }),
    });
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { citations: { documentId: string; start: number; end: number; quote: string }[] };
    expect(answer.citations.length).toBeGreaterThan(0);
    const citation = answer.citations[0]!;
    const doc = (await (await fetch(`${served.url}/documents/${encodeURIComponent(citation.documentId)}`)).json()) as { text: string };
    expect(citation.quote).toBe(doc.text.slice(citation.start, citation.end));
    expect(citation.quote).toContain("1871");
  });

  it("serves the chat page and its bundled script and style", async () => {
    const page = await fetch(`${served.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('<script type="module" src="/app.js"></script>');
    const script = await fetch(`${served.url}/app.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect((await script.text()).length).toBeGreaterThan(1000);
    expect((await fetch(`${served.url}/app.css`)).status).toBe(200);
  });
});

/** Asks `/healthz` as often as an impatient script would, until it says ready. */
async function untilReady(served: ServeProcess, timeoutMs = 150_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const status = await fetch(`${served.url}/healthz`).then(
      async (r) => (await r.json()).status as string,
      () => "down",
    );
    if (status === "ready") return;
    await new Promise((done) => setTimeout(done, 25));
  }
  throw new Error(`never ready:\n${served.output.stdout}\n${served.output.stderr}`);
}
