import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { settingNames } from "./support/setting-names.js";

/** The settings docs/configuration.md documents: the backticked name in the first column of each table row. */
async function documentedSettings(): Promise<string[]> {
  const doc = await readFile("docs/configuration.md", "utf8");
  return [...doc.matchAll(/^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|/gm)].map((m) => m[1]!);
}

describe("docs/configuration.md", () => {
  it("documents every setting of the settings schema", async () => {
    const names = await settingNames();
    expect(names.length).toBeGreaterThan(10);
    const documented = new Set(await documentedSettings());
    const missing = names.filter((name) => !documented.has(name));
    expect(missing, "settings in src/config.ts missing from docs/configuration.md").toEqual([]);
  });

  it("names no setting that does not exist, and each only once", async () => {
    const names = new Set(await settingNames());
    const documented = await documentedSettings();
    expect(
      documented.filter((name) => !names.has(name)),
      "settings in docs/configuration.md that src/config.ts lacks",
    ).toEqual([]);
    expect(
      documented.filter((name, i) => documented.indexOf(name) !== i),
      "settings documented twice",
    ).toEqual([]);
  });
});
