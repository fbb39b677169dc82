import { request } from "node:http";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AskPipeline } from "../src/answer/ask.js";
import { createApp } from "../src/server/app.js";
import { openArticlePipeline } from "./support/pipeline.js";
import { waitUntilReady } from "./support/ready.js";
import { freePort, startServeProcess, stopServeProcess, type ServeProcess } from "./support/serve-process.js";

/** The value of the sample `name{labels}` in Prometheus text, where `labels` is each `key="value"` it must have; summed over matches. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  return text
    .split("\n")
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .filter((line) => wanted.every((w) => line.includes(w)))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(" ") + 1)), 0);
}

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

    expect(sample(text, "grounded_qa_index_documents")).toBe(pipeline.index.documents.size);
    expect(sample(text, "grounded_qa_index_passages")).toBe(pipeline.index.passages.size);
    expect(text).toMatch(/^grounded_qa_index_info\{version="[^"]+"\} 1$/m);
  });
});

/** A POST on a connection of its own, so that the port's processes take turns at answering. */
function postAlone(url: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", agent: false, headers: { "content-type": "application/json" } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode!));
    });
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

describe("GET /metrics with WORKERS=2", () => {
  let dirs: string[];
  let served: ServeProcess;

  beforeAll(async () => {
    dirs = await Promise.all([mkdtemp(join(tmpdir(), "metrics-corpus-")), mkdtemp(join(tmpdir(), "metrics-data-"))]);
    await writeFile(join(dirs[0]!, "lighthouse.md"), "# The lighthouse\n\nThe Harrow Point lighthouse was first lit in 1871.\n");
    served = startServeProcess(await freePort(), dirs[0]!, dirs[1]!, { WORKERS: "2", RATE_LIMIT_PER_MINUTE: "0" });
    await waitUntilReady(served, 180_000);
    // Ready once one process is; the count below needs both.
    for (;;) {
      const health = (await (await fetch(`${served.url}/healthz`)).json()) as { workers?: { status: string }[] };
      if (health.workers?.length === 2 && health.workers.every((w) => w.status === "ready")) break;
      await new Promise((done) => setTimeout(done, 200));
    }
  }, 200_000);

  afterAll(async () => {
    served?.proc.kill("SIGTERM");
    await Promise.race([served?.exit, new Promise((done) => setTimeout(done, 8000))]);
    await stopServeProcess(served?.proc);
    await Promise.all((dirs ?? []).map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it("counts every process's answers, whichever process is scraped", async () => {
    const asked = 6;
    for (let i = 0; i < asked; i++)
      expect(await postAlone(`${served.url}/ask`, { question: "When was the lighthouse first lit?" })).toBe(200);
    for (let scrape = 0; scrape < 4; scrape++) {
      const text = await new Promise<string>((resolve, reject) => {
        request(`${served.url}/metrics`, { agent: false }, (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (piece: string) => (body += piece));
          res.on("end", () => resolve(body));
        })
          .on("error", reject)
          .end();
      });
      expect(sample(text, "grounded_qa_answers_total", { interface: "ask" })).toBe(asked);
      expect(sample(text, "grounded_qa_http_requests_total", { route: "/ask", status: "200" })).toBe(asked);
      // The same index in both: shown once, not summed.
      expect(sample(text, "grounded_qa_index_documents")).toBe(1);
    }
  });
});
