import type { Embeddings } from "@langchain/core/embeddings";
import { OpenAIEmbeddings } from "@langchain/openai";
import type { Config } from "../config.js";
import { EncoderThreads } from "./encoder-threads.js";
import { UniversalSentenceEncoderEmbeddings } from "./universal-sentence-encoder.js";

/** The embedding model the index is built with; recorded in the manifest so an index never meets another model. */
export interface EmbeddingModel {
  embeddings: Embeddings;
  provider: Config["embeddings"]["provider"];
  model: string;
  /** What a build embeds its `count` texts with; closed when the build is done. */
  openBulk(count: number): BulkEmbeddings;
}

/** Embeddings for a build's many texts: up to `concurrency` calls may run at once. */
export interface BulkEmbeddings {
  embeddings: Embeddings;
  concurrency: number;
  close(): Promise<void>;
}

/** Below this many texts, starting encoder threads (a second or so each) costs more than it saves. */
const MIN_TEXTS_FOR_THREADS = 1000;

export function createEmbeddings(config: Config): EmbeddingModel {
  if (config.embeddings.provider === "openai") {
    const embeddings = new OpenAIEmbeddings({
      model: config.embeddings.model,
      apiKey: config.openai.apiKey ?? "not-needed",
      configuration: { baseURL: config.openai.baseURL },
      encodingFormat: "float",
      maxRetries: config.llm.maxRetries,
      timeout: config.llm.timeoutMs,
    });
    return { provider: "openai", model: config.embeddings.model, embeddings, openBulk: () => inProcess(embeddings) };
  }
  const embeddings = new UniversalSentenceEncoderEmbeddings();
  return {
    provider: "local",
    model: UniversalSentenceEncoderEmbeddings.modelName,
    embeddings,
    openBulk(count) {
      if (config.embedThreads < 2 || count < MIN_TEXTS_FOR_THREADS) return inProcess(embeddings);
      const threads = new EncoderThreads(config.embedThreads);
      return { embeddings: threads, concurrency: config.embedThreads, close: () => threads.close() };
    },
  };
}

function inProcess(embeddings: Embeddings): BulkEmbeddings {
  return { embeddings, concurrency: 1, close: async () => {} };
}
