import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import type { CorpusIndex } from "../index/corpus-index.js";
import { MAX_EMBEDDED_CHARS, type HybridRetriever, type RankedPassage, type Retrieval } from "../retrieve/hybrid.js";
import { enforceCitations } from "./citations.js";
import { definitionTarget, expectedAnswerKind } from "./extractive/answer-type.js";
import { addReadingAids } from "./reading-aids.js";
import { supportOf } from "./support.js";
import { Turns, yieldToEventLoop } from "./turns.js";
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

/**
 * Questions longer than what is embedded (MAX_EMBEDDED_CHARS) are answered one at a time. The caps bound
 * what one costs, but on the server's one thread three sent back to back would still take three shares of
 * it for each one a normal question gets; taking turns, they hold at most one share between them, and the
 * wait falls on them. Normal questions never wait here.
 */
const longQuestions = new Turns();

/** question → (condense) → retrieve → answer → verify: the one path every client goes through. */
export async function ask(pipeline: AskPipeline, request: AskRequest): Promise<AskResponse> {
  const started = performance.now();
  const history = request.history ?? [];
  const standaloneQuestion =
    pipeline.condense && history.length > 0 ? await pipeline.condense(request.question, history, request.signal) : undefined;

  const question = standaloneQuestion ?? request.question;
  // A long question's CPU work (retrieval, extractive scoring) waits for its turn; see `longQuestions`.
  const long = question.length > MAX_EMBEDDED_CHARS;
  const turn = <T>(work: () => Promise<T>): Promise<T> => (long ? longQuestions.take(work, request.signal) : work());
  const answer = (retrieval: Retrieval) =>
    pipeline.answerer.answer({
      question: retrieval.question,
      history,
      passages: retrieval.passages,
      questionVector: retrieval.questionVector,
      signal: request.signal,
      onDelta: request.onDelta,
    });

  // Offline, answering is CPU work too and shares retrieval's turn; a model's answer is waited for outside it.
  const first = await turn(async () => {
    const retrieval = await pipeline.retriever.retrieve(question, pipeline.retrieveK);
    const retrieved = performance.now();
    request.signal?.throwIfAborted();
    request.onPassages?.(retrieval.passages);
    if (pipeline.answerer.mode !== "extractive") return { retrieval, retrieved, draft: undefined };
    if (long) await yieldToEventLoop();
    return { retrieval, retrieved, draft: await answer(retrieval) };
  });
  const { retrieval, retrieved } = first;
  const draft = first.draft ?? (await answer(retrieval));
  // A model's answer has no calibrated probability of its own: the scorer's, on the same passages, stands for it.
  const confidence = draft.confidence ?? (await turn(() => pipeline.extractive.assess(retrieval))).confidence;
  const checked = await enforceCitations(draft.answer, draft.citations, pipeline.index, retrieval.passages);
  // "Who is Amira Jadoon?" names its answer's subject: what answers it is a description, not a name.
  const answerKind = definitionTarget(question) ? null : expectedAnswerKind(question);
  const citations = await addReadingAids(pipeline.index, checked.citations, question, answerKind, retrieval.passages);
  const answered = performance.now();

  const grounded = draft.grounded && checked.citations.length > 0;
  const unmatched = await pipeline.extractive.unmatched(retrieval, checked.citations);
  return {
    ...draft,
    ...checked,
    citations,
    ...(answerKind && { answerKind }),
    grounded,
    confidence: round(confidence, 1000),
    support: supportOf(
      grounded,
      { confidence, unmatched, lacksAskedKind: answerKind !== null && citations.every((c) => c.answerSpan === undefined) },
      pipeline.extractive.settings,
    ),
    unmatched: unmatched.map((w) => w.word),
    ...(standaloneQuestion !== undefined && { standaloneQuestion }),
    passages: retrieval.passages,
    timings: {
      retrieveMs: round(retrieved - started, 10),
      answerMs: round(answered - retrieved, 10),
      totalMs: round(answered - started, 10),
    },
  };
}

function round(x: number, per: number): number {
  return Math.round(x * per) / per;
}
