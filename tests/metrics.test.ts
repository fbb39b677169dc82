import { beforeAll, describe, expect, it } from "vitest";
import type { AskPipeline } from "../src/answer/ask.js";
import { createApp } from "../src/server/app.js";
import { sample } from "./support/metrics.js";
import { openArticlePipeline } from "./support/pipeline.js";

describe("GET /metrics", () => {
  let pipeline: AskPipeline;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    pipeline = await openArticlePipeline();
    app = createApp({ pipeline: () => pipeline, maxQuestionChars: 2000, rateLimitPerMinute: 0 });
  });

  const post = (path: string, body: unknown) =>
    app.request(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

  it("counts requests by route and status, answers by mode, support and interface, declines, and shows the index", async () => {
    const answered = await (await post("/ask", { question: "How many people were killed in the Moscow attack?" })).json();
    await post("/ask", { question: "What is the capital of France?" });
    await post("/ask", { question: "" });
    await post("/v1/chat/completions", { model: "grounded-qa", messages: [{ role: "user", content: "What is the capital of France?" }] });
    await app.request("/documents/no-such-document");
    await app.request("/no/such/route");

    const response = await app.request("/metrics");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();

    expect(sample(text, "grounded_qa_http_requests_total", { method: "POST", route: "/ask", status: "200" })).toBe(2);
    expect(sample(text, "grounded_qa_http_requests_total", { method: "POST", route: "/ask", status: "400" })).toBe(1);
    expect(sample(text, "grounded_qa_http_requests_total", { route: "/documents/:id", status: "404" })).toBe(1);
    // Labelled with the route as registered, so paths nobody serves add no series of their own.
    expect(text).not.toContain("/no/such/route");
    expect(sample(text, "grounded_qa_http_request_duration_seconds_count", { route: "/v1/chat/completions", status: "200" })).toBe(1);

    expect(
      sample(text, "grounded_qa_answers_total", { mode: "extractive", support: answered.support, interface: "ask" }),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(text, "grounded_qa_answers_total", { support: "none", interface: "ask" })).toBe(1);
    expect(sample(text, "grounded_qa_answers_total", { support: "none", interface: "openai" })).toBe(1);
    expect(sample(text, "grounded_qa_declines_total")).toBe(2);
    expect(sample(text, "grounded_qa_answers_total")).toBe(3);

    expect(sample(text, "grounded_qa_index_documents")).toBe(pipeline.index.documents.catalog.size);
    expect(sample(text, "grounded_qa_index_passages")).toBe(pipeline.index.documents.passageCount);
    expect(text).toMatch(/^grounded_qa_index_info\{version="[^"]+"\} 1$/m);
  });
});
