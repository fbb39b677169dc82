import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { AskPipeline } from "../../src/answer/ask.js";
import type { SourceDocument } from "../../src/ingest/types.js";
import { openArticlePipeline } from "../support/pipeline.js";
import type { RunningServer } from "../support/server.js";
import { ParaphrasingAnswerer, QuotingAnswerer } from "./support/answerers.js";
import { launchBrowser, screenshot, startChatServer } from "./support/browser.js";
import { ask, askApi, markIsInView, recordQuestions, textBeforeMark } from "./support/chat-page.js";

let pipeline: AskPipeline;
let server: RunningServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  [pipeline, browser] = await Promise.all([openArticlePipeline(), launchBrowser()]);
  server = await startChatServer(pipeline);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});
beforeEach(async () => {
  await page?.close();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(server.url);
});

async function fetchDocument(id: string): Promise<SourceDocument> {
  return (await fetch(`${server.url}/documents/${id}`)).json();
}

describe("the chat page", () => {
  it("starts empty, with the documents it can answer from", async () => {
    await expect.poll(() => page.locator("#library .library-count").textContent()).toBe("1 document");
    await expect(page.locator("#library .library-list li").allTextContents()).resolves.toEqual([
      pipeline.index.documents.catalog.get("iskp-moscow-attack")!.title,
    ]);
    await expect(page.locator(".turn").count()).resolves.toBe(0);
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe("question");
    await screenshot(page, "desktop-empty");
  });

  it("streams an answer about the article with citation chips", async () => {
    await ask(page, "How many people did ISKP kill in Moscow?");
    const done = await askApi(server.url, "How many people did ISKP kill in Moscow?");
    expect(done.grounded).toBe(true);
    const chips = page.locator(".turn .quotation button.chip");
    await expect(chips.count()).resolves.toBe(done.citations.length);
    await expect(chips.first().textContent()).resolves.toBe("[1]");
    await expect(page.getByRole("button", { name: "[1]", exact: true }).count()).resolves.toBe(1);
    // An extractive answer is its quotes, shown as quotations, each with its chip.
    await expect(page.locator(".quotation blockquote").allTextContents()).resolves.toEqual(
      done.citations.map((c) => `${c.quote} [${c.id}]`),
    );
    expect(done.answer).toContain("137 people");
    await expect(page.locator(".sources .card-title").first().textContent()).resolves.toBe(`[1] ${done.citations[0]!.title}`);
    await expect(page.getByLabel("Your question").isEnabled()).resolves.toBe(true);
    await screenshot(page, "desktop-answer");
  });

  it("opens the cited span of the source, exactly, when a chip is clicked", async () => {
    await ask(page, "How many people did ISKP kill in Moscow?");
    const done = await askApi(server.url, "How many people did ISKP kill in Moscow?");
    const citation = done.citations[0]!;
    const doc = await fetchDocument(citation.documentId);

    await page.locator("button.chip").first().click();
    const mark = page.locator("#source-panel mark");
    await mark.waitFor();
    await expect(mark.textContent()).resolves.toBe(citation.quote);
    expect(doc.text.slice(citation.start, citation.end)).toBe(citation.quote);
    await expect(textBeforeMark(page)).resolves.toBe(doc.text.slice(0, citation.start));
    await expect(page.locator("#source-text").textContent()).resolves.toBe(doc.text);
    await expect(page.locator("#source-heading").textContent()).resolves.toBe(doc.title);
    await expect(page.locator("#source-path").textContent()).resolves.toBe(doc.path);
    await expect(markIsInView(page)).resolves.toBe(true);
    await screenshot(page, "desktop-source");

    // The source under the answer opens the same span.
    await page.locator("#source-close").click();
    await expect(page.locator("#source-panel").isHidden()).resolves.toBe(true);
    await page.locator(".sources .source-card").first().click();
    await expect(mark.textContent()).resolves.toBe(citation.quote);
  });

  it("says plainly when the documents do not cover the question, with no chips", async () => {
    await ask(page, "What is the capital of France?");
    const done = await askApi(server.url, "What is the capital of France?");
    expect(done.grounded).toBe(false);
    const answer = page.locator(".turn .answer");
    await expect(answer.getAttribute("class")).resolves.toContain("not-found");
    await expect(answer.locator(".badge").textContent()).resolves.toBe("Not found in the documents");
    await expect(answer.locator("button.chip").count()).resolves.toBe(0);
    await expect(answer.locator(".sources").count()).resolves.toBe(0);
    await screenshot(page, "desktop-not-found");
  });

  it("sends the earlier turns as history with a follow-up, and forgets them on New chat", async () => {
    const sent = recordQuestions(page);
    await ask(page, "How many people did ISKP kill in Moscow?");
    const first = await askApi(server.url, "How many people did ISKP kill in Moscow?");
    await ask(page, "When did the attack in Moscow happen?");
    expect(sent[0]!.history).toEqual([]);
    expect(sent[1]!.history).toEqual([
      { role: "user", content: "How many people did ISKP kill in Moscow?" },
      { role: "assistant", content: first.answer },
    ]);
    await expect(page.locator(".turn").count()).resolves.toBe(2);
    await screenshot(page, "desktop-follow-up");

    await page.getByRole("button", { name: "New chat" }).click();
    await expect(page.locator(".turn").count()).resolves.toBe(0);
    await expect(page.locator("#empty").isVisible()).resolves.toBe(true);
    await ask(page, "Who is Amira Jadoon?");
    expect(sent[2]!.history).toEqual([]);
  });

  it("is usable from the keyboard: Shift+Enter, chips, Escape", async () => {
    const input = page.getByLabel("Your question");
    await input.press("Shift+Enter");
    await input.pressSequentially("How many people did ISKP kill");
    await input.press("Shift+Enter");
    await input.pressSequentially("in Moscow?");
    await expect(input.inputValue()).resolves.toBe("\nHow many people did ISKP kill\nin Moscow?");
    await expect(page.locator(".turn").count()).resolves.toBe(0);

    await input.press("Enter");
    await page.locator("button.chip").first().waitFor();
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe("question");

    await page.locator("button.chip").first().focus();
    await page.keyboard.press("Enter");
    await page.locator("#source-panel mark").waitFor();
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe("source-heading");
    await page.keyboard.press("Tab");
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).toBe("solid");
    await screenshot(page, "desktop-keyboard-focus");
    await page.keyboard.press("Escape");
    await expect(page.locator("#source-panel").isHidden()).resolves.toBe(true);
    await expect(page.evaluate(() => document.activeElement?.className)).resolves.toBe("chip");
  });
});

describe("an answer with several citations", () => {
  let quoting: RunningServer;
  beforeAll(async () => {
    quoting = await startChatServer({ ...pipeline, answerer: new QuotingAnswerer(pipeline.index, 3) });
  });
  afterAll(() => quoting?.close());

  it("steps through its citations with previous and next", async () => {
    await page.goto(quoting.url);
    await ask(page, "What does the Moscow attack say about ISKP?");
    const done = await askApi(quoting.url, "What does the Moscow attack say about ISKP?");
    expect(done.citations).toHaveLength(3);
    const texts = new Map<string, string>();
    for (const c of done.citations) texts.set(c.documentId, (await fetchDocument(c.documentId)).text);

    await page.getByRole("button", { name: "[2]", exact: true }).click();
    const mark = page.locator("#source-panel mark");
    const position = page.locator("#source-position");
    const expectShowing = async (index: number) => {
      const citation = done.citations[index]!;
      await expect.poll(() => position.textContent()).toBe(`Citation ${citation.id} of 3`);
      await expect(mark.textContent()).resolves.toBe(texts.get(citation.documentId)!.slice(citation.start, citation.end));
      await expect(textBeforeMark(page)).resolves.toBe(texts.get(citation.documentId)!.slice(0, citation.start));
      await expect(markIsInView(page)).resolves.toBe(true);
    };
    await expectShowing(1);
    await page.getByRole("button", { name: "Next" }).click();
    await expectShowing(2);
    await expect(page.getByRole("button", { name: "Next" }).isDisabled()).resolves.toBe(true);
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe("source-prev");
    await screenshot(page, "desktop-source-stepping");
    await page.getByRole("button", { name: "Previous" }).click();
    await page.getByRole("button", { name: "Previous" }).click();
    await expectShowing(0);
    await expect(page.getByRole("button", { name: "Previous" }).isDisabled()).resolves.toBe(true);

    await page.setViewportSize({ width: 375, height: 740 });
    await page.getByRole("button", { name: "Next" }).click();
    await expectShowing(1);
    const width = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    expect(width[0]).toBe(width[1]);
    await screenshot(page, "mobile-source-stepping");
  });
});

describe("an answer in the model's own words", () => {
  let paraphrasing: RunningServer;
  beforeAll(async () => {
    paraphrasing = await startChatServer({ ...pipeline, answerer: new ParaphrasingAnswerer(pipeline.index) });
  });
  afterAll(() => paraphrasing?.close());

  it("shows its text with chips, and each cited quote on a card under Sources", async () => {
    await page.goto(paraphrasing.url);
    await ask(page, "How many people did ISKP kill in Moscow?");
    const done = await askApi(paraphrasing.url, "How many people did ISKP kill in Moscow?");
    expect(done.answer).not.toContain(done.citations[0]!.quote);
    await expect(page.locator(".answer-text").textContent()).resolves.toBe(done.answer);
    await expect(page.locator(".quotation").count()).resolves.toBe(0);
    await expect(page.locator(".sources .card-snippet").first().textContent()).resolves.toBe(done.citations[0]!.quote);
  });
});
