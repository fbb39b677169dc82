import type { AskPipeline } from "./answer/ask.js";
import { openExtractiveAnswerer } from "./answer/extractive/open.js";
import { SENTENCE_VECTORS } from "./answer/extractive/sentence-data.js";
import { appendPreviousQuestion } from "./answer/follow-up.js";
import type { Config } from "./config.js";
import { createEmbeddings, type EmbeddingModel } from "./embeddings/index.js";
import type { Progress } from "./index/progress.js";
import { openIndex, type CorpusIndex } from "./index/store.js";
import { readCorpus } from "./ingest/documents.js";
import { openLlmAnswering } from "./llm/answering.js";
import { HybridRetriever } from "./retrieve/hybrid.js";

/** The corpus's index and a retriever over it: what answering, evaluating and training start from. */
export async function openRetrieval(
  config: Config,
  progress: Progress = () => {},
  options: { rebuild?: boolean } = {},
): Promise<{ index: CorpusIndex; model: EmbeddingModel; retriever: HybridRetriever }> {
  const documents = await readCorpus(config.corpusDir);
  const model = createEmbeddings(config);
  const chunking = { maxChars: config.chunkMaxChars };
  const index = await openIndex(documents, model, chunking, config.dataDir, progress, { ...options, extras: [SENTENCE_VECTORS] });
  return { index, model, retriever: new HybridRetriever(index, model.embeddings) };
}

/** Wires the configured parts together: corpus → index → retriever → answerer. */
export async function openPipeline(config: Config, progress: Progress = () => {}, options: { rebuild?: boolean } = {}): Promise<AskPipeline> {
  const { index, model } = await openRetrieval(config, progress, options);
  return pipelineOver(config, index, model, progress);
}

/** The answering pipeline over an index already in memory (a saved one, served while a new one builds). */
export async function pipelineOver(config: Config, index: CorpusIndex, model: EmbeddingModel, progress: Progress = () => {}): Promise<AskPipeline> {
  const retriever = new HybridRetriever(index, model.embeddings);
  const { extractive, warnings } = await openExtractiveAnswerer(
    index,
    model,
    { scorerPath: config.answerScorer, minConfidence: config.answerMinConfidence, cacheDir: config.cacheDir },
    progress,
  );
  return {
    index,
    embeddings: model.embeddings,
    extractive,
    retriever,
    ...(config.llm.provider === "openai"
      ? await openLlmAnswering(config, index.documents, extractive)
      : { answerer: extractive, condense: appendPreviousQuestion }),
    retrieveK: config.retrieveK,
    warnings,
  };
}
