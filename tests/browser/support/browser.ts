import { mkdir } from "node:fs/promises";
import { chromium, type Browser, type BrowserContextOptions, type Page } from "playwright-core";
import type { AskPipeline } from "../../../src/answer/ask.js";
import { createApp, type AppOptions } from "../../../src/server/app.js";
import { createPageRoutes } from "../../../src/server/page.js";
import { startServer, type RunningServer } from "../../support/server.js";

/** Chromium from Debian (playwright cannot download browsers here), kept from calling out to the network. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
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

/** The two widths every feature is checked at: a desktop window, and a phone with a touch screen. */
export const SCREENS = {
  desktop: { viewport: { width: 1280, height: 800 } },
  mobile: { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true },
} satisfies Record<string, BrowserContextOptions>;

const SCREENSHOTS = "test-results/screenshots";

/** Saved for a person to look at; test-results/ is git-ignored. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png` });
}
