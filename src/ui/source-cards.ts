import type { Citation } from "../answer/types.js";
import { h } from "./dom.js";

/**
 * What a source card says: which document (and page, for a PDF), which section, and the quoted words, the snippet cut to
 * two lines by the style sheet. A section is left out before the first heading, where it is the title.
 */
export function cardContent(citation: Citation): HTMLElement[] {
  const page = citation.page === undefined ? "" : `, page ${citation.page}`;
  const parts = [h("span", { class: "card-title" }, h("span", { class: "card-number" }, `[${citation.id}]`), " ", citation.title + page)];
  if (citation.heading && citation.heading !== citation.title) parts.push(h("span", { class: "card-section" }, citation.heading));
  parts.push(h("span", { class: "card-snippet" }, citation.quote.replace(/\s+/g, " ").trim()));
  return parts;
}

/** One card per citation, under the answer; each opens the source panel at its quote. */
export function sourceCards(citations: Citation[], open: (citation: Citation, opener: HTMLElement) => void): HTMLOListElement {
  const list = h("ol", { class: "sources" });
  for (const citation of citations) {
    const card = h("button", { type: "button", class: "source-card" }, ...cardContent(citation));
    card.addEventListener("click", () => open(citation, card));
    list.append(h("li", {}, card));
  }
  return list;
}
