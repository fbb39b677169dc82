import { afterAll, beforeAll, describe, expect, it } from "vitest";
import OpenAI, { APIError } from "openai";
import { ChatOpenAI } from "@langchain/openai";
import type { AskPipeline } from "../src/answer/ask.js";
import type { AskResponse } from "../src/answer/types.js";
import { createApp } from "../src/server/app.js";
import type { GroundedCompletion, GroundedDelta, LinkedCitation } from "../src/server/openai/completion.js";
import { openArticlePipeline } from "./support/pipeline.js";
import { startServer, type RunningServer } from "./support/server.js";

const QUESTION = "How many people were killed in the Moscow attack?";

let pipeline: AskPipeline | undefined;
let server: RunningServer;
let client: OpenAI;

beforeAll(async () => {
  const opened = await openArticlePipeline();
  pipeline = opened;
  server = await startServer(createApp({ pipeline: () => pipeline, maxQuestionChars: 2000, rateLimitPerMinute: 0 }));
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "unused", maxRetries: 0, timeout: 30_000 });
});
afterAll(() => server?.close());

/** Each citation's quote is its document's text at its offsets, as `GET /documents/:id` gives it. */
async function expectExact(citations: LinkedCitation[]) {
  for (const c of citations) {
    const doc = (await (await fetch(`${server.url}/documents/${c.documentId}`)).json()) as { text: string };
    expect(doc.text.slice(c.start, c.end)).toBe(c.quote);
    expect(c.url).toBe(`${server.url}/?doc=${c.documentId}#${c.start}-${c.end}`);
  }
}

/** Each annotation spans a `[n]` marker of `content` and links to citation n's span; every marker has one. */
function expectAnnotationsOnMarkers(
  content: string,
  annotations: OpenAI.Chat.ChatCompletionMessage.Annotation[],
  citations: LinkedCitation[],
) {
  const markers = [...content.matchAll(/\[(\d+)\]/g)];
  expect(annotations).toHaveLength(markers.length);
  for (const a of annotations) {
    const marker = content.slice(a.url_citation.start_index, a.url_citation.end_index);
    const citation = citations.find((c) => `[${c.id}]` === marker);
    expect(citation, marker).toBeDefined();
    expect(a.url_citation.url).toBe(citation!.url);
    expect(a.url_citation.title).toBe(citation!.title);
  }
}

describe("the openai client against /v1", () => {
  it("lists the one model", async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(["grounded-qa"]);
  });

  it("answers with the same answer and citations as /ask, annotated at its markers", async () => {
    const completion = (await client.chat.completions.create({
      model: "grounded-qa",
      messages: [
        { role: "system", content: "You are a helpful assistant." },
        { role: "user", content: [{ type: "text", text: QUESTION }] },
      ],
    })) as unknown as GroundedCompletion;
    const { message, finish_reason } = completion.choices[0]!;
    expect(finish_reason).toBe("stop");
    expect(message.content).toContain("137");
    const asked = (await (
      await fetch(`${server.url}/ask`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ question: QUESTION }),
      })
    ).json()) as AskResponse;
    expect(message.content).toBe(asked.answer);
    expect(message.citations.map(({ url: _, ...c }) => c)).toEqual(asked.citations);
    expect(message.grounded).toBe(true);
    expect(message.support).toBe(asked.support);
    expect(message.confidence).toBe(asked.confidence);
    expect(message.passages.map((p) => p.id)).toEqual(asked.passages.map((p) => p.id));
    await expectExact(message.citations);
    expectAnnotationsOnMarkers(message.content!, message.annotations!, message.citations);
    expect(completion.usage!.completion_tokens).toBeGreaterThan(10);
    expect(completion.usage!.total_tokens).toBe(completion.usage!.prompt_tokens + completion.usage!.completion_tokens);
  });

  it("streams the answer as deltas, then annotations, citations and usage", async () => {
    const stream = await client.chat.completions.create({
      model: "grounded-qa",
      messages: [{ role: "user", content: QUESTION }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let content = "";
    const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      content += chunk.choices[0]?.delta.content ?? "";
    }
    const finished = chunks.findIndex((c) => c.choices[0]?.finish_reason === "stop");
    expect(finished).toBe(chunks.length - 2);
    const last = chunks[finished]!.choices[0]!.delta as GroundedDelta;
    expect(content).toContain("137");
    expect(last.answer).toBe(content);
    await expectExact(last.citations!);
    expectAnnotationsOnMarkers(content, last.annotations!, last.citations!);
    expect(chunks.at(-1)!.choices).toEqual([]);
    expect(chunks.at(-1)!.usage!.completion_tokens).toBeGreaterThan(10);
  });

  it("answers a follow-up from the conversation before it", async () => {
    const completion = (await client.chat.completions.create({
      model: "grounded-qa",
      messages: [
        { role: "user", content: "How many people did ISKP kill in Moscow?" },
        { role: "assistant", content: "Approximately 137 people [1]." },
        { role: "user", content: "When did it happen?" },
      ],
    })) as unknown as GroundedCompletion;
    expect(completion.choices[0]!.message.content).toContain("March 22, 2024");
    expect(completion.choices[0]!.message.standaloneQuestion).toBe("When did it happen? How many people did ISKP kill in Moscow?");
  });

  it("declines a question the documents do not cover, with no annotations", async () => {
    const completion = (await client.chat.completions.create({
      model: "grounded-qa",
      messages: [{ role: "user", content: "What is the capital of France?" }],
    })) as unknown as GroundedCompletion;
    const { message } = completion.choices[0]!;
    expect(message.content).toMatch(/do not cover/);
    expect(message.grounded).toBe(false);
    expect(message.support).toBe("none");
    expect(message.annotations).toEqual([]);
    expect(message.passages.length).toBeGreaterThan(0);
  });

  it.each([
    ["an unknown model", { model: "gpt-4o", messages: [{ role: "user", content: "Who?" }] }, 404, "model_not_found", "model"],
    ["no messages", { model: "grounded-qa", messages: [] }, 400, "invalid_request", "messages"],
    [
      "a last message that is not the user's",
      {
        model: "grounded-qa",
        messages: [
          { role: "user", content: "Who?" },
          { role: "assistant", content: "No one." },
        ],
      },
      400,
      "invalid_request",
      "messages",
    ],
    [
      "an image part",
      { model: "grounded-qa", messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "http://x/y.png" } }] }] },
      400,
      "invalid_request",
      "messages[0].content[0]",
    ],
    ["n of 2", { model: "grounded-qa", n: 2, messages: [{ role: "user", content: "Who?" }] }, 400, "invalid_request", "n"],
    [
      "tools",
      { model: "grounded-qa", tools: [{ type: "function", function: { name: "f" } }], messages: [{ role: "user", content: "Who?" }] },
      400,
      "invalid_request",
      "tools",
    ],
    [
      "a JSON response format",
      { model: "grounded-qa", response_format: { type: "json_object" }, messages: [{ role: "user", content: "Who?" }] },
      400,
      "invalid_request",
      "response_format",
    ],
    ["an empty question", { model: "grounded-qa", messages: [{ role: "user", content: "  " }] }, 400, "invalid_request", "messages"],
  ])("refuses %s in OpenAI's error shape, which the client throws", async (_, body, status, code, param) => {
    const error = await client.chat.completions.create(body as never).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(status);
    expect((error as APIError).code).toBe(code);
    expect((error as APIError).param).toBe(param);
    expect((error as APIError).message.length).toBeGreaterThan(10);
  });

  it("accepts and ignores sampling and length parameters", async () => {
    const plain = await client.chat.completions.create({ model: "grounded-qa", messages: [{ role: "user", content: QUESTION }] });
    const tuned = await client.chat.completions.create({
      model: "grounded-qa",
      messages: [{ role: "user", content: QUESTION }],
      temperature: 1.5,
      top_p: 0.5,
      max_tokens: 5,
      seed: 7,
      stop: ["."],
      user: "someone",
    });
    expect(tuned.choices[0]!.message.content).toBe(plain.choices[0]!.message.content);
  });

  it("answers malformed JSON, a missing route and a building index in OpenAI's error shape", async () => {
    const post = (body: string) =>
      fetch(`${server.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body });
    const malformed = await post('{"model": "grounded-qa", "messages": [');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({
      error: { message: expect.any(String), type: "invalid_request_error", code: "invalid_json", param: null },
    });

    const missing = await fetch(`${server.url}/v1/embeddings`, { method: "POST" });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { type: string } }).error.type).toBe("invalid_request_error");

    const held = pipeline;
    pipeline = undefined;
    try {
      const building = await post(JSON.stringify({ model: "grounded-qa", messages: [{ role: "user", content: QUESTION }] }));
      expect(building.status).toBe(503);
      const body = (await building.json()) as { error: { type: string; code: string; message: string } };
      expect(body.error).toMatchObject({ type: "server_error", code: "not_ready" });
      expect(JSON.stringify(body)).not.toMatch(/\bat .+\.ts:\d+/);
    } finally {
      pipeline = held;
    }
  });
});

describe("LangChain's ChatOpenAI against /v1", () => {
  const chat = () =>
    new ChatOpenAI({
      model: "grounded-qa",
      apiKey: "unused",
      configuration: { baseURL: `${server.url}/v1` },
      maxRetries: 0,
      timeout: 30_000,
      __includeRawResponse: true,
    });

  it("answers, with the exact citations in the raw response", async () => {
    const reply = await chat().invoke([
      ["system", "Answer from the documents."],
      ["human", QUESTION],
    ]);
    expect(reply.content).toContain("137");
    const raw = reply.additional_kwargs.__raw_response as GroundedCompletion;
    const { message } = raw.choices[0]!;
    expect(message.content).toBe(reply.content);
    await expectExact(message.citations);
    expectAnnotationsOnMarkers(message.content!, message.annotations!, message.citations);
  });

  it("streams the same answer", async () => {
    const whole = await chat().invoke(QUESTION);
    let streamed = "";
    for await (const piece of await chat().stream(QUESTION)) streamed += typeof piece.content === "string" ? piece.content : "";
    expect(streamed).toBe(whole.content);
  });
});
