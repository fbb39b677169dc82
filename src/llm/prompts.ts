import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { ConfigError } from "../config.js";

/** Every prompt file the LLM mode sends, with the placeholders each must contain, no more and no fewer. */
const PROMPT_FILES = {
  system: { file: "system.md", placeholders: [] },
  answer: { file: "answer.md", placeholders: ["passages", "question", "notFound"] },
  passage: { file: "passage.md", placeholders: ["id", "section", "text"] },
  condense: { file: "condense.md", placeholders: ["history", "question"] },
  historyTurn: { file: "history-turn.md", placeholders: ["role", "content"] },
} as const;

export type PromptName = keyof typeof PROMPT_FILES;
type PromptValues<N extends PromptName> = Record<(typeof PROMPT_FILES)[N]["placeholders"][number], string>;

const PLACEHOLDER = /\{\{(\w+)\}\}/g;

/** The prompt texts, read once at start; `fill` puts values in for their `{{name}}` placeholders. */
export class Prompts {
  private constructor(private readonly texts: Record<PromptName, string>) {}

  /** Reads and checks every prompt file, so a broken one stops the service at start, not at the first question. */
  static async load(dir: string): Promise<Prompts> {
    const entries = await Promise.all(
      (Object.keys(PROMPT_FILES) as PromptName[]).map(async (name) => [name, await readPrompt(dir, name)] as const),
    );
    return new Prompts(Object.fromEntries(entries) as Record<PromptName, string>);
  }

  /** One pass, so a placeholder-like text inside a value (a passage, a question) stays as it is. */
  fill<N extends PromptName>(name: N, values: PromptValues<N>): string {
    return this.texts[name].replace(PLACEHOLDER, (_, key: string) => (values as Record<string, string>)[key]!);
  }
}

async function readPrompt(dir: string, name: PromptName): Promise<string> {
  const { file, placeholders } = PROMPT_FILES[name];
  const path = join(dir, file);
  const text = await readFile(path, "utf8").catch(() => {
    throw new ConfigError(`cannot read the prompt file ${path}`);
  });
  const found = new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]!));
  const expected = new Set<string>(placeholders);
  const missing = [...expected].filter((p) => !found.has(p));
  const unknown = [...found].filter((p) => !expected.has(p));
  if (missing.length > 0 || unknown.length > 0) {
    const problems = [
      ...missing.map((p) => `missing {{${p}}}`),
      ...unknown.map((p) => `unknown {{${p}}} (it takes ${[...expected].map((e) => `{{${e}}}`).join(", ") || "none"})`),
    ];
    throw new ConfigError(`prompt file ${path}: ${problems.join("; ")}`);
  }
  return text.trimEnd();
}
