import type { Context } from "hono";
import { z } from "zod";
import { ApiError } from "./errors.js";

const MAX_HISTORY_TURNS = 50;
const MAX_TURN_CHARS = 20_000;

export function askRequestSchema(maxQuestionChars: number) {
  return z.object({
    question: z
      .string({ error: "question must be a non-empty string" })
      .trim()
      .min(1, { error: "question must be a non-empty string" })
      .max(maxQuestionChars, { error: `question must be at most ${maxQuestionChars} characters` }),
    history: z
      .array(
        z.object({
          role: z.enum(["user", "assistant"], { error: 'history[].role must be "user" or "assistant"' }),
          content: z.string({ error: "history[].content must be a string" }).max(MAX_TURN_CHARS),
        }),
        { error: "history must be an array of {role, content}" },
      )
      .max(MAX_HISTORY_TURNS, { error: `history must have at most ${MAX_HISTORY_TURNS} turns` })
      .default([]),
  });
}

export type AskRequestBody = z.infer<ReturnType<typeof askRequestSchema>>;

/** The validated body of an ask request, or an ApiError saying what is wrong with it. */
export async function readAskRequest(c: Context, maxQuestionChars: number): Promise<AskRequestBody> {
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
    throw new ApiError(400, "invalid_request", 'the body must be a JSON object like {"question": "..."}');
  }
  const parsed = askRequestSchema(maxQuestionChars).safeParse(body);
  if (!parsed.success) throw new ApiError(400, "invalid_request", parsed.error.issues[0]!.message);
  return parsed.data;
}
