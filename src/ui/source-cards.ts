import type { Citation } from "../answer/types.js";
import { h } from "./dom.js";
import { styledText } from "./markdown-view.js";

/**
 * What a source card says: which document (and page, for a PDF), which section, and the quoted words, the snippet cut to
 * two lines by the style sheet. A section is left out before the first heading, where it is the title.
 */
export function cardContent(citation: Citation, markdown: ReadonlySet<string>): HTMLElement[] {
  const page = citation.page === undefined ? "" : `, page ${citation.page}`;
  const parts = [h("span", { class: "card-title" }, h("span", { class: "card-number" }, `[${citation.id}]`), " ", citation.title + page)];
  if (citation.heading && citation.heading !== citation.title) parts.push(h("span", { class: "card-section" }, citation.heading));
  const snippet = citation.quote.replace(/\s+/g, " ").trim();
  parts.push(
    h("span", { class: "card-snippet" }, ...(markdown.has(citation.documentId) ? styledText(snippet, { keepSyntax: true }) : [snippet])),
  );
  return parts;
}

/** One card per citation, under the answer; each opens the source panel at its quote. */
export function sourceCards(
  citations: Citation[],
  markdown: ReadonlySet<string>,
  open: (citation: Citation, opener: HTMLElement) => void,
): HTMLOListElement {
  const list = h("ol", { class: "sources" });
  for (const citation of citations) {
    const card = h("button", { type: "button", class: "source-card" }, ...cardContent(citation, markdown));
    card.addEventListener("click", () => open(citation, card));
    list.append(h("li", {}, card));
  }
  return list;
}
