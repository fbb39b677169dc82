import type { AskResponse } from "../answer/types.js";
import type { FeedbackBody } from "./api.js";

/** A finished exchange, as kept between visits. Stopped and failed answers are not kept. */
export interface SavedTurn {
  question: string;
  response: AskResponse;
  /** The thumbs up or down sent on it, if any. */
  verdict?: FeedbackBody["verdict"];
}

const KEY = "grounded-qa.conversation";
// A decline shows its closest few passages; an answer shows none. Passages are most of a response's size.
const PASSAGES_KEPT = 3;
// A few KiB each: the last hundred stay well inside what browsers allow a page to store.
const TURNS_KEPT = 100;

/** The conversation saved by the last visit, oldest first; empty when there is none or it cannot be read. */
export function loadConversation(): SavedTurn[] {
  try {
    const saved: unknown = JSON.parse(localStorage.getItem(KEY) ?? "[]");
    return Array.isArray(saved) ? saved.filter(isSavedTurn).map(withSupport) : [];
  } catch {
    return [];
  }
}

/** Saves the conversation so a reload keeps it. Storage that is full or turned off loses it quietly: the page works on. */
export function saveConversation(turns: SavedTurn[]): void {
  const slim = turns.slice(-TURNS_KEPT).map(({ question, response, verdict }) => ({
    question,
    ...(verdict && { verdict }),
    response: { ...response, passages: response.grounded ? [] : response.passages.slice(0, PASSAGES_KEPT) },
  }));
  try {
    localStorage.setItem(KEY, JSON.stringify(slim));
  } catch {
    // Nothing to do: the conversation is still on screen.
  }
}

export function forgetConversation(): void {
  try {
    localStorage.removeItem(KEY);
  } catch {
    // Storage turned off: there is nothing saved to forget.
  }
}

/** A turn kept before answers said how well the documents support them: as sure as the page showed it then. */
function withSupport({ question, response, verdict }: SavedTurn): SavedTurn {
  return {
    question,
    ...(verdict && { verdict }),
    response: { ...response, support: response.support ?? (response.grounded ? "direct" : "none"), unmatched: response.unmatched ?? [] },
  };
}

function isSavedTurn(value: unknown): value is SavedTurn {
  const turn = value as SavedTurn | null;
  return typeof turn?.question === "string" && typeof turn.response?.answer === "string" && Array.isArray(turn.response.citations);
}
