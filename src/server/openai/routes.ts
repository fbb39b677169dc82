import { Hono, type Context, type MiddlewareHandler } from "hono";
import { streamSSE } from "hono/streaming";
import { z } from "zod";
import type { ask, AskPipeline } from "../../answer/ask.js";
import { ApiError } from "../errors.js";
import { readJsonBody } from "../json-body.js";
import { chunkOf, completionOf, groundingOf, annotationsOf, stamp, usageChunkOf, usageOf } from "./completion.js";
import { bodyOf, openAIErrorOf } from "./errors.js";
import { MODEL_ID, readChatRequest, type ChatQuestion } from "./request.js";

export interface OpenAIRoutesOptions {
  ready: () => AskPipeline;
  /** `ask`, or `ask` with what the server counts of each answer. */
  answer: typeof ask;
  maxQuestionChars: number;
  /** The body and rate limits `/ask` has. */
  limits: readonly MiddlewareHandler[];
  /** Where citation links point (PUBLIC_URL); the address each request came to when unset. */
  publicUrl?: string;
}

/** `created` of the model in `/v1/models`: a fixed time (the day this API was added), so listings do not change between starts. */
const MODEL_CREATED = 1_796_169_600;

/**
 * `/v1`: the Chat Completions API, close enough to OpenAI's that its clients work unchanged with this as
 * their base URL. Every error here has OpenAI's shape, which those clients read.
 */
export function openAIRoutes(options: OpenAIRoutesOptions): Hono {
  const app = new Hono();
  const model = { id: MODEL_ID, object: "model", created: MODEL_CREATED, owned_by: "grounded-qa" };

  app.get("/models", (c) => c.json({ object: "list", data: [model] }));
  app.get("/models/:id", (c) => {
    if (c.req.param("id") !== MODEL_ID)
      throw new ApiError(404, "not_found", `the model "${c.req.param("id")}" does not exist; this service serves "${MODEL_ID}"`);
    return c.json(model);
  });

  for (const limit of options.limits) app.use("/chat/completions", limit);
  app.post("/chat/completions", async (c) => {
    const body = await readJsonBody(
      c,
      z.record(z.string(), z.unknown()),
      `{"model": "${MODEL_ID}", "messages": [{"role": "user", "content": "..."}]}`,
    );
    const request = readChatRequest(body, options.maxQuestionChars);
    const pipeline = options.ready();
    const origin = options.publicUrl ?? new URL(c.req.url).origin;
    if (request.stream) return streamCompletion(c, options.answer, pipeline, request, origin);
    const response = await options.answer(pipeline, { question: request.question, history: request.history, signal: c.req.raw.signal });
    return c.json(completionOf(response, origin, stamp(), usageOf(request.promptText, response.answer)));
  });

  app.all("*", (c) => c.json(bodyOf(`no route for ${c.req.method} ${c.req.path}`, "invalid_request_error", "not_found", null), 404));
  app.onError((error, c) => {
    const { status, body } = openAIErrorOf(error, `${c.req.method} ${c.req.path}`);
    return c.json(body, status);
  });
  return app;
}

/**
 * `chat.completion.chunk` events: the role, the answer text as it is produced, then one chunk with the
 * annotations and the grounding extension fields and `finish_reason: "stop"`, the usage chunk when asked
 * for, and `[DONE]`. A failure after the stream began is sent as an OpenAI error event, which its clients throw.
 */
function streamCompletion(c: Context, answer: typeof ask, pipeline: AskPipeline, request: ChatQuestion, origin: string): Response {
  return streamSSE(c, async (stream) => {
    const aborted = new AbortController();
    stream.onAbort(() => aborted.abort());
    const stamped = stamp();
    // Writes are chained so chunks keep their order though the answerer does not await them.
    let written = Promise.resolve();
    const send = (data: unknown) => {
      written = written.then(() =>
        aborted.signal.aborted ? undefined : stream.writeSSE({ data: typeof data === "string" ? data : JSON.stringify(data) }),
      );
    };
    let streamed = "";
    send(chunkOf(stamped, { role: "assistant", content: "" }));
    try {
      const response = await answer(pipeline, {
        question: request.question,
        history: request.history,
        signal: aborted.signal,
        onDelta: (text) => {
          streamed += text;
          send(chunkOf(stamped, { content: text }));
        },
      });
      // What the stream has not shown yet; when verification changed text already shown (an LLM's citation
      // dropped), the annotations index `answer`, the final text, which the last chunk carries as well.
      const rest = response.answer.startsWith(streamed) ? response.answer.slice(streamed.length) : "";
      send(
        chunkOf(
          stamped,
          {
            ...(rest && { content: rest }),
            annotations: annotationsOf(response, origin),
            ...groundingOf(response, origin),
            answer: response.answer,
          },
          true,
        ),
      );
      if (request.includeUsage) send(usageChunkOf(stamped, usageOf(request.promptText, response.answer)));
      send("[DONE]");
    } catch (error) {
      if (aborted.signal.aborted) return;
      send(openAIErrorOf(error, "POST /v1/chat/completions").body);
    }
    await written;
  });
}
