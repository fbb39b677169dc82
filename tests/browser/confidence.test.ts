import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AskPipeline } from "../../src/answer/ask.js";
import { openArticlePipeline } from "../support/pipeline.js";
import type { RunningServer } from "../support/server.js";
import { ConfidenceAnswerer, DecliningAnswerer } from "./support/answerers.js";
import { launchBrowser, SCREENS, screenshot, startChatServer } from "./support/browser.js";
import { ask, changeAnswers } from "./support/chat-page.js";

// The article says how many were killed, not how many were injured: the same quote answers one and not the other.
const KILLED = "How many people did ISKP kill in Moscow?";
const INJURED = "How many people were injured in the Moscow attack?";

let pipeline: AskPipeline;
let browser: Browser;
let sure: RunningServer;
let unsure: RunningServer;
let declining: RunningServer;

beforeAll(async () => {
  [pipeline, browser] = await Promise.all([openArticlePipeline(), launchBrowser()]);
  [sure, unsure, declining] = await Promise.all([
    startChatServer({ ...pipeline, answerer: new ConfidenceAnswerer(pipeline.answerer, 0.95) }),
    startChatServer({ ...pipeline, answerer: new ConfidenceAnswerer(pipeline.answerer, 0.31) }),
    startChatServer({ ...pipeline, answerer: new DecliningAnswerer() }),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await Promise.all([sure, unsure, declining].map((server) => server?.close()));
});

async function open(server: RunningServer, screen: keyof typeof SCREENS = "desktop"): Promise<Page> {
  const page = await browser.newPage(SCREENS[screen]);
  await page.goto(server.url);
  return page;
}

/** The confidence line as a reader sees it: the word alone, or with its number while it is hovered or focused. */
function confidence(page: Page): Promise<string> {
  return page.locator(".turn .confidence").last().innerText();
}

describe("how sure an answer is", () => {
  it("a direct answer keeps its lead and marked words, and says its confidence, with the number on hover and focus", async () => {
    const page = await open(sure);
    await ask(page, KILLED);
    const answer = page.locator(".turn .answer");
    await expect(answer.locator(".lead").textContent()).resolves.toBe("The number, in the documents' own words:");
    await expect(answer.locator("mark.answer-part").textContent()).resolves.toBe("approximately 137");
    await expect(answer.locator(".support-note").count()).resolves.toBe(0);
    await expect(confidence(page)).resolves.toBe("Confidence: Very likely");
    await answer.locator(".confidence-word").hover();
    await expect(confidence(page)).resolves.toBe("Confidence: Very likely (95%)");
    await screenshot(page, "desktop-direct-answer");
    await page.close();
  });

  for (const screen of ["desktop", "mobile"] as const) {
    it(`a related answer says it may not answer, marks nothing, names the missing words and looks unsure (${screen})`, async () => {
      const page = await open(unsure, screen);
      await changeAnswers(page, (response) => ({ ...response, unmatched: ["injured"] }));
      await ask(page, INJURED);
      const answer = page.locator(".turn .answer");
      await expect(answer.locator("p").first().textContent()).resolves.toBe(
        "The documents may not answer this directly. The closest passage:",
      );
      await expect(answer.locator(".quotation blockquote").textContent()).resolves.toMatch(
        /^On March 22, 2024, .* killed approximately 137 people/,
      );
      await expect(answer.locator(".lead, mark").count()).resolves.toBe(0);
      await expect(answer.locator(".unmatched").textContent()).resolves.toBe("Not in this passage: injured");
      await expect(confidence(page)).resolves.toBe("Confidence: Unsure");

      // The number shows on keyboard focus too, not only under a mouse.
      await page.getByLabel("Your question").focus();
      const word = answer.locator(".confidence-word");
      while (!(await word.evaluate((w) => w === document.activeElement))) await page.keyboard.press("Shift+Tab");
      await expect(confidence(page)).resolves.toBe("Confidence: Unsure (31%)");
      await screenshot(page, `${screen}-related-answer`);

      // Side by side with a direct answer to the same quote, it looks different.
      const relatedLook = await answer.evaluate(look);
      await page.goto(sure.url);
      await ask(page, KILLED);
      const directLook = await page.locator(".turn .answer").last().evaluate(look);
      expect(relatedLook.border).not.toBe(directLook.border);
      expect(relatedLook.background).not.toBe(directLook.background);
      expect(relatedLook.quoteBar).not.toBe(directLook.quoteBar);
      await page.close();
    });
  }

  it("a decline stays as it was, with no confidence to read as an answer's", async () => {
    const page = await open(declining);
    await ask(page, KILLED);
    const answer = page.locator(".turn .answer");
    await expect(answer.locator(".badge").textContent()).resolves.toBe("Not found in the documents");
    await expect(answer.locator(".confidence, .support-note").count()).resolves.toBe(0);
    await page.close();
  });
});

function look(answer: Element) {
  const style = getComputedStyle(answer);
  const quote = answer.querySelector("blockquote");
  return { border: style.borderTopStyle, background: style.backgroundColor, quoteBar: quote && getComputedStyle(quote).borderLeftColor };
}
