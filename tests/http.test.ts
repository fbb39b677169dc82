import { beforeAll, describe, expect, it } from "vitest";
import type { AskPipeline } from "../src/answer/ask.js";
import type { AskResponse } from "../src/answer/types.js";
import { createApp } from "../src/server/app.js";
import { openExtractiveAnswerer } from "../src/answer/extractive/open.js";
import { createEmbeddings } from "../src/embeddings/index.js";
import { openArticlePipeline, testConfig } from "./support/pipeline.js";
import type { HeldDocuments } from "../src/index/held-documents.js";

let pipeline: AskPipeline;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  pipeline = await openArticlePipeline();
  app = createApp({ pipeline: () => pipeline, maxQuestionChars: 2000, rateLimitPerMinute: 0 });
});

const askJson = (body: unknown, headers: Record<string, string> = { "content-type": "application/json" }) =>
  app.request("/ask", { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) });

async function expectError(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toMatch(/application\/json/);
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(5);
  expect(JSON.stringify(body)).not.toMatch(/\bat .+\.ts:\d+/);
}

describe("POST /ask", () => {
  it("answers a question about the article with an exact citation of the source", async () => {
    const response = await askJson({ question: "How many people were killed in the Moscow attack?" });
    expect(response.status).toBe(200);
    const body = (await response.json()) as AskResponse;
    expect(body.grounded).toBe(true);
    expect(body.mode).toBe("extractive");
    expect(body.answer).toContain("137");
    expect(body.citations.length).toBeGreaterThan(0);
    const text = (await pipeline.index.documents.read("iskp-moscow-attack"))!.text;
    for (const c of body.citations) {
      expect(text.slice(c.start, c.end)).toBe(c.quote);
      expect(body.answer).toContain(`[${c.id}]`);
    }
    const markers = [...body.answer.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
    expect(new Set(markers)).toEqual(new Set(body.citations.map((c) => c.id)));
    expect(body.passages.length).toBeGreaterThan(0);
    expect(body.timings.totalMs).toBeGreaterThanOrEqual(body.timings.retrieveMs);
    expect(body.confidence).toBeGreaterThanOrEqual(pipeline.extractive.settings.minConfidence);
    expect(body.confidence).toBeLessThanOrEqual(1);
  });

  it("says how well the documents support each answer, and which of the question's words the quote lacks", async () => {
    const killed = (await (await askJson({ question: "How many people were killed in the Moscow attack?" })).json()) as AskResponse;
    expect(killed.support).toBe("direct");
    expect(killed.unmatched).toEqual([]);
    // The article gives the dead, not the injured: the closest quote is shown for what it is.
    const injured = (await (await askJson({ question: "How many people were injured in the Moscow attack?" })).json()) as AskResponse;
    expect(injured.support).not.toBe("direct");
    if (injured.grounded) expect(injured.unmatched).toContain("injured");
    const declined = (await (await askJson({ question: "What is the capital of France?" })).json()) as AskResponse;
    expect(declined.support).toBe("none");
    expect(declined.unmatched).toEqual(expect.arrayContaining(["capital", "France"]));
  });

  it("finds exact rare terms the embedding model does not know", async () => {
    for (const [question, expected] of [
      ["858 audio and video outputs", "858"],
      ["Tehrik-e-Taliban Pakistan members", "Tehrik-e-Taliban"],
      ["What does the article say about al-Qaeda?", "al-Qaeda"],
    ]) {
      const body = (await (await askJson({ question })).json()) as AskResponse;
      expect(body.grounded, question).toBe(true);
      expect(
        body.citations.some((c) => c.quote.includes(expected!)),
        question,
      ).toBe(true);
    }
  });

  it.each(["What is the capital of France?", "Write me a poem", "What's the weather tomorrow?"])(
    "declines %s with no citations",
    async (question) => {
      const body = (await (await askJson({ question })).json()) as AskResponse;
      expect(body.grounded).toBe(false);
      expect(body.citations).toEqual([]);
      expect(body.answer).toMatch(/do not cover/);
      // A decline still says how close it came and where a person could look.
      expect(body.confidence).toBeGreaterThan(0);
      expect(body.confidence).toBeLessThan(pipeline.extractive.settings.minConfidence);
      expect(body.passages.length).toBeGreaterThan(0);
    },
  );

  it("never offers the page furniture as an answer", async () => {
    const body = (await (await askJson({ question: "Subscription Options Research Areas Pivotal Places" })).json()) as AskResponse;
    // Declined or not, what is shown (quotes and the closest passages) holds none of the page's furniture.
    expect(body.passages.length).toBeGreaterThan(0);
    for (const c of body.citations) expect(c.quote).not.toMatch(/Subscription|Research Areas|Pivotal|indicates required/);
    for (const p of body.passages) expect(p.text).not.toMatch(/Subscription Options|indicates required/);
  });

  it("answers a follow-up that refers back, using the earlier question", async () => {
    const response = await askJson({
      question: "When did it happen?",
      history: [
        { role: "user", content: "How many people did ISKP kill in Moscow?" },
        { role: "assistant", content: "Approximately 137 people [1]." },
      ],
    });
    const body = (await response.json()) as AskResponse;
    expect(body.standaloneQuestion).toBe("When did it happen? How many people did ISKP kill in Moscow?");
    expect(body.grounded).toBe(true);
    expect(body.answer).toContain("March 22, 2024");
  });

  it("leaves a follow-up that stands on its own as it is", async () => {
    const body = (await (
      await askJson({
        question: "What does Russia view the Taliban forces as?",
        history: [{ role: "user", content: "Who condemned the attack?" }],
      })
    ).json()) as AskResponse;
    expect(body.standaloneQuestion).toBe("What does Russia view the Taliban forces as?");
    expect(body.answer).toContain("bulwark");
  });

  it.each([
    ["a missing question", {}, "invalid_request"],
    ["an empty question", { question: "   " }, "invalid_request"],
    ["a question that is not a string", { question: 42 }, "invalid_request"],
    ["a question over 2,000 characters", { question: "why ".repeat(501) }, "invalid_request"],
    ["a body that is not an object", [1, 2], "invalid_request"],
    ["a bad history role", { question: "Who?", history: [{ role: "system", content: "x" }] }, "invalid_request"],
  ])("rejects %s with 400", async (_, body, code) => {
    await expectError(await askJson(body), 400, code);
  });

  it("rejects malformed JSON with 400", async () => {
    await expectError(await askJson('{"question": "Who'), 400, "invalid_json");
  });

  it("rejects a body that is not JSON with 415", async () => {
    await expectError(
      await askJson("question=who", { "content-type": "application/x-www-form-urlencoded" }),
      415,
      "unsupported_media_type",
    );
    await expectError(await askJson('{"question":"Who?"}', {}), 415, "unsupported_media_type");
  });

  it("rejects a huge body with 413", async () => {
    await expectError(await askJson({ question: "x".repeat(300 * 1024) }), 413, "payload_too_large");
  });

  it("answers 503 until the index is ready", async () => {
    const loading = createApp({ pipeline: () => undefined, maxQuestionChars: 2000, rateLimitPerMinute: 0 });
    await expectError(
      await loading.request("/ask", { method: "POST", headers: { "content-type": "application/json" }, body: '{"question":"Who?"}' }),
      503,
      "not_ready",
    );
    expect((await loading.request("/healthz")).status).toBe(503);
  });

  it("limits how many questions one client asks a minute with 429", async () => {
    const limited = createApp({ pipeline: () => pipeline, maxQuestionChars: 2000, rateLimitPerMinute: 2 });
    const ask = () =>
      limited.request("/ask", { method: "POST", headers: { "content-type": "application/json" }, body: '{"question":"   "}' });
    await ask();
    await ask();
    await expectError(await ask(), 429, "rate_limited");
  });
});

describe("what a reader needs around a quote", () => {
  it("adds each citation's section, the sentence before a quote that points back, and the words that answer, all exact", async () => {
    const body = (await (await askJson({ question: "How many members does ISKP have?" })).json()) as AskResponse;
    const text = (await pipeline.index.documents.read("iskp-moscow-attack"))!.text;
    const [citation] = body.citations;
    expect(body.answerKind).toBe("quantity");
    expect(citation!.heading).toBe("What does ISKP’s Moscow attack tell us about the terrorism landscape in Afghanistan?");
    const before = citation!.precedingSentence!;
    expect(text.slice(before.start, before.end)).toBe(before.text);
    expect(before.end).toBeLessThanOrEqual(citation!.start);
    expect(text.slice(before.end, citation!.start).trim()).toBe("");
    const { start, end } = citation!.answerSpan!;
    expect(start).toBeGreaterThanOrEqual(citation!.start);
    expect(end).toBeLessThanOrEqual(citation!.end);
    expect(text.slice(start, end)).toBe("between 1500 to 4000");
  });

  it("gives no context to a quote that stands on its own, and marks no name the question already gave", async () => {
    const body = (await (await askJson({ question: "How many people did ISKP kill in Moscow?" })).json()) as AskResponse;
    const [citation] = body.citations;
    expect(citation!.precedingSentence).toBeUndefined();
    const text = (await pipeline.index.documents.read("iskp-moscow-attack"))!.text;
    expect(text.slice(citation!.answerSpan!.start, citation!.answerSpan!.end)).toBe("approximately 137");
    const who = (await (await askJson({ question: "Who is Amira Jadoon?" })).json()) as AskResponse;
    expect(who.answerKind).toBeUndefined();
    expect(who.citations.every((c) => c.answerSpan === undefined)).toBe(true);
  });
});

describe("other routes", () => {
  it("offers as examples only question headings that it answers directly", async () => {
    const response = await app.request("/examples");
    expect(response.status).toBe(200);
    const { questions } = (await response.json()) as { questions: string[] };
    const headings = new Set([...(pipeline.index.documents as HeldDocuments).held.passages.values()].map((p) => p.heading));
    expect(questions.length).toBeGreaterThan(0);
    expect(questions.length).toBeLessThanOrEqual(4);
    for (const question of questions) {
      expect(headings.has(question), question).toBe(true);
      const body = (await (await askJson({ question })).json()) as AskResponse;
      expect(body.support, question).toBe("direct");
    }
  });

  it("offers no example at all rather than one it would not answer directly", async () => {
    const strict = await openArticlePipeline({ ANSWER_DIRECT_CONFIDENCE: "1" });
    const strictApp = createApp({ pipeline: () => strict, maxQuestionChars: 2000, rateLimitPerMinute: 0 });
    expect(await (await strictApp.request("/examples")).json()).toEqual({ questions: [] });
  });

  it("serves a document so a citation can be checked", async () => {
    const response = await app.request("/documents/iskp-moscow-attack");
    expect(response.status).toBe(200);
    const doc = (await response.json()) as { id: string; title: string; path: string; text: string };
    expect(doc.path).toBe("iskp-moscow-attack.txt");
    expect(doc.text.slice(197, 369)).toMatch(/^On March 22, 2024, .* experienced\.$/);
  });

  it("answers 404 in the error shape for an unknown document or route", async () => {
    await expectError(await app.request("/documents/nope"), 404, "not_found");
    await expectError(await app.request("/nope"), 404, "not_found");
    await expectError(await app.request("/ask"), 404, "not_found");
  });

  it("reports ready on /healthz once the index is loaded", async () => {
    const response = await app.request("/healthz");
    expect(response.status).toBe(200);
    const health = (await response.json()) as Record<string, unknown>;
    expect(health).toMatchObject({ status: "ready", documents: 1 });
    expect(health.warnings).toBeUndefined();
  });

  it("says on /healthz when the answer scorer was trained with another embedding model than the index uses", async () => {
    const config = testConfig({ EMBEDDINGS_PROVIDER: "openai" });
    const { warnings } = await openExtractiveAnswerer(pipeline.index, createEmbeddings(config), {
      scorerPath: config.answerScorer,
      cacheDir: config.cacheDir,
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /trained with local\/universal-sentence-encoder-lite embeddings but the index uses openai\/text-embedding-3-small/,
    );
    const warned = createApp({ pipeline: () => ({ ...pipeline, warnings }), maxQuestionChars: 2000, rateLimitPerMinute: 0 });
    expect(await (await warned.request("/healthz")).json()).toMatchObject({ status: "ready", warnings });
  });
});

describe("POST /ask/stream", () => {
  it("sends passages, then deltas, then done with the same body as POST /ask", async () => {
    const response = await app.request("/ask/stream", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ question: "How many people were killed in the Moscow attack?" }),
    });
    expect(response.headers.get("content-type")).toMatch(/text\/event-stream/);
    const events = [...(await response.text()).matchAll(/event: (\w+)\ndata: (.*)\n/g)].map((m) => ({
      event: m[1]!,
      data: JSON.parse(m[2]!),
    }));
    expect(events[0]!.event).toBe("passages");
    expect(events.at(-1)!.event).toBe("done");
    const deltas = events.filter((e) => e.event === "delta").map((e) => e.data.text as string);
    expect(deltas.length).toBeGreaterThan(0);
    const done = events.at(-1)!.data as AskResponse;
    expect(deltas.join("")).toBe(done.answer);
    expect(done.citations[0]!.quote).toContain("137");
    expect(done.confidence).toBeGreaterThan(0);
  });

  it("rejects a bad request before streaming, in the JSON error shape", async () => {
    const response = await app.request("/ask/stream", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    await expectError(response, 400, "invalid_request");
  });
});
