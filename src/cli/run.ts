import { ConfigError } from "../config.js";

/** A mistake in how the command was called: printed with its usage, exit code 2. */
export class UsageError extends Error {}

/** Runs a command with its arguments; errors become one clear line on stderr and an exit code, never a stack trace. */
export async function runCli(command: (args: string[]) => Promise<void>): Promise<void> {
  try {
    await command(process.argv.slice(2));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const code = error instanceof UsageError ? "usage" : error instanceof ConfigError ? "config" : "error";
    console.error(`${code}: ${message}`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  }
}
