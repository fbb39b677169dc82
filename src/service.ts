import type { AskPipeline } from "./answer/ask.js";
import type { ExtractiveAnswerer } from "./answer/extractive/answerer.js";
import { openExtractiveAnswerer } from "./answer/extractive/open.js";
import { appendPreviousQuestion } from "./answer/follow-up.js";
import type { Config } from "./config.js";
import { createEmbeddings, type EmbeddingModel } from "./embeddings/index.js";
import type { Progress } from "./index/progress.js";
import { differsOnlyInDocuments, INDEX_FORMAT_VERSION, manifestKeyFor, stalenessReason } from "./index/manifest.js";
import { FileIndexStore } from "./index/files-store.js";
import type { IndexStore } from "./index/index-store.js";
import { openIndex, type OpenOptions } from "./index/open.js";
import { openDatabaseIndex } from "./index/postgres/open.js";
import { loadIndex, type CorpusIndex } from "./index/store.js";
import { readCorpus } from "./ingest/documents.js";
import type { ChunkingSettings } from "./ingest/passages.js";
import type { SourceDocument } from "./ingest/types.js";
import { openLlmAnswering } from "./llm/answering.js";
import { HybridRetriever } from "./retrieve/hybrid.js";

/** How the corpus is split into passages, as the settings say. */
export function chunkingOf(config: Config): ChunkingSettings {
  return { maxChars: config.chunkMaxChars };
}

/** The corpus's index and a retriever over it: what answering, evaluating and training start from. */
export async function openRetrieval(
  config: Config,
  progress: Progress = () => {},
  options: OpenOptions = {},
): Promise<{ index: CorpusIndex; model: EmbeddingModel; retriever: HybridRetriever; store: IndexStore }> {
  const documents = await readCorpus(config.corpusDir, progress, config.reading);
  const model = createEmbeddings(config);
  const { index, store } =
    config.store.kind === "pgvector"
      ? await openDatabaseIndex(config.store.databaseUrl, documents, model, chunkingOf(config), progress, options)
      : {
          index: await openIndex(documents, model, chunkingOf(config), config.dataDir, progress, options),
          store: new FileIndexStore(config, model, progress),
        };
  return { index, model, retriever: new HybridRetriever(index, model.embeddings), store };
}

/**
 * The index saved by an earlier start, when it can be served: it loads (every file checked), was built with
 * this embedding model and index format, whatever corpus it was built from. `current` says whether it is
 * also the index of today's corpus, so nothing needs building; `updatable`, whether it differs from it only
 * in documents, so adding and removing those makes it current. A corpus that cannot be read or indexed
 * (two files with one id) throws, as a failed start.
 */
export async function openSavedIndex(config: Config): Promise<{
  documents: SourceDocument[];
  previous?: { index: CorpusIndex; model: EmbeddingModel };
  current: boolean;
  updatable: boolean;
}> {
  const documents = await readCorpus(config.corpusDir, () => {}, config.reading);
  const model = createEmbeddings(config);
  let index: CorpusIndex;
  try {
    index = await loadIndex(config.dataDir, model);
  } catch {
    return { documents, current: false, updatable: false }; // None, or damaged: the build (re)makes it.
  }
  const { manifest } = index;
  const usable =
    manifest.formatVersion === INDEX_FORMAT_VERSION &&
    manifest.embeddings.provider === model.provider &&
    manifest.embeddings.model === model.model;
  if (!usable) return { documents, current: false, updatable: false };
  const key = manifestKeyFor(documents, model, chunkingOf(config));
  return { documents, previous: { index, model }, current: stalenessReason(manifest, key) === null, updatable: differsOnlyInDocuments(manifest, key) };
}

/** Wires the configured parts together: corpus → index → retriever → answerer. */
export async function openPipeline(config: Config, progress: Progress = () => {}, options: OpenOptions = {}): Promise<AskPipeline> {
  const { index, model } = await openRetrieval(config, progress, options);
  return pipelineOver(config, index, model, progress);
}

/** The answering pipeline over an index already in memory (a saved one, served while a new one builds). */
export async function pipelineOver(config: Config, index: CorpusIndex, model: EmbeddingModel, progress: Progress = () => {}): Promise<AskPipeline> {
  const retriever = new HybridRetriever(index, model.embeddings);
  const { extractive, warnings } = await openExtractiveAnswerer(
    index,
    model,
    { scorerPath: config.answerScorer, minConfidence: config.answerMinConfidence, directConfidence: config.answerDirectConfidence, cacheDir: config.cacheDir },
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

async function answeringOver(config: Config, index: CorpusIndex, extractive: ExtractiveAnswerer): Promise<Pick<AskPipeline, "answerer" | "condense">> {
  return config.llm.provider === "openai"
    ? openLlmAnswering(config, index.documents, extractive)
    : { answerer: extractive, condense: appendPreviousQuestion };
}
