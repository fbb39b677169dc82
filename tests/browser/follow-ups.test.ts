import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openArticlePipeline } from "../support/pipeline.js";
import type { RunningServer } from "../support/server.js";
import { launchBrowser, SCREENS, screenshot, startChatServer } from "./support/browser.js";
import { ask, askApi } from "./support/chat-page.js";

const TALIBAN = "How has the Taliban responded to the Moscow attack?";
// Too short to search on alone: offline, the question before it is searched with it.
const RUSSIA = "and Russia?";
const KILLED = "How many people did ISKP kill in Moscow?";
const WHEN = "When did the attack in Moscow happen?";

let server: RunningServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  const [pipeline, launched] = await Promise.all([openArticlePipeline(), launchBrowser()]);
  browser = launched;
  server = await startChatServer(pipeline);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe("follow-up questions", () => {
  beforeAll(async () => {
    page = await browser.newPage(SCREENS.desktop);
  });
  afterAll(() => page?.close());

  it("show what was searched, and quote what they found rather than point back at the answer above", async () => {
    await page.goto(server.url);
    await ask(page, TALIBAN);
    const taliban = await askApi(server.url, TALIBAN);
    await ask(page, RUSSIA);
    const russia = await askApi(server.url, RUSSIA, [
      { role: "user", content: TALIBAN },
      { role: "assistant", content: taliban.answer },
    ]);
    // What made this a trap: the follow-up's answer repeats the Taliban quote above, along with new ones.
    expect(russia.standaloneQuestion).toBe(`${RUSSIA} ${TALIBAN}`);
    expect(russia.citations.some((c) => c.start === taliban.citations[0]!.start)).toBe(true);
    expect(russia.citations.length).toBeGreaterThan(1);

    const turn = page.locator(".turn").last();
    await expect(turn.locator(".searched-for").textContent()).resolves.toBe(`Searched for: ${RUSSIA} ${TALIBAN}`);
    await expect(turn.locator(".same-passage").count()).resolves.toBe(0);
    await expect(turn.locator(".quotation blockquote").allTextContents()).resolves.toEqual(
      russia.citations.map((c) => `${c.quote} [${c.id}]`),
    );
    await screenshot(page, "desktop-follow-up-searched-for");

    // A question that stands alone was searched as typed: nothing to add.
    await expect(page.locator(".turn").first().locator(".searched-for").count()).resolves.toBe(0);
  });

  it('say "Same passage as above" only about the answer right above, not across one that failed', async () => {
    await page.goto(server.url);
    await page.getByRole("button", { name: "New chat" }).click();
    await ask(page, KILLED);
    await page.route("**/ask/stream", (route) => route.fulfill({ status: 502, contentType: "text/plain", body: "Bad gateway" }), {
      times: 1,
    });
    await page.getByLabel("Your question").fill("Who is Amira Jadoon?");
    await page.getByLabel("Your question").press("Enter");
    await page.locator(".turn").last().locator(".answer.failed").waitFor();
    await ask(page, WHEN);
    const turn = page.locator(".turn").last();
    await expect(turn.locator(".same-passage").count()).resolves.toBe(0);
    await expect(turn.locator(".quotation blockquote").first().textContent()).resolves.toMatch(/^On March 22, 2024/);
  });
});
