import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { AskPipeline } from "../../src/answer/ask.js";
import type { AskResponse } from "../../src/answer/types.js";
import { startFakeOpenAI, type FakeOpenAI } from "../support/fake-openai.js";
import { startServer, type RunningServer } from "../support/server.js";
import { readEvents } from "./sse.js";
import { appFor, expectVerifiable, labelOf, openLlmPipeline, protocolReply } from "./support.js";

const QUESTION = "How many people did ISKP kill in Moscow, and when?";
const KILLED = "killed approximately 137 people in Moscow, Russia";
const DATE = "On March 22, 2024";
const ANSWER = "ISKP killed approximately 137 people in Moscow [1], on March 22, 2024 [2].";

let fake: FakeOpenAI;
let pipeline: AskPipeline;
let server: RunningServer;
const warn = vi.spyOn(console, "warn").mockImplementation(() => {});

beforeAll(async () => {
  fake = await startFakeOpenAI();
  pipeline = await openLlmPipeline(fake);
  server = await startServer(appFor(pipeline));
});
afterAll(async () => {
  await server.close();
  await fake.close();
});
afterEach(() => {
  fake.requests.length = 0;
  warn.mockClear();
});

async function askStream(): Promise<{ deltas: string[]; done: AskResponse; events: string[] }> {
  const res = await fetch(`${server.url}/ask/stream`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ question: QUESTION }),
  });
  expect(res.status).toBe(200);
  const events = await readEvents(res);
  const deltas = events.filter((e) => e.event === "delta").map((e) => (e.data as { text: string }).text);
  const done = events.find((e) => e.event === "done")?.data as AskResponse;
  return { deltas, done, events: events.map((e) => e.event) };
}

function reply(request: Parameters<typeof labelOf>[0]): string {
  return protocolReply(ANSWER, [
    { id: 1, passage: labelOf(request, KILLED), quote: KILLED },
    { id: 2, passage: labelOf(request, DATE), quote: DATE },
  ]);
}

/** Cuts at every character of the markers and of the QUOTES line, and in a few places between. */
function awkwardChunks(text: string): string[] {
  const chunks: string[] = [];
  let i = 0;
  while (i < text.length) {
    const fine = /[[\]\d]/.test(text[i]!) || text.slice(i - 8, i + 8).includes("QUOTES");
    const size = fine ? 1 : 1 + (i % 5);
    chunks.push(text.slice(i, i + size));
    i += size;
  }
  return chunks;
}

describe("POST /ask/stream in LLM mode", () => {
  it("streams the model's words as they come, never half a marker, never the QUOTES block; done carries the verified citations", async () => {
    let chunks: string[] = [];
    fake.enqueue((request) => {
      chunks = awkwardChunks(reply(request));
      return { text: reply(request), chunks, chunkDelayMs: 2 };
    });
    const { deltas, done, events } = await askStream();

    expect(chunks).toContain("[");
    expect(chunks.some((chunk) => chunk.includes("QUOTES"))).toBe(false);

    expect(events[0]).toBe("passages");
    expect(events.at(-1)).toBe("done");
    expect(deltas.length).toBeGreaterThan(20);
    expect(deltas.length).toBeLessThanOrEqual(chunks.length);
    for (const delta of deltas) {
      expect(delta).not.toMatch(/\[\d*$/);
      expect(delta).not.toMatch(/^\d*\]/);
      expect(delta).not.toMatch(/QUO|"quote"|"passage"/);
    }
    expect(deltas.join("")).toBe(ANSWER);
    expect(done).toMatchObject({ mode: "llm", grounded: true, answer: ANSWER, unverified: [] });
    expect(done.citations.map((c) => c.quote)).toEqual([KILLED, DATE]);
    expectVerifiable(done, pipeline);
  });

  it("streams only the extractive answer when the model fails before its reply starts", async () => {
    fake.enqueue({ status: 500 });
    const { deltas, done } = await askStream();

    expect(done).toMatchObject({ mode: "extractive", degraded: { reason: expect.stringMatching(/HTTP 500/) } });
    expect(deltas.join("")).toBe(done.answer);
    expectVerifiable(done, pipeline);
  });

  it("ends with the extractive answer in done when the model goes silent mid-reply", async () => {
    fake.enqueue((request) => ({ text: reply(request), chunks: awkwardChunks(reply(request)), stallAfterChunks: 6 }));
    const started = performance.now();
    const { deltas, done } = await askStream();

    expect(done).toMatchObject({
      mode: "extractive",
      grounded: true,
      degraded: { reason: expect.stringMatching(/stopped sending its reply/) },
    });
    expectVerifiable(done, pipeline);
    // What was streamed is the model's beginning only: the fallback's text is not appended to it.
    expect(deltas.length).toBeGreaterThan(0);
    expect(ANSWER.startsWith(deltas.join(""))).toBe(true);
    expect(performance.now() - started).toBeLessThan(3000);
    expect(warn).toHaveBeenCalledTimes(1);
  });
});
