import type { AskPipeline } from "../answer/ask.js";
import { appendPreviousQuestion } from "../answer/follow-up.js";
import type { Answerer } from "../answer/types.js";
import type { Config } from "../config.js";
import type { CorpusIndex } from "../index/corpus-index.js";
import { LlmAnswerer } from "./answerer.js";
import { createChatModel } from "./chat-model.js";
import { createCondenser } from "./condenser.js";
import { FallbackAnswerer } from "./fallback.js";
import { Prompts } from "./prompts.js";

/** The LLM mode's parts of the pipeline: the model's answers, falling back to `extractive`, and follow-up condensing. */
export async function openLlmAnswering(
  config: Config,
  index: CorpusIndex,
  extractive: Answerer,
): Promise<Pick<AskPipeline, "answerer" | "condense">> {
  const prompts = await Prompts.load(config.llm.promptsDir);
  const model = createChatModel(config);
  return {
    answerer: new FallbackAnswerer(new LlmAnswerer(model, prompts, index, config.llm), extractive),
    condense: createCondenser(model, prompts, appendPreviousQuestion),
  };
}
