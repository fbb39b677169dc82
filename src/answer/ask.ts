import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import type { CorpusIndex } from "../index/store.js";
import type { HybridRetriever, RankedPassage } from "../retrieve/hybrid.js";
import { enforceCitations } from "./citations.js";
import type { ExtractiveAnswerer } from "./extractive.js";
import type { Answerer, AskResponse, HistoryTurn } from "./types.js";

export interface AskRequest {
  question: string;
  history?: HistoryTurn[];
  signal?: AbortSignal;
  onPassages?: (passages: RankedPassage[]) => void;
  onDelta?: (text: string) => void;
}

/** Rewrites a follow-up into a question that stands alone, for retrieval. */
export type QuestionCondenser = (question: string, history: HistoryTurn[], signal?: AbortSignal) => Promise<string>;

export interface AskPipeline {
  index: CorpusIndex;
  embeddings: EmbeddingsInterface;
  /** The offline answerer: the answerer itself, or the LLM's fallback; calibration reads its scores. */
  extractive: ExtractiveAnswerer;
  retriever: HybridRetriever;
  answerer: Answerer;
  retrieveK: number;
  condense?: QuestionCondenser;
}

/** question → (condense) → retrieve → answer → verify: the one path every client goes through. */
export async function ask(pipeline: AskPipeline, request: AskRequest): Promise<AskResponse> {
  const started = performance.now();
  const history = request.history ?? [];
  const standaloneQuestion =
    pipeline.condense && history.length > 0 ? await pipeline.condense(request.question, history, request.signal) : undefined;

  const retrieval = await pipeline.retriever.retrieve(standaloneQuestion ?? request.question, pipeline.retrieveK);
  const retrieved = performance.now();
  request.signal?.throwIfAborted();
  request.onPassages?.(retrieval.passages);

  const draft = await pipeline.answerer.answer({
    question: retrieval.question,
    history,
    passages: retrieval.passages,
    questionVector: retrieval.questionVector,
    signal: request.signal,
    onDelta: request.onDelta,
  });
  const checked = enforceCitations(draft.answer, draft.citations, pipeline.index.documents);
  const answered = performance.now();

  return {
    ...draft,
    ...checked,
    grounded: draft.grounded && checked.citations.length > 0,
    ...(standaloneQuestion !== undefined && { standaloneQuestion }),
    passages: retrieval.passages,
    timings: { retrieveMs: ms(retrieved - started), answerMs: ms(answered - retrieved), totalMs: ms(answered - started) },
  };
}

function ms(x: number): number {
  return Math.round(x * 10) / 10;
}
