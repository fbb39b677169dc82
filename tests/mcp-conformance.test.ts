import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/server/app.js";
import { openArticlePipeline } from "./support/pipeline.js";
import { startServer, type RunningServer } from "./support/server.js";

const run = promisify(execFile);

let server: RunningServer;
let results: string;

beforeAll(async () => {
  const pipeline = await openArticlePipeline();
  server = await startServer(createApp({ pipeline: () => pipeline, maxQuestionChars: 2000, rateLimitPerMinute: 0 }));
  results = await mkdtemp(join(tmpdir(), "grounded-qa-conformance-"));
});
afterAll(async () => {
  await server?.close();
  if (results) await rm(results, { recursive: true, force: true });
});

/** The scenarios of the MCP conformance suite that apply to any server; the others expect its test server's own tools. */
describe.each(["server-initialize", "ping", "tools-list", "resources-list"])("the MCP conformance suite's %s scenario", (scenario) => {
  it("passes against /mcp", async () => {
    const { stdout } = await run(
      "node_modules/.bin/conformance",
      ["server", "--url", `${server.url}/mcp`, "--scenario", scenario, "-o", results],
      {
        timeout: 120_000,
      },
    ).catch((error: { stdout?: string; stderr?: string; message: string }) => {
      throw new Error(`conformance failed on ${scenario}:\n${error.stdout ?? ""}\n${error.stderr ?? error.message}`);
    });
    expect(stdout).toMatch(/Passed: (\d+)\/\1, 0 failed/);
  });
});
