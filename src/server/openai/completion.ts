import { randomUUID } from "node:crypto";
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionMessage } from "openai/resources/chat/completions";
import type { CompletionUsage } from "openai/resources/completions";
import type { AskResponse, Citation } from "../../answer/types.js";
import { spanUrl } from "../citation-links.js";
import { MODEL_ID } from "./request.js";

/** A citation as the extension field gives it: the `/ask` citation whole, and the link its annotations carry. */
export type LinkedCitation = Citation & { url: string };

/**
 * What `/ask` says beside the answer, carried as extension fields of the message (or of the last chunk's
 * delta), so a client can check each quote against `GET /documents/:id` and see how to take the answer.
 */
export interface Grounding {
  citations: LinkedCitation[];
  grounded: boolean;
  mode: AskResponse["mode"];
  support: AskResponse["support"];
  confidence: number;
  unmatched: string[];
  passages: AskResponse["passages"];
  standaloneQuestion?: string;
}

export type GroundedCompletion = Omit<ChatCompletion, "choices"> & {
  choices: (Omit<ChatCompletion.Choice, "message"> & { message: ChatCompletionMessage & Grounding })[];
};

/** One completion's id, creation time and model, which every chunk of a stream repeats. */
export interface CompletionStamp {
  id: string;
  created: number;
  model: string;
}

export function stamp(): CompletionStamp {
  return { id: `chatcmpl-${randomUUID()}`, created: Math.floor(Date.now() / 1000), model: MODEL_ID };
}

/** The whole answer as a `chat.completion`. */
export function completionOf(response: AskResponse, origin: string, stamped: CompletionStamp, usage: CompletionUsage): GroundedCompletion {
  return {
    ...stamped,
    object: "chat.completion",
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: response.answer,
          refusal: null,
          annotations: annotationsOf(response, origin),
          ...groundingOf(response, origin),
        },
        finish_reason: "stop",
        logprobs: null,
      },
    ],
    usage,
  };
}

/** What a chunk's delta may carry: OpenAI's fields, and in the last chunk the grounding and the final answer text. */
export type GroundedDelta = ChatCompletionChunk.Choice.Delta &
  Partial<Grounding> & { annotations?: ChatCompletionMessage.Annotation[]; answer?: string };

/** One `chat.completion.chunk` carrying `delta`; the last one also says why the answer ended. */
export function chunkOf(stamped: CompletionStamp, delta: GroundedDelta, finished = false): ChatCompletionChunk {
  return {
    ...stamped,
    object: "chat.completion.chunk",
    choices: [{ index: 0, delta, finish_reason: finished ? "stop" : null, logprobs: null }],
  };
}

/** The chunk after the last one when `stream_options.include_usage` asks for it: no choices, only usage. */
export function usageChunkOf(stamped: CompletionStamp, usage: CompletionUsage): ChatCompletionChunk {
  return { ...stamped, object: "chat.completion.chunk", choices: [], usage };
}

/**
 * One `url_citation` per `[n]` marker in the answer: its indices locate the marker itself in the content,
 * and its url opens the span that citation n quotes in the service's own page.
 */
export function annotationsOf(response: Pick<AskResponse, "answer" | "citations">, origin: string): ChatCompletionMessage.Annotation[] {
  const byId = new Map(response.citations.map((c) => [c.id, c]));
  return [...response.answer.matchAll(/\[(\d+)\]/g)].flatMap((marker) => {
    const citation = byId.get(Number(marker[1]));
    if (!citation) return [];
    return [
      {
        type: "url_citation" as const,
        url_citation: {
          start_index: marker.index,
          end_index: marker.index + marker[0].length,
          url: spanUrl(origin, citation.documentId, citation.start, citation.end),
          title: citation.title,
        },
      },
    ];
  });
}

export function groundingOf(response: AskResponse, origin: string): Grounding {
  return {
    citations: response.citations.map((c) => ({ ...c, url: spanUrl(origin, c.documentId, c.start, c.end) })),
    grounded: response.grounded,
    mode: response.mode,
    support: response.support,
    confidence: response.confidence,
    unmatched: response.unmatched,
    passages: response.passages,
    ...(response.standaloneQuestion !== undefined && { standaloneQuestion: response.standaloneQuestion }),
  };
}

/**
 * An estimate, not a tokenizer's count: no model's tokenizer is involved in answering. Each word (a run of
 * letters), each number (a run of digits) and each other non-space character counts as one token.
 */
export function estimateTokens(text: string): number {
  return text.match(/\p{L}+|\p{N}+|[^\s\p{L}\p{N}]/gu)?.length ?? 0;
}

export function usageOf(promptText: string, answer: string): CompletionUsage {
  const prompt = estimateTokens(promptText);
  const completion = estimateTokens(answer);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}
