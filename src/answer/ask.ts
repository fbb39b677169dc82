import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import type { CorpusIndex } from "../index/store.js";
import type { HybridRetriever, RankedPassage } from "../retrieve/hybrid.js";
import { enforceCitations } from "./citations.js";
import type { ExtractiveAnswerer } from "./extractive/answerer.js";
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
  /** The offline answerer: the answerer itself, or the LLM's fallback; it also rates other answerers' evidence. */
  extractive: ExtractiveAnswerer;
  retriever: HybridRetriever;
  answerer: Answerer;
  retrieveK: number;
  condense?: QuestionCondenser;
  /** What an operator should know about this pipeline (a scorer trained with another encoder), logged at start and shown by /healthz. */
  warnings: string[];
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
  // A model's answer has no calibrated probability of its own: the scorer's, on the same passages, stands for it.
  const confidence = draft.confidence ?? (await pipeline.extractive.assess(retrieval)).confidence;
  const checked = enforceCitations(draft.answer, draft.citations, pipeline.index.documents);
  const answered = performance.now();

  return {
    ...draft,
    ...checked,
    grounded: draft.grounded && checked.citations.length > 0,
    confidence: round(confidence, 1000),
    ...(standaloneQuestion !== undefined && { standaloneQuestion }),
    passages: retrieval.passages,
    timings: { retrieveMs: round(retrieved - started, 10), answerMs: round(answered - retrieved, 10), totalMs: round(answered - started, 10) },
  };
}

function round(x: number, per: number): number {
  return Math.round(x * per) / per;
}
