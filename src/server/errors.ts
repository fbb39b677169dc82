import type { ContentfulStatusCode } from "hono/utils/http-status";

export type ErrorCode =
  | "invalid_request"
  | "invalid_json"
  | "unsupported_media_type"
  | "payload_too_large"
  | "unreadable_document"
  | "unauthorized"
  | "uploads_disabled"
  | "not_found"
  | "rate_limited"
  | "not_ready"
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
