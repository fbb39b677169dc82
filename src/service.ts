import type { AskPipeline } from "./answer/ask.js";
import type { ExtractiveAnswerer } from "./answer/extractive/answerer.js";
import { openExtractiveAnswerer } from "./answer/extractive/open.js";
import { appendPreviousQuestion } from "./answer/follow-up.js";
import type { Config } from "./config.js";
import { createEmbeddings, type EmbeddingModel } from "./embeddings/index.js";
import type { CorpusIndex } from "./index/corpus-index.js";
import { openStore } from "./index/open-store.js";
import type { Progress } from "./progress.js";
import type { IndexStore, OpenOptions } from "./index/store.js";
import { readCorpusFolder } from "./ingest/documents.js";
import { openLlmAnswering } from "./llm/answering.js";
import { HybridRetriever } from "./retrieve/hybrid.js";

/** The corpus's index and a retriever over it: what answering, evaluating and training start from. */
export async function openRetrieval(
  config: Config,
  progress: Progress = () => {},
  options: OpenOptions = {},
): Promise<{ index: CorpusIndex; model: EmbeddingModel; retriever: HybridRetriever; store: IndexStore }> {
  const model = createEmbeddings(config);
  const store = await openStore(config, model, progress);
  try {
    // A rebuild reads every file again, as it embeds every document again.
    const held = options.rebuild ? new Map<string, string>() : await store.readings();
    const index = await store.open(await readCorpusFolder(config.corpusDir, progress, config.reading, held), options);
    return { index, model, retriever: new HybridRetriever(index, model.embeddings), store };
  } catch (error) {
    await store.close().catch(() => {});
    throw error;
  }
}

/** Wires the configured parts together: corpus → index → retriever → answerer. */
export async function openPipeline(config: Config, progress: Progress = () => {}, options: OpenOptions = {}): Promise<AskPipeline> {
  const { index, model } = await openRetrieval(config, progress, options);
  return pipelineOver(config, index, model, progress);
}

/** The answering pipeline over an index already in memory (a saved one, served while a new one builds). */
export async function pipelineOver(
  config: Config,
  index: CorpusIndex,
  model: EmbeddingModel,
  progress: Progress = () => {},
): Promise<AskPipeline> {
  const retriever = new HybridRetriever(index, model.embeddings);
  const { extractive, warnings } = await openExtractiveAnswerer(
    index,
    model,
    {
      scorerPath: config.answerScorer,
      minConfidence: config.answerMinConfidence,
      directConfidence: config.answerDirectConfidence,
      cacheDir: config.cacheDir,
    },
    progress,
  );
  return {
    index,
    embeddings: model.embeddings,
    extractive,
    retriever,
    ...(await answeringOver(config, index, extractive)),
    retrieveK: config.retrieveK,
    warnings,
  };
}

/**
 * The pipeline over `index`, a later version of `pipeline`'s index (documents added or removed): what
 * depends on the documents is derived again for those that changed only.
 */
export async function pipelineAfter(config: Config, pipeline: AskPipeline, index: CorpusIndex): Promise<AskPipeline> {
  const extractive = await pipeline.extractive.after(index);
  return {
    ...pipeline,
    index,
    extractive,
    retriever: new HybridRetriever(index, pipeline.embeddings),
    ...(await answeringOver(config, index, extractive)),
  };
}

async function answeringOver(
  config: Config,
  index: CorpusIndex,
  extractive: ExtractiveAnswerer,
): Promise<Pick<AskPipeline, "answerer" | "condense">> {
  return config.llm.provider === "openai"
    ? openLlmAnswering(config, index, extractive)
    : { answerer: extractive, condense: appendPreviousQuestion };
}
