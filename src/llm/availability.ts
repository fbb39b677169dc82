import OpenAI from "openai";
import type { Config } from "../config.js";
import { describeFailure } from "./failures.js";

/** What `/healthz` says about the LLM. `available` is null until the check at start has finished. */
export type LlmStatus =
  | { provider: "none" }
  | { provider: "openai"; model: string; baseURL?: string; available: boolean | null; reason?: string; warning?: string };

/**
 * A cheap check that the model server answers and accepts the key: listing its models costs no
 * tokens and does not load a model. It does not switch the LLM mode off: every question still
 * tries the model and falls back to extractive answers on failure.
 */
export async function checkLlm(config: Config): Promise<LlmStatus> {
  if (config.llm.provider === "none") return { provider: "none" };
  const status = identify(config);
  const client = new OpenAI({
    apiKey: config.openai.apiKey ?? "not-needed",
    baseURL: config.openai.baseURL,
    timeout: config.llm.timeoutMs,
    maxRetries: 0,
  });
  try {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    // Some servers accept any model name and list only their own, so an unlisted model is a warning.
    const listed = ids.some((id) => id === config.llm.model || id === `${config.llm.model}:latest`);
    return listed
      ? { ...status, available: true }
      : {
          ...status,
          available: true,
          warning: `the server does not list model "${config.llm.model}" (it lists ${ids.slice(0, 5).join(", ") || "none"})`,
        };
  } catch (error) {
    return { ...status, available: false, reason: describeFailure(error) };
  }
}

/** Starts the check and logs its outcome in one line; `status()` reads the latest result. */
export function watchLlm(config: Config): { status: () => LlmStatus; checked: Promise<LlmStatus> } {
  let current: LlmStatus = config.llm.provider === "none" ? { provider: "none" } : { ...identify(config), available: null };
  const checked = checkLlm(config).then((result) => {
    current = result;
    logStatus(result);
    return result;
  });
  return { status: () => current, checked };
}

function identify(config: Config) {
  return { provider: "openai" as const, model: config.llm.model, ...(config.openai.baseURL && { baseURL: config.openai.baseURL }) };
}

function logStatus(status: LlmStatus): void {
  if (status.provider === "none") return;
  const where = `${status.model} at ${status.baseURL ?? "api.openai.com"}`;
  if (!status.available) console.warn(`LLM ${where} is NOT available: ${status.reason}. Answers fall back to extractive until it answers.`);
  else if (status.warning) console.warn(`LLM ${where} answers, but ${status.warning}.`);
  else console.log(`LLM ${where} is available.`);
}
