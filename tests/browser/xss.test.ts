import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openArticlePipeline } from "../support/pipeline.js";
import type { RunningServer } from "../support/server.js";
import { DecliningAnswerer } from "./support/answerers.js";
import { launchBrowser, screenshot, startChatServer } from "./support/browser.js";
import { ask, askApi } from "./support/chat-page.js";

const SCRIPT = "<script>window.__xss = 1</script>";
const IMAGE = `<img src="x" onerror="window.__xss = 2">`;
const DOCUMENT = [
  "# Harbour notes <b>draft</b>",
  "",
  `The harbour inspection found ${SCRIPT} written in the ledger, next to ${IMAGE} pasted by a clerk.`,
  "",
  "The lighthouse keeper counted forty-two ships sheltering in the bay during the storm.",
  "",
].join("\n");
const QUESTION = "What did the harbour inspection find written in the ledger?";

let dirs: string[];
let server: RunningServer;
let declining: RunningServer;
let browser: Browser;

beforeAll(async () => {
  dirs = await Promise.all([mkdtemp(join(tmpdir(), "xss-corpus-")), mkdtemp(join(tmpdir(), "xss-data-"))]);
  const [corpus, data] = dirs as [string, string];
  await writeFile(join(corpus, "harbour-notes.md"), DOCUMENT);
  const [pipeline, launched] = await Promise.all([openArticlePipeline({ CORPUS_DIR: corpus, DATA_DIR: data }), launchBrowser()]);
  browser = launched;
  [server, declining] = await Promise.all([startChatServer(pipeline), startChatServer({ ...pipeline, answerer: new DecliningAnswerer() })]);
});
afterAll(async () => {
  await browser?.close();
  await Promise.all([server?.close(), declining?.close()]);
  await Promise.all((dirs ?? []).map((dir) => rm(dir, { recursive: true, force: true })));
});

it("shows markup from a document as text and never runs it", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(server.url);
  await expect.poll(() => page.locator("#library").textContent()).toContain("Harbour notes <b>draft</b>");

  await ask(page, QUESTION);
  const done = await askApi(server.url, QUESTION);
  expect(done.grounded).toBe(true);
  expect(done.citations[0]!.quote).toContain(SCRIPT);
  await expect(page.locator(".quotation blockquote").allTextContents()).resolves.toEqual(done.citations.map((c) => `${c.quote} [${c.id}]`));
  await expect(page.locator(".quotation blockquote").first().textContent()).resolves.toContain(IMAGE);
  await expect(page.locator(".sources .card-snippet").first().textContent()).resolves.toContain(SCRIPT);

  await page.locator("button.chip").first().click();
  const mark = page.locator("#source-panel mark");
  await mark.waitFor();
  await expect(mark.textContent()).resolves.toBe(done.citations[0]!.quote);
  await expect(page.locator("#source-text").textContent()).resolves.toBe(DOCUMENT);
  await expect(page.locator("#source-heading").textContent()).resolves.toBe("Harbour notes <b>draft</b>");
  // Rendered as Markdown, the heading line is a heading: its markup, too, is text.
  await expect(page.locator("#source-text h3").innerText()).resolves.toBe("Harbour notes <b>draft</b>");
  await expect(page.getByText(SCRIPT).first().isVisible()).resolves.toBe(true);
  await screenshot(page, "xss-source");

  await expectNoMarkupRan(page);
  await page.close();
});

it("shows markup in the closest passages of a declined question as text", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(declining.url);
  await ask(page, QUESTION);
  const passage = page.locator(".closest-passage").filter({ hasText: SCRIPT });
  await expect(passage.locator(".closest-document").textContent()).resolves.toBe("Harbour notes <b>draft</b>");
  await expect(passage.locator(".closest-snippet").textContent()).resolves.toContain(IMAGE);
  await expectNoMarkupRan(page);
  await page.close();
});

async function expectNoMarkupRan(page: Page): Promise<void> {
  const dom = await page.evaluate(() => ({
    xss: (window as { __xss?: unknown }).__xss,
    images: document.querySelectorAll("img").length,
    scripts: [...document.querySelectorAll("script")].map((s) => s.getAttribute("src")),
    bold: document.querySelectorAll("b").length,
  }));
  expect(dom).toEqual({ xss: undefined, images: 0, scripts: ["/app.js"], bold: 0 });
}
