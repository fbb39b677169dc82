import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fuzzServer } from "../src/dev/fuzz.js";
import { waitUntilReady } from "./support/ready.js";
import { freePort, startServeProcess, stopServeProcess, type ServeProcess } from "./support/serve-process.js";

const TOKEN = "a-long-enough-admin-token";

let dirs: string[];
let served: ServeProcess;

beforeAll(async () => {
  dirs = await Promise.all([1, 2].map(() => mkdtemp(join(tmpdir(), "fuzz-"))));
  await writeFile(join(dirs[0]!, "lighthouse.md"), "# The Harrow Point lighthouse\n\nThe Harrow Point lighthouse was first lit in 1871.\n");
  served = startServeProcess(await freePort(), dirs[0]!, dirs[1]!, { ADMIN_TOKEN: TOKEN, RATE_LIMIT_PER_MINUTE: "0" });
  await waitUntilReady(served);
}, 240_000);

afterAll(async () => {
  await stopServeProcess(served?.proc);
  await Promise.all((dirs ?? []).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("generated bad requests to every route", () => {
  it("never get a 500 or a stack trace, always the error shape, leave the documents as they were when refused, and the server answers on", async () => {
    const report = await fuzzServer(served.url, TOKEN, { runs: 300, seed: 20261202 });
    expect(report.failures).toEqual([]);
    expect(report.requests).toBeGreaterThan(250);
    expect(served.output.stderr).not.toMatch(/failed:/);
  }, 120_000);
});
