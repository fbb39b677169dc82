import { readFile } from "node:fs/promises";

/** The name of every setting in the settings schema of `src/config.ts`, in the order it declares them. */
export async function settingNames(): Promise<string[]> {
  const source = await readFile("src/config.ts", "utf8");
  return [...source.matchAll(/^\s+([A-Z_]+): z\./gm)].map((m) => m[1]!);
}
