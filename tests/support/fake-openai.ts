import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A chat completion request as the fake server received it. */
export interface ChatRequest {
  model: string;
  stream: boolean;
  messages: { role: string; content: string }[];
  body: Record<string, unknown>;
}

/** What the fake answers one request with. */
export type FakeReply =
  /** A completion; streamed in `chunks` (default: pieces of 8 characters) when the client asks for a stream. */
  | { text: string; chunks?: string[]; delayMs?: number; chunkDelayMs?: number; stallAfterChunks?: number }
  /** An error status with an OpenAI-style error body. */
  | { status: number; message?: string; delayMs?: number }
  /** A 200 whose body is `raw` as it is: not a completion at all. */
  | { raw: string };

export type ReplyRule = FakeReply | ((request: ChatRequest) => FakeReply);

export interface FakeOpenAI {
  /** The base URL to give the client, ending in /v1. */
  url: string;
  /** Every chat completion request received, in order. */
  requests: ChatRequest[];
  /** Queues replies for the next chat completion requests, one each; with none queued the fake answers 500. */
  enqueue(...replies: ReplyRule[]): void;
  /** How `GET /v1/models` answers: the model ids listed, or an error status. */
  models: { ids: string[] } | { status: number; message?: string };
  close(): Promise<void>;
}

/** Every test asks a handful of questions; past this many requests something is looping. */
const MAX_REQUESTS = 50;

/** An OpenAI-compatible server on a free loopback port whose replies the test chooses. */
export function startFakeOpenAI(): Promise<FakeOpenAI> {
  const queue: ReplyRule[] = [];
  const requests: ChatRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let handled = 0;

  const later = (ms: number, res: ServerResponse, then: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!res.destroyed) then();
    }, ms);
    timers.add(timer);
  };

  const fake: FakeOpenAI = {
    url: "",
    requests,
    models: { ids: ["gpt-4o-mini"] },
    enqueue: (...replies) => void queue.push(...replies),
    close: () => Promise.resolve(),
  };

  const server = createServer(async (req, res) => {
    if (++handled > MAX_REQUESTS) return sendError(res, 500, "fake: request limit reached");
    if (req.method === "GET" && req.url === "/v1/models") {
      if ("status" in fake.models) return sendError(res, fake.models.status, fake.models.message);
      return sendJson(res, 200, {
        object: "list",
        data: fake.models.ids.map((id) => ({ id, object: "model", created: 0, owned_by: "fake" })),
      });
    }
    if (req.method !== "POST" || req.url !== "/v1/chat/completions") return sendError(res, 404, `fake: no route ${req.method} ${req.url}`);

    const body = JSON.parse(await readBody(req)) as Record<string, unknown>;
    const request: ChatRequest = {
      model: String(body.model),
      stream: body.stream === true,
      messages: body.messages as ChatRequest["messages"],
      body,
    };
    requests.push(request);
    const rule = queue.shift() ?? { status: 500, message: "fake: no reply queued" };
    const reply = typeof rule === "function" ? rule(request) : rule;

    if ("raw" in reply) {
      res.writeHead(200, { "content-type": request.stream ? "text/event-stream" : "application/json" });
      return void res.end(reply.raw);
    }
    later(reply.delayMs ?? 0, res, () => {
      if ("status" in reply) return sendError(res, reply.status, reply.message);
      if (!request.stream) return sendJson(res, 200, completion(request.model, reply.text));
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      // Headers go out before the first token, as vLLM and others send them.
      res.flushHeaders();
      const chunks = reply.chunks ?? reply.text.match(/[\s\S]{1,8}/g) ?? [];
      const send = (i: number) => {
        if (i === reply.stallAfterChunks) return;
        if (i === chunks.length) {
          res.write(sse(chunk(request.model, {}, "stop")));
          return void res.end("data: [DONE]\n\n");
        }
        res.write(sse(chunk(request.model, i === 0 ? { role: "assistant", content: chunks[i]! } : { content: chunks[i]! }, null)));
        later(reply.chunkDelayMs ?? 0, res, () => send(i + 1));
      };
      send(0);
    });
  });

  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
      fake.close = () =>
        new Promise((done) => {
          for (const timer of timers) clearTimeout(timer);
          server.close(() => done());
          server.closeAllConnections();
        });
      resolve(fake);
    });
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = "";
    req.setEncoding("utf8");
    req.on("data", (piece: string) => (data += piece));
    req.on("end", () => resolve(data));
    req.on("error", reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number, message = `fake error ${status}`): void {
  sendJson(res, status, { error: { message, type: "fake_error", code: null, param: null } });
}

function completion(model: string, text: string) {
  return {
    id: "chatcmpl-fake",
    object: "chat.completion",
    created: 0,
    model,
    choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop", logprobs: null }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  };
}

function chunk(model: string, delta: Record<string, string>, finishReason: string | null) {
  return {
    id: "chatcmpl-fake",
    object: "chat.completion.chunk",
    created: 0,
    model,
    choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
  };
}

function sse(data: unknown): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}
