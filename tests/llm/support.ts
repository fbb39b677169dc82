import { expect } from "vitest";
import type { AskPipeline } from "../../src/answer/ask.js";
import type { AskResponse } from "../../src/answer/types.js";
import { createApp } from "../../src/server/app.js";
import { openPipeline } from "../../src/service.js";
import type { ChatRequest, FakeOpenAI } from "../support/fake-openai.js";
import { testConfig } from "../support/pipeline.js";
import type { HeldDocuments } from "../../src/index/held-documents.js";

/** The pipeline as the service wires it, in LLM mode against the fake server. */
export function openLlmPipeline(fake: FakeOpenAI, overrides: Record<string, string> = {}): Promise<AskPipeline> {
  return openPipeline(
    testConfig({
      LLM_PROVIDER: "openai",
      OPENAI_BASE_URL: fake.url,
      OPENAI_API_KEY: "test",
      LLM_TIMEOUT_MS: "800",
      LLM_MAX_RETRIES: "0",
      ...overrides,
    }),
  );
}

export function appFor(pipeline: AskPipeline) {
  return createApp({ pipeline: () => pipeline, maxQuestionChars: 2000, rateLimitPerMinute: 0 });
}

export async function postAsk(pipeline: AskPipeline, body: unknown): Promise<AskResponse> {
  const res = await appFor(pipeline).request("/ask", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as AskResponse;
}

/** A reply in the citation protocol: the answer, a QUOTES line, the claims as JSON. */
export function protocolReply(answer: string, claims: unknown[]): string {
  return `${answer}\nQUOTES:\n${JSON.stringify(claims)}`;
}

/** The id (P1, P2…) under which the answer prompt showed the passage that contains `text`. */
export function labelOf(request: ChatRequest, text: string): string {
  const prompt = request.messages.at(-1)!.content;
  for (const m of prompt.matchAll(/<passage id="(P\d+)"[^>]*>\n([\s\S]*?)\n<\/passage>/g)) if (m[2]!.includes(text)) return m[1]!;
  throw new Error(`no passage of the prompt contains ${JSON.stringify(text)}`);
}

/** The contract: every citation's quote is its document's text at its offsets, and every [n] has its citation. */
export function expectVerifiable(body: AskResponse, pipeline: AskPipeline): void {
  for (const c of body.citations)
    expect((pipeline.index.documents as HeldDocuments).held.documents.get(c.documentId)!.text.slice(c.start, c.end)).toBe(c.quote);
  const markers = new Set([...body.answer.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1])));
  expect([...markers].sort()).toEqual(body.citations.map((c) => c.id).sort());
}
