import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { clientErrorOf } from "../errors.js";
import { InvalidParameterError, ModelNotFoundError } from "./request.js";

/** OpenAI's error body, which its clients read: `{"error": {"message", "type", "code", "param"}}`. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; code: string | null; param: string | null };
}

/**
 * The status and OpenAI-shaped body of an error on `/v1/*`. `code` is the service's own stable code (as in
 * `/ask`'s errors), except `model_not_found`, which OpenAI's clients know; `type` is OpenAI's class of it.
 */
export function openAIErrorOf(error: unknown, where: string): { status: ContentfulStatusCode; body: OpenAIErrorBody } {
  const known = clientErrorOf(error);
  if (known) {
    const code = known instanceof ModelNotFoundError ? "model_not_found" : known.code;
    const param = known instanceof InvalidParameterError || known instanceof ModelNotFoundError ? known.param : null;
    return { status: known.status, body: bodyOf(known.message, typeOf(known.status), code, param) };
  }
  if (error instanceof HTTPException)
    return { status: error.status, body: bodyOf(error.message, typeOf(error.status), "invalid_request", null) };
  console.error(`${where} failed:`, error);
  return { status: 500, body: bodyOf("something went wrong on our side", "server_error", "internal_error", null) };
}

export function bodyOf(message: string, type: string, code: string | null, param: string | null): OpenAIErrorBody {
  return { error: { message, type, code, param } };
}

function typeOf(status: number): string {
  if (status === 401 || status === 403) return "authentication_error";
  if (status === 429) return "rate_limit_error";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}
