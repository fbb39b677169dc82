import { execFileSync, spawn } from "node:child_process";
import { freePort } from "./free-port.js";

/** How `npm start` runs the server: the compiled module, with plain `node`. */
export const COMPILED_SERVER = ["dist/cli/serve.js"];

/** Compiles the server as `npm start` does first, so a benchmark measures what users run; the build's output goes to stderr. */
export function buildServer(): void {
  execFileSync("npm", ["run", "--silent", "build"], { stdio: ["ignore", process.stderr, process.stderr] });
}

/** A server a benchmark started, and how to stop it (SIGTERM, then waits for it to exit). */
export interface BenchServer {
  url: string;
  /** The server's process id, for reading its memory. */
  pid: number;
  stop: () => Promise<void>;
}

/**
 * Starts the server (`command`, the compiled one unless told) on a free loopback port, offline, with no rate
 * limit and the settings in `env`, and resolves once `/healthz` says ready in every process. Rejects, having
 * stopped it, when it exits first or is not ready within `readyWithinMinutes`.
 */
export async function startBenchServer(
  env: Record<string, string>,
  command: string[] = COMPILED_SERVER,
  readyWithinMinutes = 5,
): Promise<BenchServer> {
  const port = await freePort();
  const child = spawn(process.execPath, command, {
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", RATE_LIMIT_PER_MINUTE: "0", LLM_PROVIDER: "none", ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((done) => child.once("exit", done));
    child.kill("SIGTERM");
    await exited;
  };
  const deadline = Date.now() + readyWithinMinutes * 60_000;
  while (Date.now() < deadline && child.exitCode === null) {
    const health = await fetch(`${url}/healthz`).then(
      (r) => r.json(),
      () => undefined,
    );
    if (health?.status === "ready") return { url, pid: child.pid!, stop };
    await new Promise((done) => setTimeout(done, 100));
  }
  const code = child.exitCode;
  await stop();
  throw new Error(
    code === null ? `the server did not become ready within ${readyWithinMinutes} minutes` : `the server exited with code ${code}`,
  );
}
