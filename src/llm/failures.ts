import { APIConnectionError, APIConnectionTimeoutError } from "openai";
import { ProtocolError } from "./protocol.js";
import { ModelStalledError } from "./reply-stream.js";

/** Why the model could not answer, in one line a person can act on: the `degraded.reason` and the log line. */
export function describeFailure(error: unknown): string {
  if (error instanceof ProtocolError || error instanceof ModelStalledError) return error.message;
  const status = numberField(error, "status");
  const detail = firstLine(error);
  // The client's message repeats the status first ("401 Incorrect API key…").
  if (status !== undefined) return `${meaningOf(status)}: ${detail.replace(/^\d{3}\s+/, "")}`;
  // LangChain rethrows the client's timeout as a plain Error named TimeoutError.
  if (error instanceof APIConnectionTimeoutError || (error instanceof Error && error.name === "TimeoutError")) {
    return "the model server did not answer within the timeout (LLM_TIMEOUT_MS)";
  }
  if (error instanceof APIConnectionError) {
    const code = causeCode(error);
    return `could not connect to the model server${code ? ` (${code})` : ""}`;
  }
  if (error instanceof SyntaxError) return `the model server's reply is not valid JSON: ${detail}`;
  return detail;
}

function meaningOf(status: number): string {
  if (status === 401 || status === 403) return `the model server refused the API key (HTTP ${status})`;
  if (status === 404) return "the model server does not know this model or endpoint (HTTP 404)";
  if (status === 429) return "the model server is rate limiting requests or the quota is used up (HTTP 429)";
  if (status >= 500) return `the model server failed (HTTP ${status})`;
  return `the model server rejected the request (HTTP ${status})`;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n", 1)[0]!.trim();
}

/** The system error code (ECONNREFUSED, ENOTFOUND…) somewhere down the chain of causes. */
function causeCode(error: unknown): string | undefined {
  for (let cause = error, depth = 0; cause && depth < 4; cause = (cause as { cause?: unknown }).cause, depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return undefined;
}

function numberField(value: unknown, key: string): number | undefined {
  const field = typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  return typeof field === "number" ? field : undefined;
}
