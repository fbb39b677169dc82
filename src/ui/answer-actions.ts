import type { AskResponse, Citation } from "../answer/types.js";
import { ApiFailure, sendFeedback, type FeedbackBody } from "./api.js";
import { h } from "./dom.js";

/**
 * The answer as text to paste elsewhere, each quote numbered with where a reader finds it: the document's
 * title, its page in a PDF and the section heading, as a person would cite it, not the index's ids and offsets.
 */
export function answerAsText(response: AskResponse): string {
  const quotes = response.citations.map((c) => `[${c.id}] ${whereQuoted(c)}: “${c.quote}”`);
  return [response.answer, ...(quotes.length > 0 ? ["", ...quotes] : [])].join("\n");
}

/** "Title, page 3, “Section heading”": the section left out before the first heading, where it is the title. */
export function whereQuoted({ title, page, heading }: Citation): string {
  return [title, ...(page === undefined ? [] : [`page ${page}`]), ...(heading && heading !== title ? [`“${heading}”`] : [])].join(", ");
}

/** The verdict sent on an answer, kept with the conversation so that a reload still shows it; `changed` saves it. */
export interface KeptVerdict {
  verdict?: FeedbackBody["verdict"];
  changed: () => void;
}

/** Copy, and a thumbs up or down with an optional comment, under a finished answer. */
export function answerActions(question: string, response: AskResponse, kept: KeptVerdict): HTMLElement {
  const status = h("span", { class: "action-status", role: "status" });
  const copy = h("button", { type: "button", class: "action" }, "Copy");
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(answerAsText(response));
      status.textContent = "Copied, with the quotes and where they are.";
    } catch {
      status.textContent = "Could not copy: the browser did not allow it. Select the text instead.";
    }
  });

  const up = h(
    "button",
    { type: "button", class: "action", "aria-pressed": "false", "aria-label": "Good answer", title: "Good answer" },
    thumb(),
  );
  const down = h(
    "button",
    { type: "button", class: "action down", "aria-pressed": "false", "aria-label": "Bad answer", title: "Bad answer" },
    thumb(),
  );
  const bar = h("div", { class: "actions" }, copy, up, down, status);
  const choose = (verdict: FeedbackBody["verdict"]) => {
    up.setAttribute("aria-pressed", String(verdict === "up"));
    down.setAttribute("aria-pressed", String(verdict === "down"));
    bar.querySelector("form")?.remove();
    status.textContent = "";
    const form = feedbackForm(verdict, async (comment) => {
      const citations = response.citations.map(({ id, documentId, start, end, quote }) => ({ id, documentId, start, end, quote }));
      await sendFeedback({
        question,
        answer: response.answer,
        grounded: response.grounded,
        citations,
        verdict,
        ...(comment && { comment }),
      });
      form.remove();
      sent(verdict);
      status.textContent = "Thank you: your feedback was sent.";
      kept.verdict = verdict;
      kept.changed();
    });
    bar.append(form);
    form.querySelector("textarea")!.focus();
  };
  const sent = (verdict: FeedbackBody["verdict"]) => {
    up.setAttribute("aria-pressed", String(verdict === "up"));
    down.setAttribute("aria-pressed", String(verdict === "down"));
    for (const button of [up, down]) button.disabled = true;
  };
  up.addEventListener("click", () => choose("up"));
  down.addEventListener("click", () => choose("down"));
  if (kept.verdict) {
    sent(kept.verdict);
    status.textContent = "Your feedback was sent.";
  }
  return bar;
}

const MAX_COMMENT_CHARS = 2000;

/** The optional comment that goes with a verdict, and the button that sends both. */
function feedbackForm(verdict: FeedbackBody["verdict"], send: (comment: string) => Promise<void>): HTMLFormElement {
  const comment = h("textarea", { name: "comment", rows: "2", maxlength: String(MAX_COMMENT_CHARS), class: "comment" });
  const label = h("label", {}, verdict === "up" ? "What was good about it? (optional)" : "What was wrong with it? (optional)", comment);
  const submit = h("button", { type: "submit" }, "Send feedback");
  const error = h("p", { class: "error", role: "alert", hidden: "" });
  const form = h("form", { class: "feedback" }, label, h("div", { class: "feedback-row" }, submit), error);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    try {
      await send(comment.value.trim());
    } catch (failure) {
      error.textContent = `Not sent: ${failure instanceof ApiFailure ? failure.message : "something went wrong in the page."}`;
      error.hidden = false;
      submit.disabled = false;
    }
  });
  return form;
}

// Material Design's "thumb up" (Apache-2.0); drawn, since an emoji needs a font a machine may lack. Turned over for "down" in CSS.
const THUMB =
  "M1 21h4V9H1v12zm22-11c0-1.1-.9-2-2-2h-6.31l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06L14.17 1 7.59 7.59C7.22 7.95 7 8.45 7 9v10c0 1.1.9 2 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73v-2z";

function thumb(): SVGSVGElement {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
  path.setAttribute("d", THUMB);
  svg.append(path);
  return svg;
}
