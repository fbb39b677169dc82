import type { AskResponse, Citation, HistoryTurn } from "../answer/types.js";
import type { PageRect } from "../ingest/page-layout.js";
import type { SourceDocument } from "../ingest/types.js";
import type { Span } from "../text/span.js";
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

/** A document as `GET /documents` lists it: its size in bytes and the number of passages indexed from it. */
export interface DocumentSummary extends Pick<SourceDocument, "id" | "title" | "path" | "format"> {
  bytes: number;
  passages: number;
}

/** `GET /documents`: every document, and whether this server takes uploads and deletes (it has an admin token). */
export interface DocumentList {
  documents: DocumentSummary[];
  uploads: boolean;
  /** With uploads: the largest request the server takes, and the extensions it reads (".pdf"). */
  maxUploadBytes?: number;
  formats?: string[];
}

/** What `POST /documents` did with a file: a new document, a new version of one, or content already there. */
export interface UploadedDocument extends DocumentSummary {
  status: "added" | "replaced" | "duplicate";
}

const UNREACHABLE = "Cannot reach the server. Check that it is running, then try again.";

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

/** `GET /documents/:id`: the document, and whether its pages can be shown as they look (a PDF, a photo). */
export interface ShownDocument extends SourceDocument {
  pageView?: boolean;
}

export async function fetchDocument(id: string): Promise<ShownDocument> {
  return (await request(`/documents/${encodeURIComponent(id)}`)).json();
}

/** `GET /documents/:id/pages/:page`: a page's shape, where its picture is, and the boxes of a span on it. */
export interface PageOfDocument {
  page: number;
  pages: number;
  width?: number;
  height?: number;
  image: string;
  highlights: PageRect[];
}

export async function fetchPage(id: string, page: number, span: Span): Promise<PageOfDocument> {
  return (await request(`/documents/${encodeURIComponent(id)}/pages/${page}?start=${span.start}&end=${span.end}`)).json();
}

/** A page's picture, fetched with the page's API key (an <img> could not send one). */
export async function fetchPageImage(path: string): Promise<Blob> {
  return (await request(path)).blob();
}

export async function fetchDocuments(): Promise<DocumentList> {
  return (await request("/documents")).json();
}

export async function deleteDocument(id: string, token: string): Promise<void> {
  await request(`/documents/${encodeURIComponent(id)}`, { method: "DELETE", headers: { authorization: `Bearer ${token}` } });
}

/**
 * `POST /documents` with one file. XMLHttpRequest rather than fetch, as only it reports how much of
 * the body has gone up: `onSent` gets the fraction sent, 1 once the server has it all and is indexing.
 */
export function uploadDocument(file: File, token: string, onSent: (fraction: number) => void): Promise<UploadedDocument> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/documents");
    xhr.setRequestHeader("authorization", `Bearer ${token}`);
    xhr.responseType = "json";
    xhr.upload.onloadstart = () => onSent(0);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onSent(event.loaded / event.total);
    };
    xhr.upload.onload = () => onSent(1);
    xhr.onload = () => {
      const uploaded: UploadedDocument | undefined = xhr.status === 201 ? xhr.response?.documents?.[0] : undefined;
      if (uploaded) resolve(uploaded);
      else reject(new ApiFailure(failureMessage(xhr.status, xhr.response), xhr.status));
    };
    xhr.onerror = () => reject(new ApiFailure(UNREACHABLE));
    const body = new FormData();
    body.append("files", file);
    xhr.send(body);
  });
}

/**
 * fetch, with network failures and error statuses turned into ApiFailure; an abort stays an abort. A read
 * refused with 401 (the server has API keys) asks the reader for a key and tries again with it; a request
 * that carries its own credential (the admin token of a write) is left to its caller.
 */
async function request(path: string, init: RequestInit = {}): Promise<Response> {
  const ownCredential = new Headers(init.headers).has("authorization");
  for (;;) {
    const key = ownCredential ? undefined : apiKey;
    let response: Response;
    try {
      response = await fetch(
        path,
        key ? { ...init, headers: { ...Object.fromEntries(new Headers(init.headers)), authorization: `Bearer ${key}` } } : init,
      );
    } catch (error) {
      if (init.signal?.aborted) throw error;
      throw new ApiFailure(UNREACHABLE);
    }
    if (response.ok) return response;
    const message = failureMessage(response.status, await response.json().catch(() => undefined));
    if (response.status !== 401 || ownCredential) throw new ApiFailure(message, response.status);
    if (apiKey === key) await askForApiKey(message);
    if (!apiKey) throw new ApiFailure(`${message} This page needs an API key from whoever runs the server.`, 401);
  }
}

// sessionStorage, as the admin token: the key goes when the tab closes.
const API_KEY = "grounded-qa.api-key";
let apiKey = storedApiKey();
/** Requests refused at the same time share one question to the reader. */
let asking: Promise<void> | undefined;

function askForApiKey(reason: string): Promise<void> {
  return (asking ??= Promise.resolve().then(() => {
    const given = window.prompt(`${reason}\n\nThis server needs an API key. Paste yours (it is kept until this tab closes):`)?.trim();
    apiKey = given || undefined;
    try {
      if (apiKey) sessionStorage.setItem(API_KEY, apiKey);
      else sessionStorage.removeItem(API_KEY);
    } catch {
      // Storage turned off: the page still holds the key while it is open.
    }
    asking = undefined;
  }));
}

function storedApiKey(): string | undefined {
  try {
    return sessionStorage.getItem(API_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

/** The server's own `{"error": {"message"}}` when it sent one, otherwise what the status means. */
function failureMessage(status: number, body: { error?: { message?: unknown } } | null | undefined): string {
  const message = body?.error?.message;
  if (typeof message === "string" && message !== "") return asSentence(message);
  return status >= 500 ? "The server failed to answer. Try again in a moment." : "The server refused the request.";
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
