import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import type { ask, AskPipeline } from "../answer/ask.js";
import type { AskRequestBody } from "./ask-request.js";
import { clientErrorOf, errorBody } from "./errors.js";

/**
 * `POST /ask/stream`: `passages`, then `delta` events with answer text, then `done` with the same
 * body as `POST /ask`, or `error`. `answer` is `ask`, or `ask` with what the server counts of it. A client that goes away aborts the work through the signal.
 */
export function streamAnswer(c: Context, answer: typeof ask, pipeline: AskPipeline, body: AskRequestBody): Response {
  return streamSSE(c, async (stream) => {
    const aborted = new AbortController();
    stream.onAbort(() => aborted.abort());
    // Writes are chained so events keep their order even though producers do not await them.
    let written = Promise.resolve();
    const send = (event: string, data: unknown) => {
      written = written.then(() => (aborted.signal.aborted ? undefined : stream.writeSSE({ event, data: JSON.stringify(data) })));
    };
    try {
      const response = await answer(pipeline, {
        question: body.question,
        history: body.history,
        signal: aborted.signal,
        onPassages: (passages) => send("passages", { passages }),
        onDelta: (text) => send("delta", { text }),
      });
      send("done", response);
    } catch (error) {
      if (aborted.signal.aborted) return;
      const known = clientErrorOf(error);
      if (!known) console.error("POST /ask/stream failed:", error);
      const [code, message] = known ? [known.code, known.message] : (["internal_error", "something went wrong on our side"] as const);
      send("error", errorBody(code, message));
    }
    await written;
  });
}
