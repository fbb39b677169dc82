import type { AskResponse, Citation } from "../answer/types.js";
import { h } from "./dom.js";
import { styledText } from "./markdown-view.js";

/** The lead over the quotes says what they answer, when the question's wording says what it asks for. */
const LEADS: Record<NonNullable<AskResponse["answerKind"]> | "other", string> = {
  time: "The date, in the documents' own words:",
  quantity: "The number, in the documents' own words:",
  name: "The name, in the documents' own words:",
  other: "What the documents say:",
};

/** True when the answer is its quotes and their markers, as an extractive answer is, so it can be shown as quotations. */
export function isQuotedAnswer(response: AskResponse): boolean {
  const rest = response.citations.reduce((text, c) => text.replace(c.quote, ""), response.answer);
  return response.mode === "extractive" && response.citations.length > 0 && /^[\s\d[\]]*$/.test(rest);
}

/**
 * An extractive answer as quotations: a lead naming what they answer, then each quote set off as a
 * quote with its section, the sentence before it (dimmed) when it opens by pointing back, and the
 * words that answer in a <mark>. An answer that quotes just what the answer above it did says so instead of repeating it.
 * A `related` answer may not answer at all: it gets no lead and no marked words, which would claim it does.
 */
export function quotations(
  response: AskResponse,
  shownBefore: Citation[],
  markdown: ReadonlySet<string>,
  chip: (citation: Citation) => HTMLElement,
): HTMLElement[] {
  const sure = response.support !== "related";
  // Only an answer that is wholly the passage above says so: one that brings new quotes shows them all, so
  // that it never opens by pointing back at a quote it repeats only because the follow-up was searched with the last question.
  const same = (c: Citation) => shownBefore.some((b) => b.documentId === c.documentId && b.start === c.start && b.end === c.end);
  const wholly = response.citations.every(same);
  const repeated = (c: Citation) => wholly && same(c);
  const fresh = response.citations.filter((c) => !repeated(c));
  const parts: HTMLElement[] = [];
  if (fresh.length > 0 && sure) parts.push(h("p", { class: "lead" }, LEADS[response.answerKind ?? "other"]));
  for (const citation of response.citations) {
    if (repeated(citation)) {
      // Still point at the words that answer this question, which may not be what the last one asked.
      const marks = quoteText(citation, sure, markdown).filter((part) => part instanceof HTMLElement && part.tagName === "MARK");
      const answer = marks.length > 0 ? [": ", ...marks] : [];
      parts.push(h("p", { class: "same-passage" }, "Same passage as above ", chip(citation), ...answer));
      continue;
    }
    const figure = h("figure", { class: "quotation" });
    if (citation.precedingSentence) {
      figure.append(
        h(
          "p",
          { class: "quote-context" },
          h("span", { class: "visually-hidden" }, "The sentence before, for context: "),
          citation.precedingSentence.text,
        ),
      );
    }
    figure.append(
      h("blockquote", {}, h("p", {}, ...quoteText(citation, sure, markdown), " ", chip(citation))),
      h("figcaption", { class: "quote-source" }, ...sourceLine(citation)),
    );
    parts.push(figure);
  }
  return parts;
}

/**
 * The quote, with the part that answers in a <mark> that names itself to a screen reader (see styles.css), when
 * `marked`. A quote from a Markdown document shows its emphasis, its marks kept as hidden text: the quote's
 * text stays exactly the document's.
 */
function quoteText({ quote, start, answerSpan, documentId }: Citation, marked: boolean, markdown: ReadonlySet<string>): (Node | string)[] {
  const span = answerSpan && marked ? { start: answerSpan.start - start, end: answerSpan.end - start } : undefined;
  if (markdown.has(documentId)) return styledText(quote, { keepSyntax: true, ...(span && { highlight: { ...span, mark: answerMark } }) });
  if (!span) return [quote];
  return [quote.slice(0, span.start), h("mark", { class: "answer-part" }, quote.slice(span.start, span.end)), quote.slice(span.end)];
}

function answerMark(): HTMLElement {
  return h("mark", { class: "answer-part" });
}

/** The section the quote sits under; the card below names the document, so the title shows only where there is no section. */
function sourceLine({ title, heading }: Citation): (Node | string)[] {
  return heading && heading !== title ? [h("span", { class: "quote-section" }, heading)] : [h("cite", {}, title)];
}
