import type { AskResponse, Citation, HistoryTurn } from "../answer/types.js";
import type { SourceDocument } from "../ingest/types.js";
import type { RankedPassage } from "../retrieve/hybrid.js";
import { readServerSentEvents } from "./sse.js";

/** A request that did not give an answer, with a message a reader of the page can act on. */
export class ApiFailure extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export type DocumentSummary = Pick<SourceDocument, "id" | "title" | "path">;

export interface AnswerProgress {
  onPassages: (passages: RankedPassage[]) => void;
  onDelta: (text: string) => void;
}

/** `POST /ask/stream`: reports progress as events arrive and resolves with the `done` body. */
export async function streamAnswer(
  question: string,
  history: HistoryTurn[],
  progress: AnswerProgress,
  signal: AbortSignal,
): Promise<AskResponse> {
  const response = await request("/ask/stream", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream" },
    body: JSON.stringify({ question, history }),
    signal,
  });
  if (!response.body) throw new ApiFailure("The server sent an empty answer. Try again.");
  try {
    for await (const { event, data } of readServerSentEvents(response.body)) {
      const body = JSON.parse(data);
      if (event === "passages") progress.onPassages(body.passages);
      else if (event === "delta") progress.onDelta(body.text);
      else if (event === "done") return body as AskResponse;
      else if (event === "error") throw new ApiFailure(asSentence(body.error.message));
    }
  } catch (error) {
    if (signal.aborted || error instanceof ApiFailure) throw error;
    throw new ApiFailure("The connection to the server broke off in the middle of the answer. Try again.");
  }
  throw new ApiFailure("The answer ended before it was complete. Try again.");
}

export async function fetchDocument(id: string): Promise<SourceDocument> {
  return (await request(`/documents/${encodeURIComponent(id)}`)).json();
}

export async function fetchDocumentList(): Promise<DocumentSummary[]> {
  return (await (await request("/documents")).json()).documents;
}

/** fetch, with network failures and error statuses turned into ApiFailure; an abort stays an abort. */
async function request(path: string, init: RequestInit = {}): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    if (init.signal?.aborted) throw error;
    throw new ApiFailure("Cannot reach the server. Check that it is running, then try again.");
  }
  if (!response.ok) throw new ApiFailure(await errorMessage(response), response.status);
  return response;
}

/** The server's own `{"error": {"message"}}` when it sent one, otherwise what the status means. */
async function errorMessage(response: Response): Promise<string> {
  const body = await response.json().catch(() => undefined);
  const message: unknown = body?.error?.message;
  if (typeof message === "string" && message !== "") return asSentence(message);
  return response.status >= 500 ? "The server failed to answer. Try again in a moment." : "The server refused the request.";
}

/** The API words its messages for a log line ("question must be…"); on the page they start a sentence. */
function asSentence(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}

/** What `POST /feedback` takes: a verdict on one answer, with what was asked and shown. */
export interface FeedbackBody {
  question: string;
  answer: string;
  grounded: boolean;
  citations: Pick<Citation, "id" | "documentId" | "start" | "end" | "quote">[];
  verdict: "up" | "down";
  comment?: string;
}

export async function sendFeedback(body: FeedbackBody): Promise<void> {
  await request("/feedback", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

/** Questions the documents answer under a heading of the same words, to start from. */
export async function fetchExampleQuestions(): Promise<string[]> {
  return (await (await request("/examples")).json()).questions;
}
