import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Worker as WorkerType, WorkerOptions } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { isTypeScript, startModuleWorker } from "../src/workers/module-worker.js";

/** What each worker was started with: its script (a URL, or code to evaluate) and its options. */
const started = vi.hoisted(() => [] as { script: unknown; options: WorkerOptions | undefined }[]);

vi.mock("node:worker_threads", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:worker_threads")>();
  class Worker extends actual.Worker {
    constructor(script: string | URL, options?: WorkerOptions) {
      started.push({ script, options });
      super(script, options);
    }
  }
  return { ...actual, Worker };
});

/** The module's worker posts back its workerData and whether it ran. */
const WORKER_SOURCE = `import { parentPort, workerData } from "node:worker_threads";\nparentPort.postMessage({ ran: true, workerData });\n`;

function firstMessage(worker: WorkerType): Promise<unknown> {
  return new Promise((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  }).finally(() => void worker.terminate());
}

describe("startModuleWorker", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "module-worker-"));
    // Like dist/: ES modules, because the package says so.
    await writeFile(join(dir, "package.json"), JSON.stringify({ type: "module" }));
    await writeFile(join(dir, "compiled.js"), WORKER_SOURCE);
    await writeFile(join(dir, "source.ts"), WORKER_SOURCE.replace("parentPort.", "parentPort!."));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("runs a compiled .js module as it is: no eval bootstrap, no tsx", async () => {
    const url = pathToFileURL(join(dir, "compiled.js")).href;
    started.length = 0;
    const worker = startModuleWorker(url, { n: 1 });
    expect(await firstMessage(worker)).toEqual({ ran: true, workerData: { n: 1 } });
    expect(started).toHaveLength(1);
    expect(started[0]!.script).toBeInstanceOf(URL);
    expect(String(started[0]!.script)).toBe(url);
    expect(started[0]!.options?.eval).toBeFalsy();
  });

  it("registers tsx first in a worker for a .ts module", async () => {
    const url = pathToFileURL(join(dir, "source.ts")).href;
    started.length = 0;
    const worker = startModuleWorker(url, { n: 2 });
    expect(await firstMessage(worker)).toEqual({ ran: true, workerData: { n: 2 } });
    expect(started[0]!.options?.eval).toBe(true);
    expect(String(started[0]!.script)).toContain("tsx");
  });

  it("tells TypeScript source from compiled JavaScript by the module's file name", () => {
    expect(isTypeScript("file:///app/src/index/build-worker.ts")).toBe(true);
    expect(isTypeScript("file:///app/src/x.mts")).toBe(true);
    expect(isTypeScript("file:///app/dist/index/build-worker.js")).toBe(false);
    expect(isTypeScript("file:///app/dist/x.ts.js?v=1")).toBe(false);
  });
});
