import type { AskResponse, Citation } from "../answer/types.js";
import { answerActions, type KeptVerdict } from "./answer-actions.js";
import type { CitationPreview } from "./citation-preview.js";
import { confidenceLine } from "./confidence.js";
import { h } from "./dom.js";
import { markdownAnswer } from "./markdown-view.js";
import { isQuotedAnswer, quotations } from "./quotations.js";
import { shortened } from "./shorten.js";
import { sourceCards } from "./source-cards.js";
import type { SourceSpan, SpanKind } from "./source-panel.js";

/** Opens the source panel at `spans[index]`; `opener` gets focus back when it closes. */
export type OpenSource = (kind: SpanKind, spans: SourceSpan[], index: number, opener: HTMLElement) => void;

const MARKER = /\[(\d+)\]/g;
// Enough to judge a passage by; more would read like an answer, and the whole of it is one click away.
const CLOSEST_SHOWN = 3;
const SNIPPET_CHARS = 160;

/** One question and its answer as they appear in the conversation, through every state the answer goes through. */
export class TurnView {
  readonly element: HTMLElement;
  private readonly answer: HTMLDivElement;
  private streamed: Text | undefined;

  constructor(
    private readonly question: string,
    private readonly kept: KeptVerdict,
  ) {
    this.answer = h("div", { class: "answer" });
    this.element = h("article", { class: "turn" }, h("p", { class: "question" }, question), this.answer);
    this.showProgress("Searching the documents…");
  }

  showProgress(message: string): void {
    if (this.streamed) return;
    this.answer.className = "answer pending";
    this.answer.replaceChildren(h("p", { class: "muted" }, message));
  }

  /** Answer text as it arrives; `[n]` stays plain text until the final answer turns it into a chip. */
  appendText(text: string): void {
    if (!this.streamed) {
      this.streamed = document.createTextNode("");
      this.answer.className = "answer streaming";
      this.answer.replaceChildren(h("p", { class: "answer-text" }, this.streamed));
    }
    this.streamed.appendData(text);
  }

  /**
   * The final answer replaces the streamed text: verification may have dropped or renumbered citations.
   * An extractive answer shows as quotations; a model's answer as its text with chips. Either way a
   * card per citation follows, then Copy and feedback. `shownBefore` is what the previous answer cited.
   */
  showAnswer(
    response: AskResponse,
    shownBefore: Citation[],
    markdown: ReadonlySet<string>,
    openSource: OpenSource,
    preview: CitationPreview,
  ): void {
    this.showSearched(response);
    const { citations } = response;
    const open = (citation: Citation, opener: HTMLElement) => openSource("citations", citations, citations.indexOf(citation), opener);
    const chip = (citation: Citation) => {
      const button = h("button", { type: "button", class: "chip" }, `[${citation.id}]`);
      // No title attribute: the preview is the chip's tooltip. It is attached first, so that a long press
      // that showed it can keep its click from also opening the panel.
      preview.attach(button, citation, markdown);
      button.addEventListener("click", () => open(citation, button));
      return button;
    };
    const related = response.support === "related";
    this.answer.className = `answer grounded ${related ? "related" : "direct"}`;
    this.answer.replaceChildren(
      ...(related ? [h("p", { class: "support-note" }, `The documents may not answer this directly. ${closest(citations.length)}`)] : []),
      ...(isQuotedAnswer(response) ? quotations(response, shownBefore, markdown, chip) : [answerText(response.answer, citations, chip)]),
      ...(related && response.unmatched.length > 0
        ? [h("p", { class: "unmatched" }, `${notIn(citations.length)} ${response.unmatched.join(", ")}`)]
        : []),
      // Answers kept by a version of the page from before confidence was sent have none to show.
      ...(Number.isFinite(response.confidence) ? [confidenceLine(response.confidence)] : []),
      h("h3", { class: "sources-heading" }, "Sources"),
      sourceCards(citations, markdown, open),
    );
    if (response.degraded)
      this.answer.append(h("p", { class: "muted note" }, `Answered without the language model: ${response.degraded.reason}`));
    this.answer.append(answerActions(this.question, response, this.kept));
  }

  /**
   * A declined question, with the passages that came closest for the reader to judge. They are
   * set apart from an answer on purpose: no chips, no Sources, muted, and labelled as not an answer.
   * `titles` maps document ids to titles, since a passage carries only the id.
   */
  showNotFound(response: AskResponse, titles: ReadonlyMap<string, string>, openSource: OpenSource): void {
    this.showSearched(response);
    this.answer.className = "answer not-found";
    this.answer.replaceChildren(
      h("p", { class: "badge" }, "Not found in the documents"),
      h("p", { class: "answer-text" }, response.answer),
    );
    const actions = answerActions(this.question, response, this.kept);
    const passages = response.passages.slice(0, CLOSEST_SHOWN);
    if (passages.length === 0) return void this.answer.append(actions);

    const spans: SourceSpan[] = passages.map(({ documentId, heading, start, end, text }) => ({
      documentId,
      title: titles.get(documentId) ?? heading,
      start,
      end,
      quote: text,
    }));
    const list = h("ol", { class: "closest-list" });
    spans.forEach((span, i) => {
      const { heading, text } = passages[i]!;
      const button = h("button", { type: "button", class: "closest-passage" }, h("span", { class: "closest-document" }, span.title));
      // A passage before the first heading has the document's title as its heading: once is enough.
      if (heading !== span.title) button.append(h("span", { class: "closest-section" }, heading));
      button.append(h("span", { class: "closest-snippet" }, shortened(text, SNIPPET_CHARS)));
      button.addEventListener("click", () => openSource("passages", spans, i, button));
      list.append(h("li", {}, button));
    });
    this.answer.append(
      h(
        "div",
        { class: "closest" },
        h("h3", { class: "closest-heading" }, "Closest passages"),
        h("p", { class: "muted note" }, "Not an answer: the passages that came closest, to look for yourself."),
        list,
      ),
      actions,
    );
  }

  /** A follow-up is searched with words from before it ("and Russia?" with the last question): the reader sees which. */
  private showSearched({ standaloneQuestion }: AskResponse): void {
    this.element.querySelector(".searched-for")?.remove();
    if (!standaloneQuestion || standaloneQuestion.trim() === this.question.trim()) return;
    this.answer.before(h("p", { class: "searched-for" }, `Searched for: ${standaloneQuestion}`));
  }

  /**
   * Offers Edit beside the question, or takes it away (`undefined`) once a newer turn follows: the question
   * becomes a box to change it in, and Send asks the changed question in this turn's place.
   */
  offerEdit(resend: ((question: string) => void) | undefined): void {
    this.element.querySelector(".edit-question")?.remove();
    if (!resend) return;
    const edit = h("button", { type: "button", class: "action edit-question", "aria-label": "Edit question" }, "Edit");
    edit.addEventListener("click", () => {
      const shown = this.element.querySelector<HTMLElement>(".question")!;
      const box = h("textarea", { class: "edit-box", rows: "2", "aria-label": "Edit your question" });
      box.value = this.question;
      const cancel = h("button", { type: "button", class: "secondary" }, "Cancel");
      const form = h(
        "form",
        { class: "edit-form" },
        box,
        h("div", { class: "feedback-row" }, cancel, h("button", { type: "submit" }, "Send")),
      );
      const restore = () => {
        form.replaceWith(shown);
        shown.after(edit);
        edit.focus();
      };
      cancel.addEventListener("click", restore);
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        if (box.value.trim() !== "") resend(box.value.trim());
      });
      shown.replaceWith(form);
      edit.remove();
      box.focus();
    });
    this.element.querySelector(".question")?.after(edit);
  }

  /** Offers Regenerate under the answer, or takes it away (`undefined`) once a newer turn follows. */
  offerRegenerate(regenerate: (() => void) | undefined): void {
    this.answer.querySelector(".regenerate")?.remove();
    const actions = this.answer.querySelector(".actions");
    if (!regenerate || !actions) return;
    const button = h("button", { type: "button", class: "action regenerate" }, "Regenerate");
    button.addEventListener("click", regenerate);
    actions.firstElementChild!.after(button);
  }

  showStopped(): void {
    if (!this.streamed) this.answer.replaceChildren();
    this.answer.className = "answer stopped";
    this.answer.append(h("p", { class: "muted note" }, "Stopped. This answer is incomplete and is left out of the conversation."));
  }

  showError(message: string, status: number | undefined, retry: () => void): void {
    const again = h("button", { type: "button", class: "secondary" }, "Try again");
    again.addEventListener("click", retry);
    this.answer.className = "answer failed";
    this.answer.replaceChildren(
      h("p", { class: "error-title" }, status ? `Could not answer (HTTP ${status})` : "Could not answer"),
      h("p", {}, message),
      again,
    );
  }
}

function closest(count: number): string {
  return count === 1 ? "The closest passage:" : "The closest passages:";
}

function notIn(count: number): string {
  return count === 1 ? "Not in this passage:" : "Not in these passages:";
}

/** A model's answer in its own words, as Markdown, each `[n]` a chip. */
function answerText(answer: string, citations: Citation[], chip: (citation: Citation) => HTMLElement): HTMLElement {
  return markdownAnswer(answer, (text) => {
    const parts: (Node | string)[] = [];
    let last = 0;
    for (const marker of text.matchAll(MARKER)) {
      const citation = citations.find((c) => c.id === Number(marker[1]));
      if (!citation) continue;
      parts.push(text.slice(last, marker.index), chip(citation));
      last = marker.index + marker[0].length;
    }
    parts.push(text.slice(last));
    return parts;
  });
}
