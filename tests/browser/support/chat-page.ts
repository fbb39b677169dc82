import type { Page } from "playwright-core";
import type { AskResponse, HistoryTurn } from "../../../src/answer/types.js";

/** What the page sent to `POST /ask/stream`. */
export interface SentQuestion {
  question: string;
  history: HistoryTurn[];
}

/** Types a question, sends it with Enter as a user would, and waits until the page shows the final answer. */
export async function ask(page: Page, question: string): Promise<void> {
  const turns = await page.locator(".turn").count();
  await page.getByLabel("Your question").fill(question);
  await page.getByLabel("Your question").press("Enter");
  await page.locator(".turn").nth(turns).locator(".answer.grounded, .answer.not-found").waitFor();
}

/**
 * The same question through `POST /ask`, for the citations' offsets. (Chromium keeps no copy of a
 * streamed body for the test to read, and the offline answerer gives the same answer both ways.)
 */
export async function askApi(serverUrl: string, question: string, history: HistoryTurn[] = []): Promise<AskResponse> {
  const response = await fetch(`${serverUrl}/ask`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ question, history }),
  });
  if (!response.ok) throw new Error(`POST /ask answered ${response.status}: ${await response.text()}`);
  return response.json();
}

/** Records every question the page sends, with the history that went with it. */
export function recordQuestions(page: Page): SentQuestion[] {
  const sent: SentQuestion[] = [];
  page.on("request", (request) => {
    if (request.url().endsWith("/ask/stream")) sent.push(request.postDataJSON());
  });
  return sent;
}

/** The document text before the page's <mark>, exactly as it sits in the DOM. */
export function textBeforeMark(page: Page): Promise<string> {
  return page.locator("#source-text").evaluate((panel) => {
    const range = document.createRange();
    range.setStart(panel, 0);
    range.setEndBefore(panel.querySelector("mark")!);
    return range.toString();
  });
}

/** True when the source panel's <mark> is inside the panel's visible area. */
export function markIsInView(page: Page): Promise<boolean> {
  return page.locator("#source-panel mark").evaluate((mark) => {
    const box = mark.getBoundingClientRect();
    const panel = mark.closest("#source-text")!.getBoundingClientRect();
    return box.top >= panel.top && box.top < panel.bottom;
  });
}

/**
 * Rewrites the body of each finished answer the page receives, as a server that fills in more of the
 * contract would send it (`unmatched` is `[]` on this branch's server).
 */
export async function changeAnswers(page: Page, change: (response: AskResponse) => AskResponse): Promise<void> {
  await page.route("**/ask/stream", async (route) => {
    const response = await route.fetch();
    const events = (await response.text()).replace(
      /^event: done\ndata: (.*)$/m,
      (_, data: string) => `event: done\ndata: ${JSON.stringify(change(JSON.parse(data)))}`,
    );
    await route.fulfill({ response, body: events });
  });
}
