import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AskPipeline } from "../../src/answer/ask.js";
import { openArticlePipeline } from "../support/pipeline.js";
import type { RunningServer } from "../support/server.js";
import { launchBrowser, startChatServer } from "./support/browser.js";

let pipeline: AskPipeline;
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  [pipeline, browser] = await Promise.all([openArticlePipeline(), launchBrowser()]);
  server = await startChatServer(pipeline);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe("a citation's link, as other tools give it (?doc=<id>#<start>-<end>)", () => {
  it("opens the page with the cited span highlighted in its document", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/?doc=iskp-moscow-attack#197-369`);
    const mark = page.locator("#source-panel mark");
    await mark.first().waitFor();
    const text = (await pipeline.index.documents.read("iskp-moscow-attack"))!.text;
    await expect(mark.allTextContents().then((parts) => parts.join(""))).resolves.toBe(text.slice(197, 369));
    await expect(page.locator("#source-heading").textContent()).resolves.toBe(
      pipeline.index.documents.catalog.get("iskp-moscow-attack")!.title,
    );
    await page.close();
  });

  it("leaves the page as it is for a document that is not there", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/?doc=no-such-document#1-5`);
    await page.locator("#examples button.example").first().waitFor();
    await expect(page.locator("#source-panel").isHidden()).resolves.toBe(true);
    await page.close();
  });
});
