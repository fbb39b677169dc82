import type { Context } from "hono";
import type { z } from "zod";
import { ApiError } from "./errors.js";

/**
 * A JSON request body checked against `schema`, or an ApiError saying what is wrong with it: 415 when it
 * is not sent as JSON, 400 when it does not parse or does not fit. `example` shows the shape expected.
 */
export async function readJsonBody<T extends z.ZodType>(c: Context, schema: T, example: string): Promise<z.infer<T>> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    throw new ApiError(415, "unsupported_media_type", "send the request as JSON with content-type: application/json");
  }
  let body: unknown;
  try {
    body = JSON.parse(await c.req.text());
  } catch {
    throw new ApiError(400, "invalid_json", "the request body is not valid JSON");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new ApiError(400, "invalid_request", `the body must be a JSON object like ${example}`);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ApiError(400, "invalid_request", parsed.error.issues[0]!.message);
  return parsed.data;
}
