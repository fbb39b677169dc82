import type { ServeProcess } from "./serve-process.js";

/** Waits until the served process answers `/healthz` with "ready"; fails with its output when it exits or takes too long. */
export async function waitUntilReady(served: ServeProcess, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void served.exit.then(() => (exited = true));
  while (Date.now() < deadline && !exited) {
    try {
      const health = await (await fetch(`${served.url}/healthz`)).json();
      if (health.status === "ready") return;
    } catch {
      // Not listening yet.
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`the server did not become ready:\n${served.output.stdout}\n${served.output.stderr}`);
}
