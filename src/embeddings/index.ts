import type { Embeddings } from "@langchain/core/embeddings";
import { OpenAIEmbeddings } from "@langchain/openai";
import type { Config } from "../config.js";
import { UniversalSentenceEncoderEmbeddings } from "./universal-sentence-encoder.js";

/** The embedding model the index is built with; recorded in the manifest so an index never meets another model. */
export interface EmbeddingModel {
  embeddings: Embeddings;
  provider: Config["embeddings"]["provider"];
  model: string;
}

export function createEmbeddings(config: Config): EmbeddingModel {
  if (config.embeddings.provider === "openai") {
    return {
      provider: "openai",
      model: config.embeddings.model,
      embeddings: new OpenAIEmbeddings({
        model: config.embeddings.model,
        apiKey: config.openai.apiKey ?? "not-needed",
        configuration: { baseURL: config.openai.baseURL },
        encodingFormat: "float",
        maxRetries: config.llm.maxRetries,
        timeout: config.llm.timeoutMs,
      }),
    };
  }
  return { provider: "local", model: UniversalSentenceEncoderEmbeddings.modelName, embeddings: new UniversalSentenceEncoderEmbeddings() };
}
