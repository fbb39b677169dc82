import type { AskResponse } from "../answer/types.js";
import type { FeedbackBody } from "./api.js";

/** A finished exchange, as kept between visits. Stopped and failed answers are not kept. */
export interface SavedTurn {
  question: string;
  response: AskResponse;
  /** The thumbs up or down sent on it, if any. */
  verdict?: FeedbackBody["verdict"];
}

/** A conversation kept in this browser: its turns, oldest first, and when a turn was last saved in it. */
export interface SavedConversation {
  id: string;
  /** Milliseconds since the epoch. */
  usedAt: number;
  turns: SavedTurn[];
}

/** Every kept conversation, the most recently used first, and which one the page shows, if any. */
export interface SavedConversations {
  conversations: SavedConversation[];
  open?: string;
}

const KEY = "grounded-qa.conversations";
// Apart from the list, so that opening a conversation does not write every conversation again.
const OPEN_KEY = "grounded-qa.open-conversation";
// Where a version of the page that kept one conversation kept it: moved into the list once, then removed.
const EARLIER_KEY = "grounded-qa.conversation";
// A decline shows its closest few passages; an answer shows none. Passages are most of a response's size.
const PASSAGES_KEPT = 3;
// A few KiB each: the last hundred stay well inside what browsers allow a page to store.
const TURNS_KEPT = 100;
// Enough to find last month's questions again; a list longer than this is searched, not scrolled.
export const CONVERSATIONS_KEPT = 50;

/**
 * The conversations saved by earlier visits; none when there are none or they cannot be read. A
 * conversation kept by an earlier version of the page comes first, and open, as that version would have shown it.
 */
export function loadConversations(): SavedConversations {
  const conversations = read(KEY)
    .filter(isSavedConversation)
    .map((c) => ({ ...c, turns: savedTurns(c.turns) }))
    .filter((c) => c.turns.length > 0);
  let open = readOpen();
  const earlier = savedTurns(read(EARLIER_KEY));
  if (earlier.length > 0) {
    const moved = newConversation(earlier);
    conversations.unshift(moved);
    open = moved.id;
    // Removed only once the list holds it: storage too full to take it still has it where it was.
    if (saveConversations({ conversations, open })) remove(EARLIER_KEY);
  }
  return { conversations, open: conversations.some((c) => c.id === open) ? open : undefined };
}

/** A conversation not kept yet: the page keeps it once it has a finished turn. */
export function newConversation(turns: SavedTurn[] = []): SavedConversation {
  // Not crypto.randomUUID: it is missing where the page is served over plain http to another machine.
  return { id: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`, usedAt: Date.now(), turns };
}

/**
 * Saves the conversations so a reload keeps them, and says whether it could. When storage is full the
 * least recently used are left out until the rest fit; storage turned off loses them quietly: the page works on.
 */
export function saveConversations({ conversations, open }: SavedConversations): boolean {
  const slim = conversations
    .slice(0, CONVERSATIONS_KEPT)
    .map(({ id, usedAt, turns }) => ({ id, usedAt, turns: turns.slice(-TURNS_KEPT).map(slimTurn) }));
  // Never fewer than one: a conversation too big to fit alone is no reason to write over the others.
  for (let kept = slim.length; kept >= Math.min(1, slim.length); kept--) {
    try {
      localStorage.setItem(KEY, JSON.stringify(slim.slice(0, kept)));
      keepOpen(open);
      return true;
    } catch (error) {
      if (!(error instanceof DOMException && error.name === "QuotaExceededError")) return false;
    }
  }
  return false;
}

/** Which conversation a reload shows: `undefined` for a new, empty one. */
export function keepOpen(id: string | undefined): void {
  try {
    if (id) localStorage.setItem(OPEN_KEY, id);
    else localStorage.removeItem(OPEN_KEY);
  } catch {
    // Storage turned off: a reload starts a new conversation, as it would anyway.
  }
}

function slimTurn({ question, response, verdict }: SavedTurn): SavedTurn {
  return {
    question,
    ...(verdict && { verdict }),
    response: { ...response, passages: response.grounded ? [] : response.passages.slice(0, PASSAGES_KEPT) },
  };
}

function read(key: string): unknown[] {
  try {
    const saved: unknown = JSON.parse(localStorage.getItem(key) ?? "[]");
    return Array.isArray(saved) ? saved : [];
  } catch {
    return [];
  }
}

function readOpen(): string | undefined {
  try {
    return localStorage.getItem(OPEN_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

function remove(key: string): void {
  try {
    localStorage.removeItem(key);
  } catch {
    // Storage turned off: there is nothing saved to remove.
  }
}

function savedTurns(turns: unknown[]): SavedTurn[] {
  return turns.filter(isSavedTurn).map(withSupport);
}

/** A turn kept before answers said how well the documents support them: as sure as the page showed it then. */
function withSupport({ question, response, verdict }: SavedTurn): SavedTurn {
  return {
    question,
    ...(verdict && { verdict }),
    response: { ...response, support: response.support ?? (response.grounded ? "direct" : "none"), unmatched: response.unmatched ?? [] },
  };
}

function isSavedConversation(value: unknown): value is SavedConversation {
  const conversation = value as SavedConversation | null;
  return typeof conversation?.id === "string" && typeof conversation.usedAt === "number" && Array.isArray(conversation.turns);
}

function isSavedTurn(value: unknown): value is SavedTurn {
  const turn = value as SavedTurn | null;
  return typeof turn?.question === "string" && typeof turn.response?.answer === "string" && Array.isArray(turn.response.citations);
}
