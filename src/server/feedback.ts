import { appendFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import type { Context } from "hono";
import { z } from "zod";
import { questionSchema } from "./ask-request.js";
import { readJsonBody } from "./json-body.js";

/** Bodies are a question, an answer and its quotes: a few KiB. This bounds what one post adds to the file. */
export const MAX_FEEDBACK_BYTES = 64 * 1024;
const MAX_COMMENT_CHARS = 2000;
const MAX_ANSWER_CHARS = 20_000;
const MAX_CITATIONS = 50;

export function feedbackSchema(maxQuestionChars: number) {
  return z.object({
    question: questionSchema(maxQuestionChars),
    answer: z
      .string({ error: "answer must be a string" })
      .max(MAX_ANSWER_CHARS, { error: `answer must be at most ${MAX_ANSWER_CHARS} characters` }),
    grounded: z.boolean({ error: "grounded must be true or false" }).optional(),
    citations: z
      .array(
        z.object({
          id: z.int({ error: "citations[].id must be an integer" }).min(1),
          documentId: z.string({ error: "citations[].documentId must be a string" }).min(1).max(500),
          start: z.int({ error: "citations[].start must be an integer" }).min(0),
          end: z.int({ error: "citations[].end must be an integer" }).min(0),
          quote: z.string({ error: "citations[].quote must be a string" }).max(MAX_ANSWER_CHARS),
        }),
        { error: "citations must be an array of {id, documentId, start, end, quote}" },
      )
      .max(MAX_CITATIONS, { error: `citations must have at most ${MAX_CITATIONS} entries` })
      .default([]),
    verdict: z.enum(["up", "down"], { error: 'verdict must be "up" or "down"' }),
    comment: z
      .string({ error: "comment must be a string" })
      .trim()
      .max(MAX_COMMENT_CHARS, { error: `comment must be at most ${MAX_COMMENT_CHARS} characters` })
      .optional(),
  });
}

export type Feedback = z.infer<ReturnType<typeof feedbackSchema>>;

/** The validated body of `POST /feedback`, or an ApiError saying what is wrong with it. */
export function readFeedback(c: Context, maxQuestionChars: number): Promise<Feedback> {
  return readJsonBody(c, feedbackSchema(maxQuestionChars), '{"question": "...", "answer": "...", "verdict": "up"}');
}

/** One verdict as it is kept: the feedback, without an empty comment, and the time it came. */
export type FeedbackEntry = Omit<Feedback, "comment"> & { comment?: string; time: string };

export function feedbackEntry(feedback: Feedback, now = new Date()): FeedbackEntry {
  const { comment, ...rest } = feedback;
  return { ...rest, ...(comment && { comment }), time: now.toISOString() };
}

/** Where verdicts are kept: a file under DATA_DIR, or the database every server shares. */
export interface FeedbackLog {
  record(entry: FeedbackEntry): Promise<void>;
}

/**
 * One line of JSON per verdict, so the file reads as a dataset of real questions to evaluate on later
 * (`npm run eval` does not read it yet). One write per line: concurrent posts do not interleave.
 */
export class FeedbackFile implements FeedbackLog {
  constructor(readonly file: string) {}

  async record(entry: FeedbackEntry): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    await appendFile(this.file, `${JSON.stringify(entry)}\n`, "utf8");
  }
}
