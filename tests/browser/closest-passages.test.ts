import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AskResponse } from "../../src/answer/types.js";
import type { SourceDocument } from "../../src/ingest/types.js";
import { openArticlePipeline } from "../support/pipeline.js";
import type { RunningServer } from "../support/server.js";
import { DecliningAnswerer } from "./support/answerers.js";
import { launchBrowser, screenshot, startChatServer } from "./support/browser.js";
import { ask, askApi, markIsInView, textBeforeMark } from "./support/chat-page.js";

// Declined by the stand-in, though the article covers it: the closest passages are the relevant ones.
const QUESTION = "How many people did ISKP kill in Moscow?";

let server: RunningServer;
let browser: Browser;
let done: AskResponse;
let doc: SourceDocument;

beforeAll(async () => {
  const [pipeline, launched] = await Promise.all([openArticlePipeline(), launchBrowser()]);
  browser = launched;
  server = await startChatServer({ ...pipeline, answerer: new DecliningAnswerer() });
  done = await askApi(server.url, QUESTION);
  // The article is the one document, so every passage is in it.
  doc = await (await fetch(`${server.url}/documents/${done.passages[0]!.documentId}`)).json();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Asserts that the source panel highlights exactly `done.passages[index]`, as "Passage n of m". */
async function expectPassageShown(page: Page, index: number, count: number): Promise<void> {
  const passage = done.passages[index]!;
  await expect.poll(() => page.locator("#source-position").textContent()).toBe(`Passage ${index + 1} of ${count}`);
  await expect(page.locator("#source-panel mark").textContent()).resolves.toBe(doc.text.slice(passage.start, passage.end));
  await expect(textBeforeMark(page)).resolves.toBe(doc.text.slice(0, passage.start));
  await expect(markIsInView(page)).resolves.toBe(true);
}

describe("a question the documents do not cover", () => {
  it("lists the closest passages, not as an answer, and opens each at its span", async () => {
    expect(done.grounded).toBe(false);
    expect(done.passages.length).toBeGreaterThanOrEqual(3);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(server.url);
    await ask(page, QUESTION);

    const answer = page.locator(".turn .answer");
    await expect(answer.locator(".badge").textContent()).resolves.toBe("Not found in the documents");
    const closest = answer.locator(".closest");
    await expect(closest.getByRole("heading", { name: "Closest passages" }).isVisible()).resolves.toBe(true);
    await expect(closest.getByText("Not an answer", { exact: false }).isVisible()).resolves.toBe(true);
    const items = closest.getByRole("button");
    await expect(items.count()).resolves.toBe(3);
    await expect(answer.locator("button.chip, .sources, .sources-heading").count()).resolves.toBe(0);
    const first = done.passages[0]!;
    await expect(items.first().locator(".closest-document").textContent()).resolves.toBe(doc.title);
    await expect(items.first().locator(".closest-section").textContent()).resolves.toBe(first.heading);
    const snippet = (await items.first().locator(".closest-snippet").textContent())!;
    expect(snippet.length).toBeLessThanOrEqual(161);
    expect(first.text.replace(/\s+/g, " ")).toContain(snippet.replace(/…$/, ""));
    await screenshot(page, "desktop-closest-passages");

    await items.first().click();
    await expectPassageShown(page, 0, 3);
    await expect(page.locator("#source-heading").textContent()).resolves.toBe(doc.title);
    await expect(page.locator("#source-nav").getAttribute("aria-label")).resolves.toBe("Closest passages");
    await expect(page.locator("#source-warning").isHidden()).resolves.toBe(true);
    await screenshot(page, "desktop-closest-passage-source");
    await page.getByRole("button", { name: "Next" }).click();
    await expectPassageShown(page, 1, 3);
    await page.locator("#source-close").click();
    await expect(page.locator("#source-panel").isHidden()).resolves.toBe(true);
    await page.close();
  });

  it("opens a passage from the keyboard and gives focus back to it on Escape", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(server.url);
    await ask(page, QUESTION);

    const third = page.locator(".closest-passage").nth(2);
    await third.focus();
    await page.keyboard.press("Enter");
    await expectPassageShown(page, 2, 3);
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe("source-heading");
    await page.keyboard.press("Escape");
    await expect(page.locator("#source-panel").isHidden()).resolves.toBe(true);
    await expect(third.evaluate((button) => button === document.activeElement)).resolves.toBe(true);
    await expect(third.evaluate((button) => getComputedStyle(button).outlineStyle)).resolves.toBe("solid");
    await screenshot(page, "desktop-closest-passage-focus");
    await page.close();
  });

  it("fits a phone (375 px), and a tap opens the passage over the chat", async () => {
    const page = await browser.newPage({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
    await page.goto(server.url);
    await ask(page, QUESTION);
    const noHorizontalScroll = () => page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);

    const first = page.locator(".closest-passage").first();
    await first.scrollIntoViewIfNeeded();
    const box = (await first.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(375);
    expect(box.height).toBeGreaterThanOrEqual(44);
    await expect(noHorizontalScroll()).resolves.toBe(true);
    await screenshot(page, "mobile-closest-passages");

    await first.tap();
    await expectPassageShown(page, 0, 3);
    await expect(noHorizontalScroll()).resolves.toBe(true);
    await screenshot(page, "mobile-closest-passage-source");
    await page.getByRole("button", { name: "Close" }).tap();
    await expect(page.locator("#source-panel").isHidden()).resolves.toBe(true);
    await page.close();
  });
});
