import { z } from "zod";
import type { HistoryTurn } from "../../answer/types.js";
import { askRequestSchema } from "../ask-request.js";
import { ApiError } from "../errors.js";

/** The one model `/v1/models` lists: this service, answering from its documents. */
export const MODEL_ID = "grounded-qa";

/** A request the OpenAI API would take but this service cannot honour: 400 naming the parameter. */
export class InvalidParameterError extends ApiError {
  constructor(
    readonly param: string,
    message: string,
  ) {
    super(400, "invalid_request", message);
  }
}

/** The model named is not the one served: 404, as OpenAI answers an unknown model. */
export class ModelNotFoundError extends ApiError {
  readonly param = "model";
  constructor(model: string) {
    super(404, "not_found", `the model "${model}" does not exist; this service serves "${MODEL_ID}" (GET /v1/models)`);
  }
}

const textPart = z.object({ type: z.literal("text"), text: z.string() });
const messageContent = z.union([z.string(), z.array(z.looseObject({ type: z.string() }))]);

const message = z.looseObject({
  role: z.enum(["system", "developer", "user", "assistant", "tool", "function"], {
    error: 'messages[].role must be "system", "developer", "user" or "assistant"',
  }),
  content: messageContent.nullish(),
});

/**
 * What this service reads of a chat completion request. Parameters that shape sampling or length
 * (temperature, top_p, max_tokens, seed, stop, penalties, user, metadata, ...) are let through unread:
 * answers are quotes of the documents, and sampling or cutting them would change no word or would break a
 * citation. Those that ask for something it cannot give are refused in `refusals` below.
 */
const chatRequest = z.looseObject({
  model: z.string({ error: "model is required: the id GET /v1/models lists" }),
  messages: z.array(message, { error: "messages must be an array of {role, content}" }).min(1, { error: "messages must not be empty" }),
  stream: z.boolean({ error: "stream must be a boolean" }).nullish(),
  stream_options: z
    .looseObject({ include_usage: z.boolean({ error: "stream_options.include_usage must be a boolean" }).optional() })
    .nullish(),
  n: z.number({ error: "n must be a number" }).nullish(),
  tools: z.array(z.unknown(), { error: "tools must be an array" }).nullish(),
  functions: z.array(z.unknown(), { error: "functions must be an array" }).nullish(),
  tool_choice: z.unknown().optional(),
  function_call: z.unknown().optional(),
  response_format: z.looseObject({ type: z.string() }).nullish(),
  logprobs: z.boolean({ error: "logprobs must be a boolean" }).nullish(),
  top_logprobs: z.number().nullish(),
  modalities: z.array(z.string()).nullish(),
  audio: z.unknown().optional(),
});

type ChatRequest = z.infer<typeof chatRequest>;

/** Each refused parameter, and why, when the request sets it to something other than its plain default. */
const refusals: { param: string; refused: (r: ChatRequest) => boolean; why: string }[] = [
  { param: "n", refused: (r) => r.n != null && r.n !== 1, why: "n must be 1: there is one answer to a question, the documents' own words" },
  {
    param: "tools",
    refused: (r) => (r.tools?.length ?? 0) > 0,
    why: "tools are not supported: answers come from the documents, not from calling tools",
  },
  {
    param: "functions",
    refused: (r) => (r.functions?.length ?? 0) > 0,
    why: "functions are not supported: answers come from the documents, not from calling functions",
  },
  {
    param: "tool_choice",
    refused: (r) => r.tool_choice != null && r.tool_choice !== "none" && r.tool_choice !== "auto",
    why: "tool_choice cannot require a tool: no tools are supported",
  },
  {
    param: "function_call",
    refused: (r) => r.function_call != null && r.function_call !== "none" && r.function_call !== "auto",
    why: "function_call cannot require a function: no functions are supported",
  },
  {
    param: "response_format",
    refused: (r) => r.response_format != null && r.response_format.type !== "text",
    why: 'response_format must be {"type": "text"}: answers are text with [n] citation markers',
  },
  {
    param: "logprobs",
    refused: (r) => r.logprobs === true,
    why: "logprobs are not available: answers are quoted, not sampled token by token",
  },
  {
    param: "top_logprobs",
    refused: (r) => r.top_logprobs != null && r.top_logprobs > 0,
    why: "top_logprobs are not available: answers are quoted, not sampled token by token",
  },
  {
    param: "modalities",
    refused: (r) => r.modalities?.some((m) => m !== "text") ?? false,
    why: 'modalities must be ["text"]: answers are text only',
  },
  { param: "audio", refused: (r) => r.audio != null, why: "audio output is not supported: answers are text only" },
  {
    param: "stream_options",
    refused: (r) => r.stream_options != null && r.stream !== true,
    why: "stream_options is only allowed when stream is true",
  },
];

/** A chat completion request as the service answers it: the question, the conversation before it, how to reply. */
export interface ChatQuestion {
  question: string;
  history: HistoryTurn[];
  stream: boolean;
  includeUsage: boolean;
  /** Every message's text, for the prompt's share of `usage`. */
  promptText: string;
}

/**
 * The question of a chat completion request: its last message, which must be the user's. Earlier user and
 * assistant messages are the history; system and developer messages are read by no part of answering (the
 * documents decide what is said), so they are accepted and left out.
 */
export function readChatRequest(body: unknown, maxQuestionChars: number): ChatQuestion {
  const parsed = chatRequest.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidParameterError(paramOf(issue.path), issue.message);
  }
  const request = parsed.data;
  if (request.model !== MODEL_ID) throw new ModelNotFoundError(request.model);
  for (const { param, refused, why } of refusals) if (refused(request)) throw new InvalidParameterError(param, why);

  const turns = request.messages.map((m, i) => {
    if (m.role === "tool" || m.role === "function")
      throw new InvalidParameterError(`messages[${i}].role`, `messages[${i}]: ${m.role} messages are not supported: no tools are`);
    if (m.role === "assistant" && (m.tool_calls != null || m.function_call != null)) {
      throw new InvalidParameterError(`messages[${i}].tool_calls`, `messages[${i}]: tool calls are not supported`);
    }
    return { role: m.role, content: textOf(m.content, i) };
  });
  const last = turns.at(-1)!;
  if (last.role !== "user") throw new InvalidParameterError("messages", "the last message must be the user's question");
  const history = turns.slice(0, -1).filter((t): t is HistoryTurn => t.role === "user" || t.role === "assistant");

  // The same limits as POST /ask: a question that /ask refuses is refused here too.
  const asked = askRequestSchema(maxQuestionChars).safeParse({ question: last.content, history });
  if (!asked.success)
    throw new InvalidParameterError(
      "messages",
      asked.error.issues[0]!.message.replace(/^question\b/, "the last user message").replace(/^history\b/, "messages"),
    );
  return {
    question: asked.data.question,
    history: asked.data.history,
    stream: request.stream === true,
    includeUsage: request.stream_options?.include_usage === true,
    promptText: turns.map((t) => t.content).join("\n"),
  };
}

/** A message's text: a string, or text parts joined; a part of another kind (an image, a file) is refused. */
function textOf(content: z.infer<typeof messageContent> | null | undefined, i: number): string {
  if (content == null) return "";
  if (typeof content === "string") return content;
  return content
    .map((part, j) => {
      const text = textPart.safeParse(part);
      if (!text.success)
        throw new InvalidParameterError(
          `messages[${i}].content[${j}]`,
          `messages[${i}].content[${j}]: only text parts are supported, not "${part.type}"`,
        );
      return text.data.text;
    })
    .join("\n");
}

function paramOf(path: PropertyKey[]): string {
  return path.reduce<string>(
    (name, key) => (typeof key === "number" ? `${name}[${key}]` : name ? `${name}.${String(key)}` : String(key)),
    "",
  );
}
