import { execFileSync } from "node:child_process";

/** How `npm start` runs the server: the compiled module, with plain `node`. */
export const COMPILED_SERVER = ["dist/cli/serve.js"];

/** Compiles the server as `npm start` does first, so a benchmark measures what users run; the build's output goes to stderr. */
export function buildServer(): void {
  execFileSync("npm", ["run", "--silent", "build"], { stdio: ["ignore", process.stderr, process.stderr] });
}
