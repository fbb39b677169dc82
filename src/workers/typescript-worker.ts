import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker, type WorkerOptions } from "node:worker_threads";

/**
 * Starts a worker thread that runs the TypeScript module at `moduleUrl` (pass `import.meta.url`).
 * `execArgv: ["--import", "tsx"]` does not reach a worker's modules on Node 20, so a small bootstrap
 * registers tsx's loader in the worker first. Its stdout and stderr go to the parent's. `options` adds
 * to the worker's (its `resourceLimits`, say).
 */
export function startTypeScriptWorker(moduleUrl: string, workerData: unknown, options: WorkerOptions = {}): Worker {
  const bootstrap = `const { register } = await import(${JSON.stringify(tsxApi())}); register(); await import(${JSON.stringify(moduleUrl)});`;
  return new Worker(bootstrap, { ...options, eval: true, workerData, stdout: false, stderr: false });
}

/** Where tsx's loader API is, as a URL a worker can import from anywhere. */
function tsxApi(): string {
  try {
    return import.meta.resolve("tsx/esm/api");
  } catch {
    // Under vitest's module runner `import.meta.resolve` throws, and `require.resolve` would find the
    // CommonJS build, which cannot register the ESM loader: the ESM entry sits next to it.
    return pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm/api").replace(/index\.cjs$/, "index.mjs")).href;
  }
}
