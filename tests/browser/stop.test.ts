import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openArticlePipeline } from "../support/pipeline.js";
import type { RunningServer } from "../support/server.js";
import { SlowAnswerer } from "./support/answerers.js";
import { launchBrowser, screenshot, startChatServer } from "./support/browser.js";
import { ask, askApi, recordQuestions } from "./support/chat-page.js";

const QUESTION = "How many people did ISKP kill in Moscow?";

let answerer: SlowAnswerer;
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  const [pipeline, launched] = await Promise.all([openArticlePipeline(), launchBrowser()]);
  browser = launched;
  answerer = new SlowAnswerer(pipeline.answerer);
  server = await startChatServer({ ...pipeline, answerer });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe("a client that leaves in the middle of an answer", () => {
  it("stops the work on the server, which keeps answering others", async () => {
    const before = { stopped: answerer.stopped, finished: answerer.finished };
    const leaving = new AbortController();
    const response = await fetch(`${server.url}/ask/stream`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ question: QUESTION }),
      signal: leaving.signal,
    });
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let received = "";
    while (!received.includes("event: delta")) received += (await reader.read()).value ?? "";
    leaving.abort();

    await expect.poll(() => answerer.stopped, { timeout: 5_000 }).toBe(before.stopped + 1);
    expect(answerer.finished).toBe(before.finished);

    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    const answer = await askApi(server.url, QUESTION);
    expect(answer.grounded).toBe(true);
    expect(answerer.finished).toBe(before.finished + 1);
  });
});

describe("the stop button", () => {
  it("cancels the answer, keeps what came, and leaves it out of the history", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const sent = recordQuestions(page);
    await page.goto(server.url);
    const stoppedBefore = answerer.stopped;

    const input = page.getByLabel("Your question");
    await input.fill(QUESTION);
    await input.press("Enter");
    await page.locator(".answer.streaming").waitFor();
    await expect(input.isDisabled()).resolves.toBe(true);
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe("stop");
    await screenshot(page, "desktop-streaming");

    await page.getByRole("button", { name: "Stop" }).click();
    await page.locator(".answer.stopped").waitFor();
    await expect(page.locator(".answer.stopped .note").textContent()).resolves.toContain("Stopped");
    await expect(page.locator(".answer.stopped .answer-text").textContent()).resolves.not.toBe("");
    await expect(page.locator(".answer.stopped button.chip").count()).resolves.toBe(0);
    await expect(input.isEnabled()).resolves.toBe(true);
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe("question");
    await expect.poll(() => answerer.stopped, { timeout: 5_000 }).toBe(stoppedBefore + 1);
    await screenshot(page, "desktop-stopped");

    await ask(page, QUESTION);
    expect(sent[1]!.history).toEqual([]);
    await expect(page.locator(".turn").last().locator("button.chip").count()).resolves.toBeGreaterThan(0);
    await page.close();
  });
});
