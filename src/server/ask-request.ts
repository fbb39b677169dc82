import type { Context } from "hono";
import { z } from "zod";
import { readJsonBody } from "./json-body.js";

const MAX_HISTORY_TURNS = 50;
const MAX_TURN_CHARS = 20_000;

/** A question as `/ask` and `/feedback` take it: trimmed, not empty, at most `maxQuestionChars`. */
export function questionSchema(maxQuestionChars: number) {
  return z
    .string({ error: "question must be a non-empty string" })
    .trim()
    .min(1, { error: "question must be a non-empty string" })
    .max(maxQuestionChars, { error: `question must be at most ${maxQuestionChars} characters` });
}

export function askRequestSchema(maxQuestionChars: number) {
  return z.object({
    question: questionSchema(maxQuestionChars),
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
export function readAskRequest(c: Context, maxQuestionChars: number): Promise<AskRequestBody> {
  return readJsonBody(c, askRequestSchema(maxQuestionChars), '{"question": "..."}');
}
