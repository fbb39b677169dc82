import type { ContentfulStatusCode } from "hono/utils/http-status";
import { StoreUnavailableError } from "../database/unavailable.js";

export type ErrorCode =
  | "invalid_request"
  | "invalid_json"
  | "unsupported_media_type"
  | "payload_too_large"
  | "unreadable_document"
  | "unauthorized"
  | "forbidden"
  | "uploads_disabled"
  | "not_found"
  | "rate_limited"
  | "not_ready"
  | "store_unavailable"
  | "internal_error";

/** An error the client should see: a status, a stable code and a readable message. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The one shape every error response has: `{"error": {"code", "message"}}`. */
export function errorBody(code: ErrorCode, message: string) {
  return { error: { code, message } };
}

/** The error a client is told of, when `error` is one: an ApiError, or the store being unreachable (503). */
export function clientErrorOf(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (error instanceof StoreUnavailableError) return new ApiError(503, "store_unavailable", `${error.message}; try again in a moment`);
  return undefined;
}
