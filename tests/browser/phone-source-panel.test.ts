import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openArticlePipeline } from "../support/pipeline.js";
import type { RunningServer } from "../support/server.js";
import { launchBrowser, SCREENS, screenshot, startChatServer } from "./support/browser.js";
import { ask } from "./support/chat-page.js";

const KILLED = "How many people did ISKP kill in Moscow?";

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  const [pipeline, launched] = await Promise.all([openArticlePipeline(), launchBrowser()]);
  browser = launched;
  server = await startChatServer(pipeline);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function openSource(screen: keyof typeof SCREENS): Promise<Page> {
  const page = await browser.newPage(SCREENS[screen]);
  await page.goto(server.url);
  await ask(page, KILLED);
  await page.locator("button.chip").first().click();
  await page.locator("#source-panel mark").waitFor();
  return page;
}

function chatIsInert(page: Page): Promise<boolean[]> {
  return page.evaluate(() => ["topbar", "chat"].map((id) => document.getElementById(id)!.inert));
}

describe("the source panel on a phone, where it covers the chat", () => {
  it("keeps focus inside it while open, and the Back gesture closes it instead of leaving the page", async () => {
    const page = await openSource("mobile");
    await expect(chatIsInert(page)).resolves.toEqual([true, true]);
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press("Tab");
      await expect(
        page.evaluate(() => document.activeElement?.closest("#source-panel") !== null || document.activeElement === document.body),
      ).resolves.toBe(true);
    }
    await screenshot(page, "mobile-source-inert-chat");

    await page.goBack();
    await expect(page.locator("#source-panel").isHidden()).resolves.toBe(true);
    expect(page.url()).toBe(`${server.url}/`);
    await expect(page.locator(".turn").count()).resolves.toBe(1);
    await expect(chatIsInert(page)).resolves.toEqual([false, false]);
    await expect(page.evaluate(() => document.activeElement?.className)).resolves.toBe("chip");
    await page.close();
  });

  it("closed with its Close button, leaves no step behind for Back to take", async () => {
    const page = await openSource("mobile");
    const steps = await page.evaluate(() => history.length);
    await page.getByRole("button", { name: "Close" }).tap();
    await expect(page.locator("#source-panel").isHidden()).resolves.toBe(true);
    await expect.poll(() => page.evaluate(() => history.state)).toBeNull();
    await expect(chatIsInert(page)).resolves.toEqual([false, false]);
    // Opened again, it is one step from the chat again, not two.
    await page.locator("button.chip").first().tap();
    await page.locator("#source-panel mark").waitFor();
    await expect(page.evaluate(() => history.length)).resolves.toBe(steps);
    await page.goBack();
    await expect(page.locator("#source-panel").isHidden()).resolves.toBe(true);
    expect(page.url()).toBe(`${server.url}/`);
    await page.close();
  });

  it("on a desktop, beside the chat, leaves the chat usable and history alone", async () => {
    const page = await openSource("desktop");
    await expect(chatIsInert(page)).resolves.toEqual([false, false]);
    await expect(page.evaluate(() => history.state)).resolves.toBeNull();
    await page.close();
  });
});
