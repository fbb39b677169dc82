import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AskPipeline } from "../../src/answer/ask.js";
import type { AskResponse } from "../../src/answer/types.js";
import { openArticlePipeline } from "../support/pipeline.js";
import type { RunningServer } from "../support/server.js";
import { ConfidenceAnswerer } from "./support/answerers.js";
import { launchBrowser, SCREENS, screenshot, startChatServer } from "./support/browser.js";
import { ask, askApi, textBeforeMark } from "./support/chat-page.js";

// Its answer opens "In 2022, its members were…": the reader needs the sentence before to know whose.
const MEMBERS = "How many members does ISKP have?";
const KILLED = "How many people did ISKP kill in Moscow?";
const WHEN = "When did the attack in Moscow happen?";

let pipeline: AskPipeline;
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  [pipeline, browser] = await Promise.all([openArticlePipeline(), launchBrowser()]);
  // These are how direct answers read: the scorer is unsure of some of these quotes, which would show them as related.
  server = await startChatServer({ ...pipeline, answerer: new ConfidenceAnswerer(pipeline.answerer, 0.9) });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

for (const [screen, options] of Object.entries(SCREENS)) {
  describe(`answers that read as answers (${screen})`, () => {
    let page: Page;
    beforeAll(async () => {
      page = await browser.newPage(options);
      await page.goto(server.url);
    });
    afterAll(() => page?.close());

    it("shows the quote as a quotation under a lead, with its section, the sentence before it, and the answer marked", async () => {
      const done = await askApi(server.url, MEMBERS);
      const citation = done.citations[0]!;
      expect(done.answerKind).toBe("quantity");
      expect(citation.quote).toMatch(/^In 2022, its members/);
      expect(citation.precedingSentence?.text).toMatch(/^These factors have allowed ISKP/);
      const text = (await pipeline.index.documents.read(citation.documentId))!.text;
      expect(text.slice(citation.precedingSentence!.start, citation.precedingSentence!.end)).toBe(citation.precedingSentence!.text);

      await ask(page, MEMBERS);
      const turn = page.locator(".turn").last();
      await expect(turn.locator(".lead").textContent()).resolves.toBe("The number, in the documents' own words:");
      const figure = turn.locator("figure.quotation").first();
      await expect(figure.locator("blockquote").textContent()).resolves.toBe(`${citation.quote} [1]`);
      await expect(figure.locator(".quote-section").textContent()).resolves.toBe(citation.heading);
      expect(citation.heading).toBe("What does ISKP’s Moscow attack tell us about the terrorism landscape in Afghanistan?");
      // The sentence before is there, dimmed, and said to be context.
      const context = figure.locator(".quote-context");
      await expect(context.textContent()).resolves.toBe(`The sentence before, for context: ${citation.precedingSentence!.text}`);
      const colours = await figure.evaluate((f) => [
        getComputedStyle(f.querySelector(".quote-context")!).color,
        getComputedStyle(f.querySelector("blockquote")!).color,
      ]);
      expect(colours[0]).not.toBe(colours[1]);
      // The answering words are in a <mark> that a screen reader is told about.
      const mark = figure.locator("mark.answer-part");
      await expect(mark.textContent()).resolves.toBe(text.slice(citation.answerSpan!.start, citation.answerSpan!.end));
      await expect(mark.textContent()).resolves.toBe("between 1500 to 4000");
      await expect(mark.evaluate((m) => getComputedStyle(m, "::before").content)).resolves.toContain("the answer");
      await expect(page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).resolves.toBe(true);
      await figure.scrollIntoViewIfNeeded();
      await screenshot(page, `${screen}-quotation`);
    });

    it("says a follow-up's answer is the same passage instead of repeating it", async () => {
      await ask(page, KILLED);
      const first = await askApi(server.url, KILLED);
      await ask(page, WHEN);
      const second = await askApi(server.url, WHEN, [
        { role: "user", content: KILLED },
        { role: "assistant", content: first.answer },
      ]);
      expect(second.citations.map((c) => c.start)).toEqual(first.citations.map((c) => c.start));
      const turn = page.locator(".turn").last();
      await expect(turn.locator(".quotation").count()).resolves.toBe(0);
      await expect(turn.locator(".same-passage").textContent()).resolves.toBe("Same passage as above [1]: March 22, 2024");
      await expect(turn.locator(".same-passage mark").textContent()).resolves.toBe("March 22, 2024");
      await screenshot(page, `${screen}-same-passage`);
      // The chip still opens the passage.
      await turn.locator(".same-passage button.chip").click();
      await expect(page.locator("#source-panel mark").textContent()).resolves.toBe(second.citations[0]!.quote);
      await page.locator("#source-close").click();
    });
  });
}

describe("source cards and their preview", () => {
  let done: AskResponse;
  beforeAll(async () => {
    done = await askApi(server.url, MEMBERS);
  });

  async function expectPreview(page: Page, chip: ReturnType<Page["locator"]>) {
    const preview = page.locator("#citation-preview");
    await expect.poll(() => preview.isVisible()).toBe(true);
    const citation = done.citations[0]!;
    await expect(preview.locator(".card-title").textContent()).resolves.toBe(`[1] ${citation.title}`);
    await expect(preview.locator(".card-section").textContent()).resolves.toBe(citation.heading);
    await expect(preview.locator(".card-snippet").textContent()).resolves.toBe(citation.quote);
    await expect(chip.getAttribute("aria-describedby")).resolves.toBe("citation-preview");
    const box = (await preview.boundingBox())!;
    const width = page.viewportSize()!.width;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(width);
  }

  it("puts one card per citation under the answer, with title, section and a two-line snippet (desktop and phone)", async () => {
    for (const [screen, options] of Object.entries(SCREENS)) {
      const page = await browser.newPage(options);
      await page.goto(server.url);
      await ask(page, MEMBERS);
      const cards = page.locator(".sources .source-card");
      await expect(cards.count()).resolves.toBe(done.citations.length);
      await expect(cards.first().locator(".card-section").textContent()).resolves.toBe(done.citations[0]!.heading);
      const snippet = cards.first().locator(".card-snippet");
      const lines = await snippet.evaluate((s) => s.getBoundingClientRect().height / parseFloat(getComputedStyle(s).lineHeight));
      expect(Math.round(lines)).toBeLessThanOrEqual(2);
      await cards.first().click();
      await expect(page.locator("#source-panel mark").textContent()).resolves.toBe(done.citations[0]!.quote);
      await screenshot(page, `${screen}-source-from-card`);
      await page.close();
    }
  });

  it("previews the card on hover and on keyboard focus; a click still opens the source (desktop)", async () => {
    const page = await browser.newPage(SCREENS.desktop);
    await page.goto(server.url);
    await ask(page, MEMBERS);
    const chip = page.locator(".quotation button.chip").first();
    await chip.hover();
    await expectPreview(page, chip);
    await screenshot(page, "desktop-preview-hover");
    await page.mouse.move(5, 5);
    await expect.poll(() => page.locator("#citation-preview").isVisible()).toBe(false);

    await page.getByLabel("Your question").focus();
    await page.keyboard.press("Shift+Tab");
    while (!(await chip.evaluate((c) => c === document.activeElement))) await page.keyboard.press("Shift+Tab");
    await expectPreview(page, chip);
    await screenshot(page, "desktop-preview-focus");
    await page.keyboard.press("Escape");
    await expect(page.locator("#citation-preview").isVisible()).resolves.toBe(false);

    await chip.click();
    await expect(page.locator("#source-panel mark").textContent()).resolves.toBe(done.citations[0]!.quote);
    await expect(page.locator("#citation-preview").isVisible()).resolves.toBe(false);
    await page.close();
  });

  it("previews the card on a long press on a phone; a tap still opens the source (375 px)", async () => {
    const page = await browser.newPage(SCREENS.mobile);
    await page.goto(server.url);
    await ask(page, MEMBERS);
    const chip = page.locator(".quotation button.chip").first();
    await chip.scrollIntoViewIfNeeded();
    // A long press, as a finger holds the chip: pointerdown, a wait, pointerup and the click it ends in.
    await chip.dispatchEvent("pointerdown", { pointerType: "touch", isPrimary: true });
    await page.waitForTimeout(600);
    await chip.dispatchEvent("pointerup", { pointerType: "touch", isPrimary: true });
    await chip.dispatchEvent("click");
    await expectPreview(page, chip);
    await expect(page.locator("#source-panel").isHidden()).resolves.toBe(true);
    await screenshot(page, "mobile-preview-long-press");

    await page.locator(".turn").first().tap();
    await expect.poll(() => page.locator("#citation-preview").isVisible()).toBe(false);
    await chip.tap();
    await expect(page.locator("#source-panel mark").textContent()).resolves.toBe(done.citations[0]!.quote);
    await expect(textBeforeMark(page)).resolves.toBe(
      (await pipeline.index.documents.read(done.citations[0]!.documentId))!.text.slice(0, done.citations[0]!.start),
    );
    await page.close();
  });
});
