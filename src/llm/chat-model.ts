import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { ChatOpenAICompletions } from "@langchain/openai";
import type { Config } from "../config.js";

/**
 * The configured model behind LangChain's chat model interface. Always the Chat Completions API,
 * the one every OpenAI-compatible server (OpenAI, Ollama, vLLM, llama.cpp) speaks. Retries and the
 * timeout are set explicitly: LangChain's default of 6 retries can hang a request for 100 s.
 */
export function createChatModel(config: Config): BaseChatModel {
  return new ChatOpenAICompletions({
    model: config.llm.model,
    temperature: config.llm.temperature,
    maxTokens: config.llm.maxTokens,
    // Local servers ignore the key, but the client refuses to start without one.
    apiKey: config.openai.apiKey ?? "not-needed",
    configuration: { baseURL: config.openai.baseURL },
    timeout: config.llm.timeoutMs,
    maxRetries: config.llm.maxRetries,
    // Usage chunks (`stream_options`) are unused here, and not every compatible server accepts them.
    streamUsage: false,
  });
}
