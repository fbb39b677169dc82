import { readFile } from "node:fs/promises";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { AskPipeline } from "../../src/answer/ask.js";
import { NOT_FOUND_ANSWER } from "../../src/answer/types.js";
import { startFakeOpenAI, type FakeOpenAI } from "../support/fake-openai.js";
import { expectVerifiable, labelOf, openLlmPipeline, postAsk, protocolReply } from "./support.js";

const QUESTION = "How many people did ISKP kill in Moscow?";
const KILLED = "killed approximately 137 people in Moscow, Russia";
const FELLOW_SOURCE = "South Asia Program’s Nonresident Fellow Dr. Amira Jadoon explains the wide implications";
/** The same words retyped: straight apostrophe, a doubled space, a trailing ellipsis. */
const FELLOW_RETYPED = "South Asia Program's  Nonresident Fellow Dr. Amira Jadoon explains the wide implications…";
const FABRICATED = "the attackers escaped to Ukraine by train";

let fake: FakeOpenAI;
let pipeline: AskPipeline;
const warn = vi.spyOn(console, "warn").mockImplementation(() => {});

beforeAll(async () => {
  fake = await startFakeOpenAI();
  pipeline = await openLlmPipeline(fake);
});
afterAll(() => fake.close());
afterEach(() => {
  fake.requests.length = 0;
  warn.mockClear();
});

describe("POST /ask in LLM mode", () => {
  it("answers with the model's text and citations verified at exact offsets, exact and retyped quotes alike", async () => {
    fake.enqueue((request) => ({
      text: protocolReply("ISKP killed approximately 137 people in Moscow [1]. Dr. Amira Jadoon explained what the attack means [2].", [
        { id: 1, passage: labelOf(request, KILLED), quote: KILLED },
        { id: 2, passage: labelOf(request, FELLOW_SOURCE), quote: FELLOW_RETYPED },
      ]),
    }));
    const body = await postAsk(pipeline, { question: QUESTION });

    expect(body).toMatchObject({
      mode: "llm",
      grounded: true,
      answer: "ISKP killed approximately 137 people in Moscow [1]. Dr. Amira Jadoon explained what the attack means [2].",
      unverified: [],
    });
    expect(body.degraded).toBeUndefined();
    expect(body.citations.map((c) => [c.id, c.documentId, c.quote])).toEqual([
      [1, "iskp-moscow-attack", KILLED],
      [2, "iskp-moscow-attack", FELLOW_SOURCE],
    ]);
    expectVerifiable(body, pipeline);
  });

  it("sends the prompt files with the passages and the question, streaming, with the configured settings", async () => {
    fake.enqueue({ text: protocolReply(NOT_FOUND_ANSWER, []) });
    await postAsk(pipeline, { question: QUESTION });

    const [request] = fake.requests;
    expect(request).toMatchObject({ model: "gpt-4o-mini", stream: true, body: { temperature: 0, max_tokens: 1024 } });
    expect(request!.messages[0]).toEqual({ role: "system", content: (await readFile("prompts/system.md", "utf8")).trimEnd() });
    const prompt = request!.messages[1]!.content;
    expect(prompt).toContain(`Question: ${QUESTION}`);
    expect(prompt).toContain(KILLED);
    expect(prompt).toContain(NOT_FOUND_ANSWER);
    expect(prompt).not.toMatch(/\{\{\w+\}\}/);
  });

  it("drops a fabricated quote into `unverified` and removes its marker from the answer", async () => {
    fake.enqueue((request) => ({
      text: protocolReply("ISKP killed approximately 137 people [1]. The attackers escaped to Ukraine [2].", [
        { id: 1, passage: labelOf(request, KILLED), quote: KILLED },
        { id: 2, passage: labelOf(request, KILLED), quote: FABRICATED },
      ]),
    }));
    const body = await postAsk(pipeline, { question: QUESTION });

    expect(body).toMatchObject({
      mode: "llm",
      grounded: true,
      answer: "ISKP killed approximately 137 people [1]. The attackers escaped to Ukraine.",
    });
    expect(body.citations.map((c) => c.quote)).toEqual([KILLED]);
    expect(body.unverified).toEqual([
      {
        passageId: expect.stringMatching(/^iskp-moscow-attack:\d+$/),
        quote: FABRICATED,
        reason: expect.stringMatching(/not in passage P\d/),
      },
    ]);
    expectVerifiable(body, pipeline);
  });

  it("is not grounded when no quote survives, and then says the documents do not cover the question", async () => {
    fake.enqueue((request) => ({
      text: protocolReply("The attackers escaped to Ukraine [1].", [{ id: 1, passage: labelOf(request, KILLED), quote: FABRICATED }]),
    }));
    const body = await postAsk(pipeline, { question: QUESTION });

    expect(body).toMatchObject({ mode: "llm", grounded: false, answer: NOT_FOUND_ANSWER, citations: [] });
    expect(body.unverified).toHaveLength(1);
  });

  it("does not accept a citation of a passage id the model was not given", async () => {
    fake.enqueue((request) => ({
      text: protocolReply("ISKP killed approximately 137 people [1] in Moscow [2].", [
        { id: 1, passage: "P42", quote: KILLED },
        { id: 2, passage: labelOf(request, KILLED), quote: "in Moscow, Russia" },
      ]),
    }));
    const body = await postAsk(pipeline, { question: QUESTION });

    expect(body).toMatchObject({ mode: "llm", grounded: true, answer: "ISKP killed approximately 137 people in Moscow [1]." });
    expect(body.citations.map((c) => c.quote)).toEqual(["in Moscow, Russia"]);
    expect(body.unverified).toEqual([
      { passageId: "P42", quote: KILLED, reason: "passage P42 was not among the passages given to the model" },
    ]);
    expectVerifiable(body, pipeline);
  });

  it("passes on the model's finding that the passages do not hold the answer", async () => {
    fake.enqueue({ text: `${NOT_FOUND_ANSWER}\nQUOTES: []` });
    const body = await postAsk(pipeline, { question: "What is the capital of Peru?" });

    expect(body).toMatchObject({ mode: "llm", grounded: false, answer: NOT_FOUND_ANSWER, citations: [], unverified: [] });
    expect(body.degraded).toBeUndefined();
  });
});

describe("POST /ask when the model fails", () => {
  const failures = [
    ["a 500", { status: 500 }, /model server failed \(HTTP 500\)/],
    ["a 401", { status: 401, message: "Incorrect API key provided" }, /refused the API key \(HTTP 401\): Incorrect API key provided/],
    ["a 429", { status: 429, message: "Rate limit reached" }, /rate limiting .*\(HTTP 429\)/],
    ["a reply slower than LLM_TIMEOUT_MS", { text: "too late", delayMs: 5000 }, /did not answer within the timeout/],
    ["a server that sends its headers and then nothing", { text: "never sent", stallAfterChunks: 0 }, /sent no reply within 1600 ms/],
    ["a body that is not a completion stream", { raw: "<html>Bad gateway</html>" }, /empty reply/],
    [
      "a QUOTES block that is not JSON",
      { text: 'ISKP killed 137 people [1].\nQUOTES:\n[{"id": 1, "passage": "P1", "quote": ' },
      /QUOTES block is not a JSON array/,
    ],
    ["markers with no QUOTES block", { text: "ISKP killed 137 people [1]." }, /no QUOTES block/],
  ] as const;

  for (const [name, reply, reason] of failures) {
    it(`answers extractively, marked degraded, after ${name}`, async () => {
      fake.enqueue(reply);
      const started = performance.now();
      const body = await postAsk(pipeline, { question: QUESTION });

      expect(body).toMatchObject({ mode: "extractive", grounded: true, degraded: { reason: expect.stringMatching(reason) } });
      expect(body.answer).toContain("137 people");
      expectVerifiable(body, pipeline);
      // LLM_MAX_RETRIES=0: one request, and the timeout cuts the slow reply short.
      expect(fake.requests).toHaveLength(1);
      expect(performance.now() - started).toBeLessThan(3000);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toMatch(reason);
    });
  }
});

describe("LLM mode with other settings", () => {
  it("retries as configured: a 500 and then a good reply give the model's answer", async () => {
    const retrying = await openLlmPipeline(fake, { LLM_MAX_RETRIES: "1" });
    fake.enqueue({ status: 500 }, (request) => ({
      text: protocolReply("About 137 people were killed [1].", [{ id: 1, passage: labelOf(request, KILLED), quote: KILLED }]),
    }));
    const body = await postAsk(retrying, { question: QUESTION });

    expect(body).toMatchObject({ mode: "llm", grounded: true });
    expect(fake.requests).toHaveLength(2);
  });

  it("answers extractively, marked degraded, when nothing listens at the model's address", async () => {
    const gone = await startFakeOpenAI();
    await gone.close();
    const unreachable = await openLlmPipeline(gone);
    const body = await postAsk(unreachable, { question: QUESTION });

    expect(body).toMatchObject({
      mode: "extractive",
      grounded: true,
      degraded: { reason: "could not connect to the model server (ECONNREFUSED)" },
    });
    expectVerifiable(body, unreachable);
  });
});

describe("follow-up questions", () => {
  const history = [
    { role: "user", content: "What happened in Moscow on March 22, 2024?" },
    { role: "assistant", content: "ISKP carried out one of the worst terror attacks Russia has ever experienced [1]." },
  ];
  const FOLLOW_UP = "How many people did they kill?";
  const STANDALONE = "How many people did ISKP kill in the Moscow attack on March 22, 2024?";

  it("are condensed into a standalone question, which retrieval and the answer use and the response returns", async () => {
    fake.enqueue({ text: `${STANDALONE}\n` }, (request) => ({
      text: protocolReply("About 137 people [1].", [{ id: 1, passage: labelOf(request, KILLED), quote: KILLED }]),
    }));
    const body = await postAsk(pipeline, { question: FOLLOW_UP, history });

    expect(body).toMatchObject({ mode: "llm", grounded: true, standaloneQuestion: STANDALONE });
    const [condense, answer] = fake.requests;
    expect(condense!.stream).toBe(false);
    expect(condense!.messages.at(-1)!.content).toContain(`user: ${history[0]!.content}`);
    expect(condense!.messages.at(-1)!.content).toContain(FOLLOW_UP);
    expect(answer!.messages.at(-1)!.content).toContain(`Question: ${STANDALONE}`);
    expect(body.passages.some((p) => p.text.includes(KILLED))).toBe(true);
    expectVerifiable(body, pipeline);
  });

  it("are condensed offline when the model cannot condense them, and still answered", async () => {
    fake.enqueue({ status: 503 }, { text: `${NOT_FOUND_ANSWER}\nQUOTES: []` });
    const body = await postAsk(pipeline, { question: FOLLOW_UP, history });

    expect(body).toMatchObject({ mode: "llm", standaloneQuestion: `${FOLLOW_UP} ${history[0]!.content}` });
    expect(fake.requests).toHaveLength(2);
    expect(String(warn.mock.calls[0]![0])).toMatch(/Condensing the follow-up with the model failed.*HTTP 503/);
  });
});
