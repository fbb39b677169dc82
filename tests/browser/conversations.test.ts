import type { Browser, BrowserContextOptions, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AskResponse } from "../../src/answer/types.js";
import type { SavedConversation, SavedTurn } from "../../src/ui/conversation-store.js";
import { openArticlePipeline } from "../support/pipeline.js";
import type { RunningServer } from "../support/server.js";
import { launchBrowser, SCREENS, screenshot, startChatServer } from "./support/browser.js";
import { ask, askApi } from "./support/chat-page.js";

const KILLED = "How many people did ISKP kill in Moscow?";
const FRANCE = "What is the capital of France?";
const JADOON = "Who is Amira Jadoon?";
const HOUR = 3_600_000;
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } satisfies BrowserContextOptions;

let server: RunningServer;
let browser: Browser;
let killed: AskResponse;
let france: AskResponse;

beforeAll(async () => {
  const [pipeline, launched] = await Promise.all([openArticlePipeline(), launchBrowser()]);
  browser = launched;
  server = await startChatServer(pipeline);
  [killed, france] = await Promise.all([askApi(server.url, KILLED), askApi(server.url, FRANCE)]);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A page of its own, with storage no other test has written to; closing its context ends it. */
async function freshPage(options: BrowserContextOptions = SCREENS.desktop): Promise<Page> {
  return (await browser.newContext(options)).newPage();
}

function turn(question: string, response: AskResponse, verdict?: SavedTurn["verdict"]): SavedTurn {
  return { question, response, ...(verdict && { verdict }) };
}

/** Opens the page on what earlier visits saved: the list of conversations, the one left open, and what a version before the list kept. */
async function openSaved(page: Page, saved: { conversations?: SavedConversation[]; open?: string; earlier?: SavedTurn[] }): Promise<void> {
  await page.goto(server.url);
  await page.evaluate(({ conversations, open, earlier }) => {
    if (conversations) localStorage.setItem("grounded-qa.conversations", JSON.stringify(conversations));
    if (open) localStorage.setItem("grounded-qa.open-conversation", open);
    if (earlier) localStorage.setItem("grounded-qa.conversation", JSON.stringify(earlier));
  }, saved);
  await page.reload();
}

async function openList(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Chats" }).click();
  await page.locator("#conversations").waitFor();
}

const titles = (page: Page) => page.locator("#conversation-list .conversation-title").allTextContents();
const current = (page: Page) => page.locator('#conversation-list [aria-current="true"] .conversation-title').allTextContents();
const questions = (page: Page) => page.locator(".turn .question").allTextContents();
const entry = (page: Page, title: string) => page.locator("#conversation-list .conversation-open", { hasText: title });

describe("conversations kept in the browser", () => {
  it("keeps each conversation through a reload with its own turns, and New chat keeps the old one in the list", async () => {
    const page = await freshPage();
    await page.goto(server.url);
    await openList(page);
    await expect(page.locator("#conversations-none").isVisible()).resolves.toBe(true);
    await page.getByRole("button", { name: "Close" }).click();

    await ask(page, KILLED);
    await page.getByRole("button", { name: "New chat" }).click();
    await expect(page.locator("#empty").isVisible()).resolves.toBe(true);
    await expect(page.locator(".turn").count()).resolves.toBe(0);
    await openList(page);
    await expect(titles(page)).resolves.toEqual([KILLED]);
    // The new conversation has no question yet: it is not in the list, and nothing there is marked open.
    await expect(current(page)).resolves.toEqual([]);
    await page.keyboard.press("Escape");

    await ask(page, FRANCE);
    await page.reload();
    await page.locator(".turn .answer.not-found").waitFor();
    await expect(questions(page)).resolves.toEqual([FRANCE]);
    await openList(page);
    await expect(titles(page)).resolves.toEqual([FRANCE, KILLED]);
    await expect(current(page)).resolves.toEqual([FRANCE]);
    await expect(page.locator("#conversation-list time").first().textContent()).resolves.toMatch(/^Today, /);
    await screenshot(page, "desktop-conversations");

    await entry(page, KILLED).click();
    await page.locator(".turn .answer.grounded").waitFor();
    await expect(page.locator("#conversations").isVisible()).resolves.toBe(false);
    await expect(questions(page)).resolves.toEqual([KILLED]);
    await expect(page.locator(".turn blockquote").first().textContent()).resolves.toBe(`${killed.citations[0]!.quote} [1]`);
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe("question");

    // A reload shows the conversation opened last.
    await page.reload();
    await page.locator(".turn .answer.grounded").waitFor();
    await expect(questions(page)).resolves.toEqual([KILLED]);
    await openList(page);
    await expect(current(page)).resolves.toEqual([KILLED]);
    await page.context().close();
  });

  it("deletes a conversation with Undo, which puts it back in its place; without Undo it is gone after a reload", async () => {
    const page = await freshPage();
    await page.clock.install();
    const now = Date.now();
    await openSaved(page, {
      conversations: [
        { id: "c", usedAt: now - HOUR, turns: [turn(JADOON, killed, "down")] },
        { id: "b", usedAt: now - 2 * HOUR, turns: [turn(FRANCE, france)] },
        { id: "a", usedAt: now - 3 * HOUR, turns: [turn(KILLED, killed)] },
      ],
      open: "b",
    });
    await page.locator(".turn .answer.not-found").waitFor();
    await openList(page);
    await expect(titles(page)).resolves.toEqual([JADOON, FRANCE, KILLED]);
    await expect(current(page)).resolves.toEqual([FRANCE]);

    await page.getByRole("button", { name: `Delete conversation: ${FRANCE}` }).click();
    const status = page.locator("#conversations [role=status]");
    await expect(status.textContent()).resolves.toContain("Conversation deleted");
    await expect(titles(page)).resolves.toEqual([JADOON, KILLED]);
    // It was open: an empty conversation takes its place.
    await expect(page.locator(".turn").count()).resolves.toBe(0);
    await expect(page.locator("#empty").isHidden()).resolves.toBe(false);
    await screenshot(page, "desktop-conversation-deleted");

    await status.getByRole("button", { name: "Undo" }).click();
    await expect(titles(page)).resolves.toEqual([JADOON, FRANCE, KILLED]);
    await expect(current(page)).resolves.toEqual([FRANCE]);
    await expect(status.textContent()).resolves.toBe("");
    await expect(questions(page)).resolves.toEqual([FRANCE]);

    await page.getByRole("button", { name: `Delete conversation: ${KILLED}` }).click();
    await expect(titles(page)).resolves.toEqual([JADOON, FRANCE]);
    await expect(questions(page)).resolves.toEqual([FRANCE]);
    await page.clock.fastForward(8_000);
    await expect(status.textContent()).resolves.toBe("");

    // From the keyboard: Tab reaches the entries, Enter opens one, with its verdict as it was left.
    await page.reload();
    await openList(page);
    await expect(titles(page)).resolves.toEqual([JADOON, FRANCE]);
    for (let tabs = 0; tabs < 3 && !(await page.evaluate(() => document.activeElement?.classList.contains("conversation-open"))); tabs++)
      await page.keyboard.press("Tab");
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toContain(JADOON);
    await page.keyboard.press("Enter");
    await page.locator(".turn .answer.grounded").waitFor();
    await expect(questions(page)).resolves.toEqual([JADOON]);
    await expect(page.getByRole("button", { name: "Bad answer" }).getAttribute("aria-pressed")).resolves.toBe("true");
    await page.context().close();
  });

  it("moves the conversation an earlier version of the page kept into the list, first and open", async () => {
    const page = await freshPage();
    await openSaved(page, {
      conversations: [{ id: "a", usedAt: Date.now() - HOUR, turns: [turn(JADOON, killed)] }],
      earlier: [turn(KILLED, killed, "up"), turn(FRANCE, france)],
    });
    await page.locator(".turn .answer.not-found").waitFor();
    await expect(questions(page)).resolves.toEqual([KILLED, FRANCE]);
    await expect(page.locator(".turn").first().getByRole("button", { name: "Good answer" }).getAttribute("aria-pressed")).resolves.toBe(
      "true",
    );
    await expect(page.evaluate(() => localStorage.getItem("grounded-qa.conversation"))).resolves.toBeNull();
    await openList(page);
    await expect(titles(page)).resolves.toEqual([KILLED, JADOON]);
    await expect(current(page)).resolves.toEqual([KILLED]);

    // Moved once: the next visit finds it in the list, not twice.
    await page.reload();
    await page.locator(".turn .answer.not-found").waitFor();
    await expect(questions(page)).resolves.toEqual([KILLED, FRANCE]);
    await openList(page);
    await expect(titles(page)).resolves.toEqual([KILLED, JADOON]);
    await page.context().close();
  });

  it("works on without storage: the list lasts as long as the page", async () => {
    const page = await freshPage();
    await page.addInitScript(() => {
      Object.defineProperty(window, "localStorage", {
        get() {
          throw new DOMException("The user denied access to storage.", "SecurityError");
        },
      });
    });
    await page.goto(server.url);
    await ask(page, KILLED);
    await page.getByRole("button", { name: "New chat" }).click();
    await openList(page);
    await entry(page, KILLED).click();
    await page.locator(".turn .answer.grounded").waitFor();
    await expect(questions(page)).resolves.toEqual([KILLED]);
    await page.context().close();
  });
});

describe("conversations on a phone (390 px, dark)", () => {
  it("are one tap away, fit the screen, and keep the newest 50", async () => {
    const page = await freshPage({ ...PHONE, colorScheme: "dark" });
    const now = Date.now();
    const long = Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? turn(KILLED, killed) : turn(FRANCE, france)));
    const conversations = Array.from({ length: 50 }, (_, i) => ({
      id: `c${i}`,
      usedAt: now - (i + 1) * 24 * HOUR,
      turns:
        i === 0
          ? long
          : [turn(`Question number ${i}: what did the reports from the region say about the attack and its aftermath?`, killed)],
    }));
    await openSaved(page, { conversations, open: "c0" });
    await page.locator(".turn").nth(11).locator(".answer.not-found").waitFor();
    const fits = () =>
      page.evaluate(() => ({
        wide: document.documentElement.scrollWidth > document.documentElement.clientWidth,
        tall: document.scrollingElement!.scrollHeight !== innerHeight,
      }));
    await expect(fits()).resolves.toEqual({ wide: false, tall: false });

    await page.getByRole("button", { name: "Chats" }).tap();
    await page.locator("#conversations").waitFor();
    await expect(fits()).resolves.toEqual({ wide: false, tall: false });
    const drawer = (await page.locator("#conversations").boundingBox())!;
    expect(drawer.x).toBeGreaterThanOrEqual(0);
    expect(drawer.x + drawer.width).toBeLessThanOrEqual(390);
    await expect(page.locator("#conversation-list li").count()).resolves.toBe(50);
    const title = (await titles(page))[1]!;
    expect(title).toMatch(/^Question number 1: .*…$/);
    expect(title.length).toBeLessThanOrEqual(61);
    await screenshot(page, "mobile-conversations-dark");

    const oldest = entry(page, "Question number 49:");
    await oldest.tap();
    await expect(questions(page)).resolves.toEqual([conversations[49]!.turns[0]!.question]);
    await expect(fits()).resolves.toEqual({ wide: false, tall: false });

    // A 51st conversation: the least recently used goes.
    await page.getByRole("button", { name: "New chat" }).tap();
    await ask(page, KILLED);
    await page.reload();
    await page.locator(".turn .answer.grounded").waitFor();
    await page.getByRole("button", { name: "Chats" }).tap();
    await expect(page.locator("#conversation-list li").count()).resolves.toBe(50);
    await expect(titles(page).then((shown) => shown[0])).resolves.toBe(KILLED);
    await expect(entry(page, "Question number 49:").count()).resolves.toBe(0);
    await expect(entry(page, "Question number 48:").count()).resolves.toBe(1);
    await page.context().close();
  });
});
