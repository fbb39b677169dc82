import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import OpenAI from "openai";
import type { AskPipeline } from "../../src/answer/ask.js";
import type { GroundedDelta } from "../../src/server/openai/completion.js";
import { startFakeOpenAI, type FakeOpenAI } from "../support/fake-openai.js";
import { startServer, type RunningServer } from "../support/server.js";
import { appFor, labelOf, openLlmPipeline, protocolReply } from "./support.js";
import type { HeldDocuments } from "../../src/index/held-documents.js";

const QUESTION = "How many people did ISKP kill in Moscow, and when?";
const KILLED = "killed approximately 137 people in Moscow, Russia";
const DATE = "On March 22, 2024";

let fake: FakeOpenAI;
let pipeline: AskPipeline;
let server: RunningServer;
let client: OpenAI;
const warn = vi.spyOn(console, "warn").mockImplementation(() => {});

beforeAll(async () => {
  fake = await startFakeOpenAI();
  pipeline = await openLlmPipeline(fake);
  server = await startServer(appFor(pipeline));
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "unused", maxRetries: 0, timeout: 30_000 });
});
afterAll(async () => {
  await server?.close();
  await fake?.close();
});
afterEach(() => warn.mockClear());

/** The stream's text, and the last chunk's delta (annotations, citations, the final answer). */
async function streamed(): Promise<{ content: string; last: GroundedDelta }> {
  const stream = await client.chat.completions.create({
    model: "grounded-qa",
    messages: [{ role: "user", content: QUESTION }],
    stream: true,
  });
  let content = "";
  let last: GroundedDelta | undefined;
  for await (const chunk of stream) {
    const choice = chunk.choices[0];
    content += choice?.delta.content ?? "";
    if (choice?.finish_reason === "stop") last = choice.delta as GroundedDelta;
  }
  return { content, last: last! };
}

function expectAnnotated(answer: string, last: GroundedDelta) {
  const text = (pipeline.index.documents as HeldDocuments).held.documents.get("iskp-moscow-attack")!.text;
  for (const c of last.citations!) expect(text.slice(c.start, c.end)).toBe(c.quote);
  expect(last.annotations!.map((a) => answer.slice(a.url_citation.start_index, a.url_citation.end_index))).toEqual(
    [...answer.matchAll(/\[\d+\]/g)].map((m) => m[0]),
  );
}

describe("/v1/chat/completions in LLM mode", () => {
  it("streams the model's answer as it writes it, the same text the annotations index", async () => {
    fake.enqueue((request) => ({
      text: protocolReply("ISKP killed approximately 137 people in Moscow [1], on March 22, 2024 [2].", [
        { id: 1, passage: labelOf(request, KILLED), quote: KILLED },
        { id: 2, passage: labelOf(request, DATE), quote: DATE },
      ]),
    }));
    const { content, last } = await streamed();
    expect(content).toBe("ISKP killed approximately 137 people in Moscow [1], on March 22, 2024 [2].");
    expect(last.answer).toBe(content);
    expect(last.mode).toBe("llm");
    expectAnnotated(content, last);
  });

  it("gives the final text when verification drops a citation already streamed, and counts it in /metrics", async () => {
    fake.enqueue((request) => ({
      text: protocolReply("ISKP killed approximately 137 people in Moscow [1], on March 22, 2024 [2].", [
        { id: 1, passage: labelOf(request, KILLED), quote: KILLED },
        { id: 2, passage: labelOf(request, DATE), quote: "On March 23, 2024" },
      ]),
    }));
    const { content, last } = await streamed();
    expect(content).toContain("[2]");
    expect(last.answer).not.toContain("[2]");
    expect(last.citations!.map((c) => c.quote)).toEqual([KILLED]);
    expectAnnotated(last.answer!, last);

    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^grounded_qa_citations_unverified_total 1$/m);
  });
});
