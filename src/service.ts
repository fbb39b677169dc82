import type { AskPipeline } from "./answer/ask.js";
import { openExtractiveAnswerer } from "./answer/extractive/open.js";
import { appendPreviousQuestion } from "./answer/follow-up.js";
import type { Config } from "./config.js";
import { createEmbeddings, type EmbeddingModel } from "./embeddings/index.js";
import type { Progress } from "./index/progress.js";
import { INDEX_FORMAT_VERSION, manifestKeyFor, stalenessReason } from "./index/manifest.js";
import { loadIndex, openIndex, type CorpusIndex } from "./index/store.js";
import { readCorpus } from "./ingest/documents.js";
import { openLlmAnswering } from "./llm/answering.js";
import { HybridRetriever } from "./retrieve/hybrid.js";

function chunkingOf(config: Config) {
  return { maxChars: config.chunkMaxChars };
}

/** The corpus's index and a retriever over it: what answering, evaluating and training start from. */
export async function openRetrieval(
  config: Config,
  progress: Progress = () => {},
  options: { rebuild?: boolean } = {},
): Promise<{ index: CorpusIndex; model: EmbeddingModel; retriever: HybridRetriever }> {
  const documents = await readCorpus(config.corpusDir, progress);
  const model = createEmbeddings(config);
  const index = await openIndex(documents, model, chunkingOf(config), config.dataDir, progress, options);
  return { index, model, retriever: new HybridRetriever(index, model.embeddings) };
}

/**
 * The index saved by an earlier start, when it can be served: it loads (every file checked), was built with
 * this embedding model and index format, whatever corpus it was built from. `current`
 * says whether it is also the index of today's corpus, so nothing needs building. A corpus that cannot be
 * read or indexed (two files with one id) throws, as a failed start.
 */
export async function openSavedIndex(config: Config): Promise<{ previous?: { index: CorpusIndex; model: EmbeddingModel }; current: boolean }> {
  const documents = await readCorpus(config.corpusDir);
  const model = createEmbeddings(config);
  let index: CorpusIndex;
  try {
    index = await loadIndex(config.dataDir, model);
  } catch {
    return { current: false }; // None, or damaged: the build (re)makes it.
  }
  const { manifest } = index;
  const usable =
    manifest.formatVersion === INDEX_FORMAT_VERSION &&
    manifest.embeddings.provider === model.provider &&
    manifest.embeddings.model === model.model;
  if (!usable) return { current: false };
  const key = manifestKeyFor(documents, model, chunkingOf(config));
  return { previous: { index, model }, current: stalenessReason(manifest, key) === null };
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
