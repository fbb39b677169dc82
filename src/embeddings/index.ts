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

/** Below this many texts, starting more encoder threads (a second or so each) costs more than it saves. */
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
    return {
      provider: "openai",
      model: config.embeddings.model,
      embeddings,
      openBulk: () => ({ embeddings, concurrency: config.embedRequests, close: async () => {} }),
    };
  }
  queryEncoder ??= new EncoderThreads(1);
  const embeddings = queryEncoder;
  return {
    provider: "local",
    model: UniversalSentenceEncoderEmbeddings.modelName,
    embeddings,
    openBulk(count) {
      if (config.embedThreads < 2 || count < MIN_TEXTS_FOR_THREADS) return oneAtATime(embeddings);
      const threads = new EncoderThreads(config.embedThreads);
      return { embeddings: threads, concurrency: config.embedThreads, close: () => threads.close() };
    },
  };
}

/** One per process: each copy of the model costs about 160 MB, and every index and pipeline can share it. */
let queryEncoder: EncoderThreads | undefined;

function oneAtATime(embeddings: Embeddings): BulkEmbeddings {
  return { embeddings, concurrency: 1, close: async () => {} };
}
