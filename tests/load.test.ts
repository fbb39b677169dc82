import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AskPipeline } from "../src/answer/ask.js";
import { createApp } from "../src/server/app.js";
import { openArticlePipeline } from "./support/pipeline.js";
import { startServer, type RunningServer } from "./support/server.js";

/**
 * Bounded load from loopback: three clients sending the longest questions accepted, back to back, must not
 * push a fourth client's normal questions above 3x their unloaded p50 (issue 10, "Bounded work per request").
 * Every count is fixed and every loop has a deadline; all requests come from one address, so the total stays
 * under the default rate limit of 120 a minute (warm-up 4 + unloaded 15 + long 18 + normal at most 40 = 77).
 */
const RATE_LIMIT = 120;
const UNLOADED_REQUESTS = 15;
const LONG_CLIENTS = 3;
const LONG_PER_CLIENT = 6;
const MAX_NORMAL_UNDER_LOAD = 40;
/** The loaded phase stops by itself after this, whatever happened. */
const LOAD_DEADLINE_MS = 40_000;
const REQUEST_TIMEOUT_MS = 15_000;

const NORMAL_QUESTIONS = [
  "How many people were killed in the Moscow attack?",
  "Who is Amira Jadoon?",
  "What does ISKP stand for?",
  "Why did ISKP target Russia?",
  "How has the Taliban responded to ISKP?",
];

/** 2,000-character questions (the maximum) with many distinct words and several question parts: the costliest kind. */
function longQuestions(): string[] {
  const article = readFileSync("corpus/iskp-moscow-attack.txt", "utf8").replace(/\s+/g, " ");
  return Array.from({ length: LONG_CLIENTS * LONG_PER_CLIENT }, (_, i) => {
    const opening = "Why did ISKP attack Moscow, and what does it mean for Russia? Who recruited the attackers? ";
    const offset = (i * 700) % Math.max(1, article.length - 2000);
    return `${opening}${article.slice(offset)} ${article}`.slice(0, 2000);
  });
}

let pipeline: AskPipeline;
let server: RunningServer;

beforeAll(async () => {
  pipeline = await openArticlePipeline();
  server = await startServer(createApp({ pipeline: () => pipeline, maxQuestionChars: 2000, rateLimitPerMinute: RATE_LIMIT }));
});

afterAll(async () => {
  await server?.close();
});

/** Asks one question; its latency in ms as the client sees it. Any status but 200 fails the test. */
async function timedAsk(question: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${server.url}/ask`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ question }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const body = await response.text();
  const elapsed = performance.now() - started;
  expect(response.status, body.slice(0, 200)).toBe(200);
  return elapsed;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

describe("bounded work per request under load", () => {
  it("keeps normal questions under 3x their unloaded p50 while three clients send 2,000-character questions", {
    timeout: 90_000,
  }, async () => {
    const long = longQuestions();
    expect(long.every((q) => q.length === 2000)).toBe(true);

    // Warm-up (not measured): the first calls compile code paths and fill caches.
    await timedAsk(NORMAL_QUESTIONS[0]!);
    await timedAsk(NORMAL_QUESTIONS[1]!);
    await timedAsk(long[0]!);
    await timedAsk(NORMAL_QUESTIONS[2]!);

    const unloaded: number[] = [];
    for (let i = 0; i < UNLOADED_REQUESTS; i++) unloaded.push(await timedAsk(NORMAL_QUESTIONS[i % NORMAL_QUESTIONS.length]!));

    const deadline = performance.now() + LOAD_DEADLINE_MS;
    const longLatencies: number[] = [];
    let longClientsRunning = LONG_CLIENTS;
    const longClient = async (client: number) => {
      try {
        for (let i = 0; i < LONG_PER_CLIENT && performance.now() < deadline; i++) {
          longLatencies.push(await timedAsk(long[client * LONG_PER_CLIENT + i]!));
        }
      } finally {
        longClientsRunning--;
      }
    };
    const loaded: number[] = [];
    const normalClient = async () => {
      // Let the long questions get going first, so every measured request meets them.
      await new Promise((resolve) => setTimeout(resolve, 20));
      for (let i = 0; longClientsRunning > 0 && loaded.length < MAX_NORMAL_UNDER_LOAD && performance.now() < deadline; i++) {
        loaded.push(await timedAsk(NORMAL_QUESTIONS[i % NORMAL_QUESTIONS.length]!));
      }
    };
    await Promise.all([...Array.from({ length: LONG_CLIENTS }, (_, c) => longClient(c)), normalClient()]);

    const unloadedP50 = median(unloaded);
    const loadedP50 = median(loaded);
    console.log(
      `load: unloaded p50 ${unloadedP50.toFixed(1)} ms (${unloaded.length} requests); ` +
        `under load p50 ${loadedP50.toFixed(1)} ms (${loaded.length} requests), ratio ${(loadedP50 / unloadedP50).toFixed(2)}; ` +
        `2,000-character questions p50 ${median(longLatencies).toFixed(1)} ms (${longLatencies.length} requests)`,
    );

    expect(longLatencies).toHaveLength(LONG_CLIENTS * LONG_PER_CLIENT);
    expect(loaded.length).toBeGreaterThanOrEqual(5);
    expect(loadedP50).toBeLessThan(3 * unloadedP50);
  });
});
