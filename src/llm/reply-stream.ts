import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { BaseMessage } from "@langchain/core/messages";

/** The model server kept the request open without sending the reply, or went silent in the middle of it. */
export class ModelStalledError extends Error {}

export interface ReplyTimeouts {
  /** The longest pause between two pieces of the reply. */
  timeoutMs: number;
  /** The client's retries, each of which may use its own timeout before the reply starts. */
  maxRetries: number;
}

/**
 * The model's reply as text pieces, as they arrive. The client's own timeout ends when the
 * response headers arrive, and some servers send those long before the first token, so silence is
 * also timed here: before the first piece, each attempt gets its timeout and as much again for the
 * pause before a retry; after it, no pause may exceed the timeout.
 */
export async function* streamReply(
  model: BaseChatModel,
  messages: BaseMessage[],
  options: ReplyTimeouts & { signal?: AbortSignal },
): AsyncGenerator<string> {
  const stall = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stall.signal]) : stall.signal;
  const startMs = 2 * (options.maxRetries + 1) * options.timeoutMs;
  let started = false;
  let timer = setTimeout(() => stall.abort(), startMs);
  const stalled = () =>
    new ModelStalledError(
      started
        ? `the model stopped sending its reply for more than ${options.timeoutMs} ms`
        : `the model server sent no reply within ${startMs} ms`,
    );
  try {
    for await (const chunk of await model.stream(messages, { signal })) {
      started = true;
      clearTimeout(timer);
      timer = setTimeout(() => stall.abort(), options.timeoutMs);
      if (chunk.text) yield chunk.text;
    }
  } catch (error) {
    throw stall.signal.aborted ? stalled() : error;
  } finally {
    clearTimeout(timer);
  }
  // An aborted LangChain stream may end quietly instead of throwing: a cut-off reply is no reply.
  options.signal?.throwIfAborted();
  if (stall.signal.aborted) throw stalled();
}
