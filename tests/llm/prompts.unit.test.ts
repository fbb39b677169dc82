import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config.js";
import { Prompts } from "../../src/llm/prompts.js";

let dir: string | undefined;
afterEach(() => (dir ? rm(dir, { recursive: true, force: true }) : undefined));

async function promptsWith(file: string, text: string): Promise<string> {
  dir = await mkdtemp(join(tmpdir(), "prompts-"));
  await cp("prompts", dir, { recursive: true });
  await writeFile(join(dir, file), text);
  return dir;
}

describe("prompt files", () => {
  it("fill their placeholders in one pass, leaving placeholder-like text in values alone", async () => {
    const prompts = await Prompts.load("prompts");
    const text = prompts.fill("condense", { history: "user: what is {{question}}?", question: "When?" });
    expect(text).toContain("user: what is {{question}}?");
    expect(text).toContain("Follow-up question: When?");
  });

  it("stop the service at start when one lacks a placeholder or has an unknown one", async () => {
    await expect(Prompts.load(await promptsWith("answer.md", "{{passages}} {{question}} {{answer}}"))).rejects.toThrow(
      /answer\.md: missing \{\{notFound\}\}; unknown \{\{answer\}\}/,
    );
    await expect(Prompts.load(join(tmpdir(), "no-such-prompts"))).rejects.toThrow(ConfigError);
  });
});
