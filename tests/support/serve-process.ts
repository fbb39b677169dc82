import { spawn, type ChildProcess } from "node:child_process";

/** `npm start` as a child process: its output so far, and when and how it exited. */
export interface ServeProcess {
  proc: ChildProcess;
  url: string;
  output: { stdout: string; stderr: string };
  exit: Promise<{ code: number | null; at: number }>;
}

export { freePort } from "../../src/cli/free-port.js";

/**
 * Starts `src/cli/serve.ts` (or what `args` says, `dist/cli/serve.js` say) on loopback `port` over `corpusDir`,
 * offline, one process unless `env` says otherwise, collecting its output.
 */
export function startServeProcess(
  port: number,
  corpusDir: string,
  dataDir: string,
  env: Record<string, string> = {},
  args: string[] = ["--import", "tsx", "src/cli/serve.ts"],
): ServeProcess {
  const proc = spawn(process.execPath, args, {
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      HOST: "127.0.0.1",
      CORPUS_DIR: corpusDir,
      DATA_DIR: dataDir,
      LLM_PROVIDER: "none",
      WORKERS: "1",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = { stdout: "", stderr: "" };
  proc.stdout!.on("data", (data: Buffer) => (output.stdout += data.toString()));
  proc.stderr!.on("data", (data: Buffer) => (output.stderr += data.toString()));
  const exit = new Promise<{ code: number | null; at: number }>((done) => proc.once("exit", (code) => done({ code, at: Date.now() })));
  return { proc, url: `http://127.0.0.1:${port}`, output, exit };
}

/** Kills `proc` if it is still running, and waits until it has exited. */
export async function stopServeProcess(proc: ChildProcess | undefined): Promise<void> {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((done) => proc.once("exit", done));
  proc.kill("SIGKILL");
  await exited;
}
