import type { AskPipeline } from "./answer/ask.js";
import { DEFAULT_EXTRACTIVE_SETTINGS, ExtractiveAnswerer } from "./answer/extractive.js";
import { appendPreviousQuestion } from "./answer/follow-up.js";
import type { Config } from "./config.js";
import { createEmbeddings } from "./embeddings/index.js";
import { WordVectors } from "./embeddings/word-vectors.js";
import { openIndex, type Progress } from "./index/store.js";
import { readCorpus } from "./ingest/documents.js";
import { openLlmAnswering } from "./llm/answering.js";
import { HybridRetriever } from "./retrieve/hybrid.js";

/** Wires the configured parts together: corpus → index → retriever → answerer. */
export async function openPipeline(config: Config, progress: Progress = () => {}, options: { rebuild?: boolean } = {}): Promise<AskPipeline> {
  const documents = await readCorpus(config.corpusDir);
  const model = createEmbeddings(config);
  const chunking = { maxChars: config.chunkMaxChars };
  const index = await openIndex(documents, model, chunking, config.dataDir, progress, options);
  const wordVectors = await WordVectors.load(config.cacheDir, progress);
  const settings = { ...DEFAULT_EXTRACTIVE_SETTINGS, ...(config.answerMinScore !== undefined && { minScore: config.answerMinScore }) };
  const extractive = new ExtractiveAnswerer(index, model.embeddings, wordVectors, settings);
  return {
    index,
    embeddings: model.embeddings,
    extractive,
    retriever: new HybridRetriever(index, model.embeddings),
    ...(config.llm.provider === "openai"
      ? await openLlmAnswering(config, index.documents, extractive)
      : { answerer: extractive, condense: appendPreviousQuestion }),
    retrieveK: config.retrieveK,
  };
}
