import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker, type WorkerOptions } from "node:worker_threads";

/**
 * Starts a worker thread that runs the module at `moduleUrl` (pass `import.meta.url`). Compiled (a `.js`
 * file under dist/, what `npm start` runs), the worker runs that module as it is. From source (a `.ts` file,
 * under `npm run dev`, tsx or vitest), `execArgv: ["--import", "tsx"]` does not reach a worker's modules on
 * Node 20, so a small bootstrap registers tsx's loader in the worker first. Its stdout and stderr go to the
 * parent's. `options` adds to the worker's (its `resourceLimits`, say).
 */
export function startModuleWorker(moduleUrl: string, workerData: unknown, options: WorkerOptions = {}): Worker {
  const common = { ...options, workerData, stdout: false, stderr: false };
  if (!isTypeScript(moduleUrl)) return new Worker(new URL(moduleUrl), common);
  const bootstrap = `const { register } = await import(${JSON.stringify(tsxApi())}); register(); await import(${JSON.stringify(moduleUrl)});`;
  return new Worker(bootstrap, { ...common, eval: true });
}

/** Whether the module at `moduleUrl` is TypeScript source, which Node cannot run without tsx. */
export function isTypeScript(moduleUrl: string): boolean {
  return /\.[cm]?tsx?$/.test(new URL(moduleUrl).pathname);
}

/** Where tsx's loader API is, as a URL a worker can import from anywhere. */
function tsxApi(): string {
  try {
    return import.meta.resolve("tsx/esm/api");
  } catch {
    // Under vitest's module runner `import.meta.resolve` throws, and `require.resolve` would find the
    // CommonJS build, which cannot register the ESM loader: the ESM entry sits next to it.
    return pathToFileURL(
      createRequire(import.meta.url)
        .resolve("tsx/esm/api")
        .replace(/index\.cjs$/, "index.mjs"),
    ).href;
  }
}
