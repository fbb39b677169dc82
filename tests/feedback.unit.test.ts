import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/server/app.js";
import { FeedbackFile } from "../src/server/feedback.js";

let dataDir: string;
let app: ReturnType<typeof createApp>;

const GOOD = {
  question: "How many people did ISKP kill in Moscow?",
  answer: "On March 22, 2024, ISKP killed approximately 137 people in Moscow [1].",
  grounded: true,
  citations: [{ id: 1, documentId: "iskp-moscow-attack", start: 197, end: 369, quote: "On March 22, 2024, …" }],
  verdict: "down",
  comment: "  It was 145 by later counts.  ",
};

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "feedback-"));
  // Feedback needs no index: a server still building it takes feedback all the same.
  app = createApp({
    pipeline: () => undefined,
    maxQuestionChars: 2000,
    rateLimitPerMinute: 0,
    feedback: new FeedbackFile(join(dataDir, "nested", "feedback.jsonl")),
  });
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

const post = (body: unknown, headers: Record<string, string> = { "content-type": "application/json" }) =>
  app.request("/feedback", { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) });

async function expectError(response: Response, status: number, code: string, message?: RegExp) {
  expect(response.status).toBe(status);
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  if (message) expect(body.error.message).toMatch(message);
}

const lines = async () => (await readFile(join(dataDir, "nested", "feedback.jsonl"), "utf8").catch(() => "")).split("\n").filter(Boolean);

describe("POST /feedback", () => {
  it("appends one JSON line with the time, creating DATA_DIR if needed", async () => {
    const before = Date.now();
    const response = await post(GOOD);
    expect(response.status).toBe(201);
    await expect(response.json()).resolves.toEqual({ recorded: true });
    const all = await lines();
    expect(all).toHaveLength(1);
    const { time, ...line } = JSON.parse(all[0]!);
    expect(line).toEqual({ ...GOOD, comment: "It was 145 by later counts." });
    expect(Date.parse(time)).toBeGreaterThanOrEqual(before - 1000);

    expect((await post({ question: "Who?", answer: "No.", verdict: "up", comment: "" })).status).toBe(201);
    const second = JSON.parse((await lines())[1]!);
    expect(second).toEqual({ question: "Who?", answer: "No.", verdict: "up", citations: [], time: second.time });
  });

  it("refuses what is not feedback with 400 and the documented error shape, writing nothing", async () => {
    const count = (await lines()).length;
    await expectError(await post({ ...GOOD, verdict: "maybe" }), 400, "invalid_request", /verdict must be "up" or "down"/);
    await expectError(await post({ ...GOOD, question: "  " }), 400, "invalid_request", /question/);
    await expectError(await post({ ...GOOD, question: 42 }), 400, "invalid_request", /question/);
    await expectError(await post({ ...GOOD, answer: undefined }), 400, "invalid_request", /answer/);
    await expectError(await post({ ...GOOD, comment: "x".repeat(2001) }), 400, "invalid_request", /comment must be at most 2000/);
    await expectError(
      await post({ ...GOOD, citations: [{ id: 1, documentId: "a", start: -1, end: 2, quote: "x" }] }),
      400,
      "invalid_request",
    );
    await expectError(await post({ ...GOOD, citations: "none" }), 400, "invalid_request", /citations/);
    await expectError(await post({ ...GOOD, question: "q".repeat(2001) }), 400, "invalid_request", /at most 2000/);
    await expectError(await post([GOOD]), 400, "invalid_request", /JSON object/);
    await expectError(await post("{not json"), 400, "invalid_json");
    await expectError(await post(GOOD, { "content-type": "text/plain" }), 415, "unsupported_media_type");
    expect(await lines()).toHaveLength(count);
  });

  it("caps the body at 64 KiB with 413", async () => {
    const response = await post({ ...GOOD, answer: "a".repeat(70 * 1024) });
    await expectError(response, 413, "payload_too_large");
  });

  it("does not exist on a server given no data directory", async () => {
    const bare = createApp({ pipeline: () => undefined, maxQuestionChars: 2000, rateLimitPerMinute: 0 });
    const response = await bare.request("/feedback", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(GOOD),
    });
    await expectError(response, 404, "not_found");
  });
});
