import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { AskPipeline } from "../../src/answer/ask.js";
import { buildProgressOf, type BuildProgress } from "../../src/progress.js";
import { openArticlePipeline } from "../support/pipeline.js";
import type { RunningServer } from "../support/server.js";
import { FailingAnswerer } from "./support/answerers.js";
import { launchBrowser, screenshot, startChatServer } from "./support/browser.js";

let pipeline: AskPipeline;
let browser: Browser;
let page: Page;
const servers: RunningServer[] = [];

beforeAll(async () => {
  [pipeline, browser] = await Promise.all([openArticlePipeline(), launchBrowser()]);
});
afterAll(() => browser?.close());
afterEach(async () => {
  await page?.close();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function open(server: RunningServer): Promise<Page> {
  servers.push(server);
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(server.url);
  return page;
}

/** Sends a question and waits for the answer to fail. */
async function askAndFail(question: string): Promise<{ title: string | null; message: string | null }> {
  await page.getByLabel("Your question").fill(question);
  await page.getByLabel("Your question").press("Enter");
  const failed = page.locator(".turn").last().locator(".answer.failed");
  await failed.waitFor();
  await expect(page.getByLabel("Your question").isEnabled()).resolves.toBe(true);
  return { title: await failed.locator(".error-title").textContent(), message: await failed.locator("p").nth(1).textContent() };
}

describe("the page when things go wrong", () => {
  it("waits while the index loads: Ask is off and says why, and what is typed stays", async () => {
    await open(await startChatServer(() => undefined));
    await expect.poll(() => page.locator("#library").textContent()).toBe("Loading the index…");
    await expect(page.locator("#composer-wait").textContent()).resolves.toBe("Loading the index…");
    await expect(page.getByRole("button", { name: "Ask" }).isDisabled()).resolves.toBe(true);
    await page.getByLabel("Your question").fill("How many people did ISKP kill in Moscow?");
    await page.getByLabel("Your question").press("Enter");
    await expect(page.locator(".turn").count()).resolves.toBe(0);
    await expect(page.getByLabel("Your question").inputValue()).resolves.toBe("How many people did ISKP kill in Moscow?");
    await screenshot(page, "desktop-loading");
  });

  it("shows how far the build of the index has got, then offers the examples and answers once it is ready, without a reload", async () => {
    const startedAt = new Date().toISOString();
    const embedded = (done: number) => buildProgressOf({ phase: "embedding", done, total: 331, unit: "sentences" }, startedAt);
    let building: BuildProgress | undefined = embedded(128);
    let ready: AskPipeline | undefined;
    await open(await startChatServer(() => ready, { building: () => building }));
    await expect.poll(() => page.locator("#library").textContent()).toBe("Building the index: 128 of 331 sentences embedded…");
    await expect(page.locator("#composer-wait").textContent()).resolves.toBe("Building the index: 128 of 331 sentences embedded…");
    await expect(page.getByRole("button", { name: "Ask" }).isDisabled()).resolves.toBe(true);
    await expect(page.locator("#examples").isHidden()).resolves.toBe(true);
    building = embedded(192);
    await expect
      .poll(() => page.locator("#composer-wait").textContent(), { timeout: 10_000 })
      .toBe("Building the index: 192 of 331 sentences embedded…");
    await screenshot(page, "desktop-building");

    [ready, building] = [pipeline, undefined];
    // Choosing the examples can mean answering each heading question first: long on a busy machine.
    await expect.poll(() => page.locator("#examples .example").count(), { timeout: 90_000 }).toBeGreaterThan(0);
    await expect(page.locator("#library .library-count").textContent()).resolves.toBe("1 document");
    await expect(page.locator("#composer-wait").isHidden()).resolves.toBe(true);
    await expect(page.getByRole("button", { name: "Ask" }).isEnabled()).resolves.toBe(true);
    await page.locator("#examples .example").first().click();
    await page.locator(".turn .answer.grounded, .turn .answer.not-found").waitFor();
    await expect(page.locator(".turn .answer.failed").count()).resolves.toBe(0);
  });

  it("shows what was wrong with the question (400)", async () => {
    await open(await startChatServer(pipeline, { maxQuestionChars: 20 }));
    const shown = await askAndFail("How many people did ISKP kill in Moscow?");
    expect(shown).toEqual({ title: "Could not answer (HTTP 400)", message: "Question must be at most 20 characters" });
  });

  it("reports a failure in the middle of the stream, and Try again answers", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    await open(await startChatServer({ ...pipeline, answerer: new FailingAnswerer(pipeline.answerer, 1) }));
    const shown = await askAndFail("How many people did ISKP kill in Moscow?");
    expect(shown).toEqual({ title: "Could not answer", message: "Something went wrong on our side" });
    expect(logged).toHaveBeenCalled();
    logged.mockRestore();
    await screenshot(page, "desktop-error-stream");

    await page.getByRole("button", { name: "Try again" }).click();
    await page.locator(".answer.grounded button.chip").first().waitFor();
    await expect(page.locator(".turn").count()).resolves.toBe(1);
  });

  it("explains a server error that is not JSON (502 from a proxy)", async () => {
    await open(await startChatServer(pipeline));
    await page.route("**/ask/stream", (route) => route.fulfill({ status: 502, contentType: "text/html", body: "<h1>Bad gateway</h1>" }));
    const shown = await askAndFail("How many people did ISKP kill in Moscow?");
    expect(shown).toEqual({ title: "Could not answer (HTTP 502)", message: "The server failed to answer. Try again in a moment." });
  });

  it("says when the server cannot be reached", async () => {
    const server = await startChatServer(pipeline);
    await open(server);
    // Closed only once the page has seen it ready: before that, Ask is rightly off and the question is never sent.
    await expect.poll(() => page.getByRole("button", { name: "Ask" }).isEnabled()).toBe(true);
    await server.close();
    const shown = await askAndFail("How many people did ISKP kill in Moscow?");
    expect(shown).toEqual({ title: "Could not answer", message: "Cannot reach the server. Check that it is running, then try again." });
    await screenshot(page, "desktop-error-server-down");
  });

  it("tells a new user how to add documents when there are none", async () => {
    const dirs = await Promise.all([mkdtemp(join(tmpdir(), "empty-corpus-")), mkdtemp(join(tmpdir(), "empty-data-"))]);
    try {
      const empty = await openArticlePipeline({ CORPUS_DIR: dirs[0]!, DATA_DIR: dirs[1]! });
      await open(await startChatServer(empty));
      await expect.poll(() => page.locator("#library").textContent()).toContain("There are no documents yet");
      await screenshot(page, "desktop-no-documents");
    } finally {
      await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
    }
  });
});
