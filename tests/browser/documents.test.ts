import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AskPipeline } from "../../src/answer/ask.js";
import { openArticlePipeline } from "../support/pipeline.js";
import type { RunningServer } from "../support/server.js";
import { QuotingAnswerer } from "./support/answerers.js";
import { launchBrowser, SCREENS, screenshot, startChatServer } from "./support/browser.js";
import { ask, askApi, markIsInView, textBeforeMark } from "./support/chat-page.js";
import type { HeldDocuments } from "../../src/index/held-documents.js";

const HANDBOOK = [
  "# Lighthouse handbook",
  "",
  "## Duties of the keeper",
  "",
  "The keeper lights the lamp at dusk and logs every ship that passes the point.",
  "",
  "- Trim the wick of the lamp every four hours during the night.",
  "- Polish the great lens on Sunday mornings before the inspection.",
  "",
  "## What happened in the storm of 1911?",
  "",
  "In the storm of 1911 the keeper counted forty-two ships sheltering in the bay,",
  "and he kept the lamp burning for three days without sleep.",
  "",
].join("\n");
// More documents than the start screen lists, so that it has to offer a search.
const OTHERS = ["Tide tables", "Harbour dues", "Fog signals", "Ship registry", "Pilot boats", "Buoy maintenance", "Coast guard stations"];

let dirs: string[];
let article: AskPipeline;
let handbook: AskPipeline;
let articleServer: RunningServer;
let handbookServer: RunningServer;
let browser: Browser;

beforeAll(async () => {
  dirs = await Promise.all([mkdtemp(join(tmpdir(), "documents-corpus-")), mkdtemp(join(tmpdir(), "documents-data-"))]);
  const [corpus, data] = dirs as [string, string];
  await writeFile(join(corpus, "lighthouse-handbook.md"), HANDBOOK);
  for (const title of OTHERS) {
    await writeFile(
      join(corpus, `${title.toLowerCase().replace(/ /g, "-")}.md`),
      `# ${title}\n\nThe ${title.toLowerCase()} of the port are kept in the harbour office for anyone to read.\n`,
    );
  }
  [article, handbook, browser] = await Promise.all([
    openArticlePipeline(),
    openArticlePipeline({ CORPUS_DIR: corpus, DATA_DIR: data }),
    launchBrowser(),
  ]);
  [articleServer, handbookServer] = await Promise.all([
    startChatServer(article),
    startChatServer({ ...handbook, answerer: new QuotingAnswerer(handbook.index, 3) }),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await Promise.all([articleServer?.close(), handbookServer?.close()]);
  await Promise.all((dirs ?? []).map((dir) => rm(dir, { recursive: true, force: true })));
});

for (const [screen, options] of Object.entries(SCREENS)) {
  describe(`the start screen (${screen})`, () => {
    it("offers the section headings it answers directly as questions, and one click asks it", async () => {
      const headings = new Set([...(article.index.documents as HeldDocuments).held.passages.values()].map((p) => p.heading));
      const offered = ((await (await fetch(`${articleServer.url}/examples`)).json()) as { questions: string[] }).questions;
      expect(offered.length).toBeGreaterThan(0);
      for (const question of offered) expect(headings.has(question), question).toBe(true);
      const page = await browser.newPage(options);
      await page.goto(articleServer.url);
      const examples = page.locator("#examples button.example");
      await expect.poll(() => examples.allTextContents()).toEqual(offered);
      await expect(page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).resolves.toBe(true);
      await screenshot(page, `${screen}-start`);
      await examples.nth(0).click();
      await page.locator(".turn .answer.grounded").waitFor();
      await expect(page.locator(".turn .question").textContent()).resolves.toBe(offered[0]);
      await page.close();
    });

    it("lists a few documents and finds the others by searching their titles", async () => {
      const page = await browser.newPage(options);
      await page.goto(handbookServer.url);
      await expect.poll(() => page.locator("#library .library-count").textContent()).toBe("8 documents");
      const titles = page.locator("#library .library-list li");
      await expect(titles.count()).resolves.toBe(6);
      await expect(page.locator("#library .library-more").textContent()).resolves.toBe("and 2 more: search to find them.");
      await page.getByLabel("Find a document").fill("coast");
      await expect(titles.allTextContents()).resolves.toEqual(["Coast guard stations"]);
      await expect(page.locator("#library .library-more").textContent()).resolves.toBe("");
      await page.getByLabel("Find a document").fill("no such title");
      await expect(titles.count()).resolves.toBe(0);
      await expect(page.locator("#library .library-more").textContent()).resolves.toBe("No document title has those words.");
      await page.getByLabel("Find a document").fill("");
      // Its one question heading is answered only as the closest passage, so it is not offered as an example.
      const offered = ((await (await fetch(`${handbookServer.url}/examples`)).json()) as { questions: string[] }).questions;
      expect(offered).not.toContain("What happened in the storm of 1911?");
      await expect.poll(() => page.locator("#examples button.example").allTextContents()).toEqual(offered);
      await screenshot(page, `${screen}-start-many-documents`);
      await page.close();
    });
  });

  describe(`a Markdown source (${screen})`, () => {
    it("is laid out as headings, a list and paragraphs, with each quote highlighted exactly", async () => {
      const question = "How often is the wick of the lamp trimmed during the night?";
      const done = await askApi(handbookServer.url, question);
      const quotes = done.citations.filter((c) => c.documentId === "lighthouse-handbook");
      expect(quotes.length).toBeGreaterThanOrEqual(2);
      const page = await browser.newPage(options);
      await page.goto(handbookServer.url);
      await ask(page, question);
      for (const citation of quotes) {
        await page.getByRole("button", { name: `[${citation.id}]`, exact: true }).click();
        const mark = page.locator("#source-panel mark");
        await expect.poll(() => page.locator("#source-heading").textContent()).toBe("Lighthouse handbook");
        await expect(mark.textContent()).resolves.toBe(citation.quote);
        await expect(mark.textContent()).resolves.toBe(HANDBOOK.slice(citation.start, citation.end));
        await expect(textBeforeMark(page)).resolves.toBe(HANDBOOK.slice(0, citation.start));
        await expect(markIsInView(page)).resolves.toBe(true);
        await screenshot(page, `${screen}-markdown-source-${citation.id}`);
        await page.locator("#source-close").click();
      }
      await page.getByRole("button", { name: `[${quotes[0]!.id}]`, exact: true }).click();
      const panel = page.locator("#source-text");
      await panel.locator("mark").waitFor();
      // The structure is rendered, the raw text is all still there, and its markup is not shown.
      await expect(panel.locator("h3").allTextContents()).resolves.toEqual(["# Lighthouse handbook"]);
      await expect(panel.locator("h4").allInnerTexts()).resolves.toEqual(["Duties of the keeper", "What happened in the storm of 1911?"]);
      await expect(panel.locator("ul > li").allInnerTexts()).resolves.toEqual([
        "Trim the wick of the lamp every four hours during the night.",
        "Polish the great lens on Sunday mornings before the inspection.",
      ]);
      await expect(panel.locator(":scope > p").count()).resolves.toBe(2);
      await expect(panel.textContent()).resolves.toBe(HANDBOOK);
      expect(await panel.innerText()).not.toMatch(/^#|^- /m);
      await page.close();
    });
  });
}

describe("plain text sources", () => {
  it("keep their paragraphs", async () => {
    const page = await browser.newPage(SCREENS.desktop);
    await page.goto(articleServer.url);
    await ask(page, "How many people did ISKP kill in Moscow?");
    await page.locator("button.chip").first().click();
    const panel = page.locator("#source-text");
    await panel.locator("mark").waitFor();
    await expect(panel.evaluate((p) => getComputedStyle(p).whiteSpace)).resolves.toBe("pre-wrap");
    expect(await panel.innerText()).toContain("Russia has ever experienced.");
    expect((await panel.innerText()).split(/\n\s*\n/).length).toBeGreaterThan(5);
    await page.close();
  });
});

describe("small things", () => {
  it("hides the Enter/Shift+Enter hint on a touch screen only", async () => {
    for (const [screen, options] of Object.entries(SCREENS)) {
      const page = await browser.newPage(options);
      await page.goto(articleServer.url);
      await expect(page.locator("#composer-hint").isVisible(), screen).resolves.toBe(screen === "desktop");
      await page.close();
    }
  });

  it("follows the system's dark mode", async () => {
    for (const [screen, options] of Object.entries(SCREENS)) {
      const page = await browser.newPage({ ...options, colorScheme: "dark" });
      await page.goto(articleServer.url);
      await expect(page.evaluate(() => getComputedStyle(document.body).backgroundColor)).resolves.toBe("rgb(13, 17, 23)");
      await expect(page.evaluate(() => getComputedStyle(document.body).color)).resolves.toBe("rgb(230, 237, 243)");
      await ask(page, "How many members does ISKP have?");
      await page.locator(".quotation button.chip").first().hover();
      await screenshot(page, `${screen}-dark-answer`);
      await page.locator(".quotation button.chip").first().click();
      await page.locator("#source-panel mark").waitFor();
      await screenshot(page, `${screen}-dark-source`);
      await page.close();
    }
    const light = await browser.newPage({ ...SCREENS.desktop, colorScheme: "light" });
    await light.goto(articleServer.url);
    await expect(light.evaluate(() => getComputedStyle(document.body).backgroundColor)).resolves.toBe("rgb(246, 248, 250)");
    await light.close();
  });
});
