import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openArticlePipeline } from "../support/pipeline.js";
import type { RunningServer } from "../support/server.js";
import { ConfidenceAnswerer } from "./support/answerers.js";
import { launchBrowser, SCREENS, screenshot, startChatServer } from "./support/browser.js";
import { ask } from "./support/chat-page.js";

// Answers with marked words and a sentence of context: what sits in the page but is hidden from sight.
const QUESTIONS = ["How many people did ISKP kill in Moscow?", "How many members does ISKP have?", "When did the attack in Moscow happen?"];
// The last is declined: its closest passages are highlighted whole, often taller than the panel.
const DECLINED = "What is the capital of France?";
const TURNS = 10;

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  const [pipeline, launched] = await Promise.all([openArticlePipeline(), launchBrowser()]);
  browser = launched;
  // Direct, so that every answer has its marked words.
  server = await startChatServer({ ...pipeline, answerer: new ConfidenceAnswerer(pipeline.answerer, 0.9) });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** True when the whole of `selector` is inside the window. */
function inWindow(page: Page, selector: string): Promise<boolean> {
  return page.locator(selector).evaluate((element) => {
    const box = element.getBoundingClientRect();
    return box.top >= 0 && box.bottom <= innerHeight && box.left >= 0 && box.right <= innerWidth;
  });
}

for (const [screen, options] of Object.entries(SCREENS)) {
  describe(`a conversation of ${TURNS} turns (${screen})`, () => {
    let page: Page;
    beforeAll(async () => {
      page = await browser.newPage(options);
      await page.goto(server.url);
      for (let i = 0; i < TURNS - 1; i++) await ask(page, QUESTIONS[i % QUESTIONS.length]!);
      await ask(page, DECLINED);
    });
    afterAll(() => page?.close());

    it("scrolls inside the conversation only: the page itself never grows past the window", async () => {
      await expect(page.locator(".turn mark.answer-part").count()).resolves.toBeGreaterThanOrEqual(TURNS / 2);
      const sizes = await page.evaluate(() => ({ page: document.scrollingElement!.scrollHeight, window: innerHeight }));
      expect(sizes.page).toBe(sizes.window);
      await expect(inWindow(page, "#composer")).resolves.toBe(true);
      await expect(inWindow(page, ".topbar")).resolves.toBe(true);
    });

    it("keeps the source panel's header in sight when a citation far up or a closest passage at the end is opened", async () => {
      for (const chip of [
        page.locator(".turn").first().locator("button.chip").first(),
        page.locator(".turn").last().locator(".closest-passage").first(),
      ]) {
        await chip.scrollIntoViewIfNeeded();
        // A reader at the end of the conversation scrolls on a little, as a wheel or a finger does, then chooses the citation.
        const box = (await page.locator("#conversation").boundingBox())!;
        await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
        await page.mouse.wheel(0, 300);
        await chip.click();
        await page.locator("#source-panel mark").waitFor();
        await expect(inWindow(page, "#source-heading")).resolves.toBe(true);
        await expect(inWindow(page, "#source-close")).resolves.toBe(true);
        await screenshot(page, `${screen}-long-conversation-source`);
        await page.locator("#source-close").click();
        await expect(page.locator("#source-panel").isHidden()).resolves.toBe(true);
      }
    });
  });
}
