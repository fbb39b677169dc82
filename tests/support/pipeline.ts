import { inject } from "vitest";
import type { AskPipeline } from "../../src/answer/ask.js";
import { loadConfig, type Config } from "../../src/config.js";
import { openPipeline } from "../../src/service.js";

/** Settings for tests: the article corpus, its prebuilt index, no LLM and no rate limit unless asked. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ DATA_DIR: inject("articleDataDir"), LLM_PROVIDER: "none", RATE_LIMIT_PER_MINUTE: "0", ...overrides });
}

export function openArticlePipeline(overrides: Record<string, string> = {}): Promise<AskPipeline> {
  return openPipeline(testConfig(overrides));
}
