import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AskResponse } from "../../src/answer/types.js";
import { FeedbackFile } from "../../src/server/feedback.js";
import { openArticlePipeline } from "../support/pipeline.js";
import type { RunningServer } from "../support/server.js";
import { launchBrowser, SCREENS, screenshot, startChatServer } from "./support/browser.js";
import { ask, askApi, recordQuestions } from "./support/chat-page.js";

const KILLED = "How many people did ISKP kill in Moscow?";
const FRANCE = "What is the capital of France?";

let dataDir: string;
let server: RunningServer;
let browser: Browser;
let killed: AskResponse;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "keep-and-share-"));
  const [pipeline, launched] = await Promise.all([openArticlePipeline(), launchBrowser()]);
  browser = launched;
  server = await startChatServer(pipeline, { feedback: new FeedbackFile(join(dataDir, "feedback.jsonl")) });
  killed = await askApi(server.url, KILLED);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function feedbackLines(): Promise<Record<string, unknown>[]> {
  const text = await readFile(join(dataDir, "feedback.jsonl"), "utf8").catch(() => "");
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

for (const [screen, options] of Object.entries(SCREENS)) {
  describe(`keep and share (${screen})`, () => {
    let context: BrowserContext;
    beforeAll(async () => {
      context = await browser.newContext({ ...options, permissions: ["clipboard-read", "clipboard-write"] });
    });
    afterAll(() => context?.close());

    it("keeps the conversation through a reload, and New chat starts an empty one", async () => {
      const page = await context.newPage();
      await page.goto(server.url);
      await ask(page, KILLED);
      await ask(page, FRANCE);
      await page.reload();
      await page.locator(".turn .answer.not-found").waitFor();
      await expect(page.locator(".turn .question").allTextContents()).resolves.toEqual([KILLED, FRANCE]);
      await expect(page.locator(".turn").first().locator("blockquote").textContent()).resolves.toBe(`${killed.citations[0]!.quote} [1]`);
      await expect(page.locator(".turn").last().locator(".closest-passage").count()).resolves.toBe(3);
      await expect(page.locator("#empty").isHidden()).resolves.toBe(true);
      await screenshot(page, `${screen}-after-reload`);

      // The restored answers still open their sources, and a follow-up carries them as history.
      await page.locator(".turn").first().locator("button.chip").click();
      await expect(page.locator("#source-panel mark").textContent()).resolves.toBe(killed.citations[0]!.quote);
      await page.locator("#source-close").click();
      const sent = recordQuestions(page);
      await ask(page, "When did the attack in Moscow happen?");
      expect(sent[0]!.history.map((turn) => turn.content)).toEqual([
        KILLED,
        killed.answer,
        FRANCE,
        expect.stringContaining("do not cover"),
      ]);

      await page.getByRole("button", { name: "New chat" }).click();
      await page.reload();
      await page.locator("#empty").waitFor();
      await expect(page.locator(".turn").count()).resolves.toBe(0);
      await page.close();
    });

    it("copies the answer with its numbered quotes and where a reader finds them: title and section", async () => {
      const page = await context.newPage();
      await page.goto(server.url);
      await ask(page, KILLED);
      await page.getByRole("button", { name: "Copy" }).click();
      await expect.poll(() => page.locator(".action-status").textContent()).toContain("Copied");
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      const c = killed.citations[0]!;
      expect(copied).toBe(`${killed.answer}\n\n[1] ${c.title}, “${c.heading}”: “${c.quote}”`);
      expect(copied).not.toContain(`${c.documentId}:`);
      await page.getByRole("button", { name: "New chat" }).click();
      await page.close();
    });

    it("sends a thumbs-down with a comment, which lands in feedback.jsonl", async () => {
      const before = (await feedbackLines()).length;
      const page = await context.newPage();
      await page.goto(server.url);
      await ask(page, KILLED);
      const bad = page.getByRole("button", { name: "Bad answer" });
      await bad.click();
      await expect(bad.getAttribute("aria-pressed")).resolves.toBe("true");
      const comment = page.getByLabel("What was wrong with it? (optional)");
      await expect(page.evaluate(() => document.activeElement?.getAttribute("name"))).resolves.toBe("comment");
      await comment.fill(`Later reports said 145 (${screen}).`);
      await screenshot(page, `${screen}-feedback-form`);
      await page.getByRole("button", { name: "Send feedback" }).click();
      await expect.poll(() => page.locator(".action-status").textContent()).toBe("Thank you: your feedback was sent.");
      await expect(bad.isDisabled()).resolves.toBe(true);
      await screenshot(page, `${screen}-feedback-sent`);

      const lines = await feedbackLines();
      expect(lines).toHaveLength(before + 1);
      const { time, ...line } = lines.at(-1)!;
      expect(line).toEqual({
        question: KILLED,
        answer: killed.answer,
        grounded: true,
        citations: killed.citations.map(({ id, documentId, start, end, quote }) => ({ id, documentId, start, end, quote })),
        verdict: "down",
        comment: `Later reports said 145 (${screen}).`,
      });
      expect(Number.isNaN(Date.parse(time as string))).toBe(false);

      // A thumbs-up with no comment is a line too.
      await ask(page, FRANCE);
      await page.locator(".turn").last().getByRole("button", { name: "Good answer" }).click();
      await page.locator(".turn").last().getByRole("button", { name: "Send feedback" }).click();
      await expect.poll(async () => (await feedbackLines()).length).toBe(before + 2);
      expect((await feedbackLines()).at(-1)).toMatchObject({ question: FRANCE, grounded: false, verdict: "up", citations: [] });
      expect((await feedbackLines()).at(-1)).not.toHaveProperty("comment");

      // After a reload each answer still shows the verdict sent on it, and does not ask for it again.
      await page.reload();
      await page.locator(".turn .answer.not-found").waitFor();
      for (const [turn, name] of [
        [0, "Bad answer"],
        [1, "Good answer"],
      ] as const) {
        const button = page.locator(".turn").nth(turn).getByRole("button", { name });
        await expect(button.getAttribute("aria-pressed")).resolves.toBe("true");
        await expect(button.isDisabled()).resolves.toBe(true);
        await expect(page.locator(".turn").nth(turn).locator(".action-status").textContent()).resolves.toBe("Your feedback was sent.");
      }
      await page.getByRole("button", { name: "New chat" }).click();
      await page.close();
    });
  });
}
