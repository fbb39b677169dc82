import { readFile } from "node:fs/promises";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AskPipeline } from "../../src/answer/ask.js";
import { openArticlePipeline } from "../support/pipeline.js";
import type { RunningServer } from "../support/server.js";
import { CountingAnswerer } from "./support/answerers.js";
import { launchBrowser, SCREENS, startChatServer } from "./support/browser.js";
import { ask, askApi, recordQuestions } from "./support/chat-page.js";

const KILLED = "How many people did ISKP kill in Moscow?";
const WHEN = "When did the attack in Moscow happen?";
const JADOON = "Who is Amira Jadoon?";

let pipeline: AskPipeline;
let browser: Browser;
let counting: RunningServer;
let real: RunningServer;
let page: Page;

beforeAll(async () => {
  [pipeline, browser] = await Promise.all([openArticlePipeline(), launchBrowser()]);
  [counting, real] = await Promise.all([
    startChatServer({ ...pipeline, answerer: new CountingAnswerer(pipeline.index) }),
    startChatServer(pipeline),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await Promise.all([counting?.close(), real?.close()]);
});

describe("working with a conversation", () => {
  beforeAll(async () => {
    page = await browser.newPage({ ...SCREENS.desktop, acceptDownloads: true });
  });
  afterAll(() => page?.close());

  it("regenerates the last answer in place, with the same history, and only the last", async () => {
    await page.goto(counting.url);
    const sent = recordQuestions(page);
    await ask(page, KILLED);
    await expect(page.locator(".turn").first().getByRole("button", { name: "Regenerate" }).count()).resolves.toBe(1);
    await ask(page, WHEN);
    await expect(page.locator(".turn").first().getByRole("button", { name: "Regenerate" }).count()).resolves.toBe(0);
    const before = (await page.locator(".turn").last().locator(".answer-text").textContent())!;

    await page.locator(".turn").last().getByRole("button", { name: "Regenerate" }).click();
    await expect.poll(() => page.locator(".turn").last().locator(".answer.grounded .answer-text").textContent()).not.toBe(before);
    await expect(page.locator(".turn .question").allTextContents()).resolves.toEqual([KILLED, WHEN]);
    expect(sent).toHaveLength(3);
    expect(sent[2]).toEqual(sent[1]);
    await page.getByRole("button", { name: "New chat" }).click();
  });

  it("edits the last question and sends it in that turn's place, with the same history; Cancel leaves it as it was", async () => {
    await page.goto(counting.url);
    const sent = recordQuestions(page);
    await ask(page, KILLED);
    await ask(page, WHEN);
    await expect(page.locator(".turn").first().getByRole("button", { name: "Edit question" }).count()).resolves.toBe(0);
    const last = page.locator(".turn").last();

    await last.getByRole("button", { name: "Edit question" }).click();
    await expect(last.getByLabel("Edit your question").inputValue()).resolves.toBe(WHEN);
    await last.getByRole("button", { name: "Cancel" }).click();
    await expect(last.locator(".question").textContent()).resolves.toBe(WHEN);

    await last.getByRole("button", { name: "Edit question" }).click();
    await last.getByLabel("Edit your question").fill(JADOON);
    await last.getByRole("button", { name: "Send" }).click();
    await page.locator(".turn").last().locator(".answer.grounded").waitFor();
    await expect(page.locator(".turn .question").allTextContents()).resolves.toEqual([KILLED, JADOON]);
    expect(sent.map((s) => s.question)).toEqual([KILLED, WHEN, JADOON]);
    expect(sent[2]!.history).toEqual(sent[1]!.history);
    await page.getByRole("button", { name: "New chat" }).click();
  });

  it("exports the conversation as Markdown, each quote cited by title and section, not by ids and offsets", async () => {
    await page.goto(real.url);
    await ask(page, KILLED);
    const done = await askApi(real.url, KILLED);
    const citation = done.citations[0]!;
    const downloading = page.waitForEvent("download");
    await page.getByRole("button", { name: "Export" }).click();
    const file = await downloading;
    expect(file.suggestedFilename()).toBe("conversation.md");
    const markdown = await readFile((await file.path())!, "utf8");
    expect(markdown).toContain(`## ${KILLED}\n\n${done.answer}\n`);
    expect(markdown).toContain(`[1] ${citation.title}, “${citation.heading}”:\n\n> ${citation.quote}\n`);
    expect(markdown).not.toContain(`${citation.documentId}:`);
    await page.getByRole("button", { name: "New chat" }).click();
  });
});
