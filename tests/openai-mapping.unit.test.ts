import { describe, expect, it } from "vitest";
import type { Citation } from "../src/answer/types.js";
import { annotationsOf, estimateTokens } from "../src/server/openai/completion.js";
import { InvalidParameterError, ModelNotFoundError, readChatRequest } from "../src/server/openai/request.js";

const ask = (body: Record<string, unknown>) =>
  readChatRequest({ model: "grounded-qa", messages: [{ role: "user", content: "Who?" }], ...body }, 100);

function refusal(body: Record<string, unknown>): { param: string; message: string } {
  try {
    ask(body);
  } catch (error) {
    if (error instanceof InvalidParameterError) return { param: error.param, message: error.message };
    throw error;
  }
  throw new Error("accepted");
}

describe("reading a chat completion request", () => {
  it("takes the last user message as the question and earlier user and assistant turns as the history", () => {
    const read = ask({
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Who condemned the attack?" },
        { role: "assistant", content: "Russia [1]." },
        { role: "developer", content: "Cite everything." },
        {
          role: "user",
          content: [
            { type: "text", text: "When" },
            { type: "text", text: "did it happen?" },
          ],
        },
      ],
    });
    expect(read.question).toBe("When\ndid it happen?");
    expect(read.history).toEqual([
      { role: "user", content: "Who condemned the attack?" },
      { role: "assistant", content: "Russia [1]." },
    ]);
    expect(read.stream).toBe(false);
  });

  it("honours stream and stream_options.include_usage", () => {
    expect(ask({ stream: true, stream_options: { include_usage: true } })).toMatchObject({ stream: true, includeUsage: true });
    expect(ask({ stream: true })).toMatchObject({ stream: true, includeUsage: false });
  });

  it("accepts parameters that change nothing here, and plain defaults of refused ones", () => {
    expect(() =>
      ask({
        temperature: 0.2,
        top_p: 0.9,
        max_tokens: 10,
        max_completion_tokens: 10,
        seed: 1,
        stop: "x",
        user: "u",
        n: 1,
        tools: [],
        tool_choice: "none",
        response_format: { type: "text" },
        logprobs: false,
        frequency_penalty: 1,
        some_future_field: true,
      }),
    ).not.toThrow();
  });

  it.each([
    [{ n: 3 }, "n"],
    [{ tools: [{ type: "function", function: { name: "f" } }] }, "tools"],
    [{ tool_choice: "required" }, "tool_choice"],
    [{ response_format: { type: "json_schema" } }, "response_format"],
    [{ logprobs: true }, "logprobs"],
    [{ modalities: ["text", "audio"] }, "modalities"],
    [{ stream_options: { include_usage: true } }, "stream_options"],
    [
      {
        messages: [
          { role: "user", content: "Hi" },
          { role: "tool", content: "42", tool_call_id: "t" },
        ],
      },
      "messages[1].role",
    ],
    [{ messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "x" } }] }] }, "messages[0].content[0]"],
    [{ messages: [{ role: "wizard", content: "Hi" }] }, "messages[0].role"],
    [{ messages: [{ role: "user", content: "x".repeat(101) }] }, "messages"],
    [{ stream: "yes" }, "stream"],
  ])("refuses %j, naming %s", (body, param) => {
    expect(refusal(body).param).toBe(param);
  });

  it("answers an unknown or missing model as OpenAI does", () => {
    expect(() => ask({ model: "gpt-4o" })).toThrow(ModelNotFoundError);
    expect(refusal({ model: undefined }).param).toBe("model");
  });
});

describe("annotations", () => {
  const citation = (id: number, start: number): Citation => ({
    id,
    documentId: "doc",
    title: "A doc",
    start,
    end: start + 5,
    quote: "hello",
  });

  it("locate each [n] marker in the content and link to the span citation n quotes", () => {
    const answer = "First claim [1]. Second [2] and again [1].";
    const annotations = annotationsOf({ answer, citations: [citation(1, 0), citation(2, 40)] }, "http://qa.example");
    expect(annotations.map((a) => answer.slice(a.url_citation.start_index, a.url_citation.end_index))).toEqual(["[1]", "[2]", "[1]"]);
    expect(annotations[1]!.url_citation).toMatchObject({ url: "http://qa.example/?doc=doc#40-45", title: "A doc" });
  });
});

describe("the token estimate", () => {
  it("counts words, numbers and punctuation marks", () => {
    expect(estimateTokens("ISKP killed approximately 137 people [1].")).toBe(9);
    expect(estimateTokens("  ")).toBe(0);
  });
});
