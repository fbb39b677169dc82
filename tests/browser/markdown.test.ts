import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AskPipeline } from "../../src/answer/ask.js";
import { openArticlePipeline } from "../support/pipeline.js";
import type { RunningServer } from "../support/server.js";
import { ConfidenceAnswerer, MarkdownAnswerer } from "./support/answerers.js";
import { launchBrowser, screenshot, startChatServer } from "./support/browser.js";
import { ask, askApi } from "./support/chat-page.js";

const DOCUMENT = [
  "# Harbour log",
  "",
  "During the storm of 1881 the lighthouse keeper counted **forty-two ships** sheltering in the *northern* bay.",
  "",
  "The harbour master keeps the `tide_table` and the pilot_roster in the office by the quay.",
  "",
].join("\n");
const SHIPS = "How many ships did the lighthouse keeper count in the bay during the storm?";
const MODEL_ANSWER = [
  "**Forty-two ships** sheltered in the bay [1].",
  "",
  "- counted by the *lighthouse keeper*",
  "- during the storm, with the `tide_table` kept aside",
  "",
  `Markup stays text: <img src="x" onerror="window.__xss = 3">`,
].join("\n");

let dirs: string[];
let pipeline: AskPipeline;
let quoting: RunningServer;
let model: RunningServer;
let browser: Browser;

beforeAll(async () => {
  dirs = await Promise.all([mkdtemp(join(tmpdir(), "markdown-corpus-")), mkdtemp(join(tmpdir(), "markdown-data-"))]);
  const [corpus, data] = dirs as [string, string];
  await writeFile(join(corpus, "harbour-log.md"), DOCUMENT);
  [pipeline, browser] = await Promise.all([openArticlePipeline({ CORPUS_DIR: corpus, DATA_DIR: data }), launchBrowser()]);
  [quoting, model] = await Promise.all([
    startChatServer({ ...pipeline, answerer: new ConfidenceAnswerer(pipeline.answerer, 0.9) }),
    startChatServer({ ...pipeline, answerer: new MarkdownAnswerer(pipeline.index, MODEL_ANSWER) }),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await Promise.all([quoting?.close(), model?.close()]);
  await Promise.all((dirs ?? []).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function open(server: RunningServer): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(server.url);
  return page;
}

describe("Markdown", () => {
  it("in a quote from a Markdown document shows as emphasis, while the quote's text and its marked words stay exact", async () => {
    const done = await askApi(quoting.url, SHIPS);
    const citation = done.citations[0]!;
    expect(citation.quote).toContain("**forty-two ships**");
    expect(citation.answerSpan).toBeDefined();
    const page = await open(quoting);
    await ask(page, SHIPS);
    const quote = page.locator(".quotation blockquote").first();
    await expect(quote.textContent()).resolves.toBe(`${citation.quote} [1]`);
    await expect(quote.locator("strong").textContent()).resolves.toContain("forty-two");
    await expect(quote.locator("em").textContent()).resolves.toBe("northern");
    const shown = await quote.innerText();
    expect(shown).not.toContain("*");
    const text = (await pipeline.index.documents.read(citation.documentId))!.text;
    const answerWords = text.slice(citation.answerSpan!.start, citation.answerSpan!.end);
    await expect(quote.locator("mark.answer-part").allTextContents()).resolves.toEqual([answerWords]);
    await expect(page.locator(".sources .card-snippet strong").textContent()).resolves.toContain("forty-two");
    await screenshot(page, "desktop-markdown-quote");

    // The source panel still highlights exactly the quote.
    await quote.locator("button.chip").click();
    await expect(page.locator("#source-panel mark").textContent()).resolves.toBe(citation.quote);
    await page.close();
  });

  it("in a model's answer shows as bold, lists and code, with its chips, and HTML in it stays text", async () => {
    const page = await open(model);
    await ask(page, SHIPS);
    const answer = page.locator(".turn .answer-text");
    await expect(answer.locator("strong").textContent()).resolves.toBe("Forty-two ships");
    await expect(answer.locator("li").allTextContents()).resolves.toEqual([
      "counted by the lighthouse keeper",
      "during the storm, with the tide_table kept aside",
    ]);
    await expect(answer.locator("li em").textContent()).resolves.toBe("lighthouse keeper");
    await expect(answer.locator("li code").textContent()).resolves.toBe("tide_table");
    await expect(answer.locator("button.chip").textContent()).resolves.toBe("[1]");
    expect(await answer.innerText()).not.toMatch(/\*|`|^- /m);
    await expect(answer.getByText(`<img src="x" onerror="window.__xss = 3">`, { exact: false }).isVisible()).resolves.toBe(true);
    const dom = await page.evaluate(() => ({
      xss: (window as { __xss?: unknown }).__xss,
      images: document.querySelectorAll("img").length,
    }));
    expect(dom).toEqual({ xss: undefined, images: 0 });
    await screenshot(page, "desktop-markdown-model-answer");
    await page.close();
  });
});
