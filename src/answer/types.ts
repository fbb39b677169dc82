import type { RankedPassage } from "../retrieve/hybrid.js";
import type { AnswerKind } from "../text/entities.js";
import type { Span } from "../text/span.js";

/** A claim's source: `documents[documentId].text.slice(start, end) === quote`, always. */
export interface Citation {
  id: number;
  documentId: string;
  title: string;
  start: number;
  end: number;
  quote: string;
  // What a reader needs around the quote, added by the pipeline to each checked citation it can place.
  /** For a PDF, the page the quote starts on (from 1). */
  page?: number;
  /** The heading of the section the quote sits under (the document's title before the first heading). */
  heading?: string;
  /** The sentence just before the quote, when the quote points back at it ("It…", "In 2022, its members…") and does not quote it too. */
  precedingSentence?: Span & { text: string };
  /** Where the quote names what the question asks for (a date, a number, a name): document offsets inside `[start, end)`. */
  answerSpan?: Span;
}

/** A citation the model gave that could not be matched to its source, and why. */
export interface UnverifiedCitation {
  passageId: string;
  quote: string;
  reason: string;
}

export type AnswerMode = "extractive" | "llm";

/** What an answerer produces; the ask pipeline adds passages and timings. */
export interface Draft {
  answer: string;
  grounded: boolean;
  mode: AnswerMode;
  citations: Citation[];
  /** The calibrated probability that the answer is right; the pipeline fills it in for answerers that have none. */
  confidence?: number;
  unverified?: UnverifiedCitation[];
  degraded?: { reason: string };
}

export interface HistoryTurn {
  role: "user" | "assistant";
  content: string;
}

export interface AnswerRequest {
  question: string;
  history: HistoryTurn[];
  passages: RankedPassage[];
  questionVector: number[];
  signal?: AbortSignal;
  /** Called with each piece of answer text as it is produced. */
  onDelta?: (text: string) => void;
}

export interface Answerer {
  readonly mode: AnswerMode;
  answer(request: AnswerRequest): Promise<Draft>;
}

/**
 * How a reader should take an answer: `direct`, the quote answers the question; `related`, the closest the
 * documents come, which may not answer it; `none`, declined (the closest passages are listed to look at).
 */
export type Support = "direct" | "related" | "none";

/** The body of `POST /ask` and of the stream's `done` event. */
export interface AskResponse extends Draft {
  confidence: number;
  support: Support;
  /**
   * The question's content words that neither the quoted sentences nor their passages contain (by form,
   * lemma, synonym or derived form), most informative first; for a decline, those the closest passage lacks.
   */
  unmatched: string[];
  /** What the question's wording asks for (a quantity, a time, a name), when it says. */
  answerKind?: AnswerKind;
  standaloneQuestion?: string;
  passages: RankedPassage[];
  timings: { retrieveMs: number; answerMs: number; totalMs: number };
}

export const NOT_FOUND_ANSWER = "The documents do not cover this question, so I cannot answer it from them.";
