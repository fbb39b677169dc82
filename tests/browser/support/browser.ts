import { mkdir } from "node:fs/promises";
import { chromium, type Browser, type Page } from "playwright-core";
import type { AskPipeline } from "../../../src/answer/ask.js";
import { createApp, type AppOptions } from "../../../src/server/app.js";
import { createPageRoutes } from "../../../src/server/page.js";
import { startServer, type RunningServer } from "../../support/server.js";

/** Chromium from Debian (playwright cannot download browsers here), kept from calling out to the network. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}

/** The real app with the chat page, on a free loopback port. */
export async function startChatServer(
  pipeline: AskPipeline | (() => AskPipeline | undefined),
  options: Partial<AppOptions> = {},
): Promise<RunningServer> {
  const app = createApp({
    pipeline: typeof pipeline === "function" ? pipeline : () => pipeline,
    maxQuestionChars: 2000,
    rateLimitPerMinute: 0,
    page: await createPageRoutes(),
    ...options,
  });
  return startServer(app);
}

const SCREENSHOTS = "test-results/screenshots";

/** Saved for a person to look at; test-results/ is git-ignored. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png` });
}
