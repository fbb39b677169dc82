import type { PageRect } from "../ingest/page-layout.js";
import type { Span } from "../text/span.js";
import { ApiFailure, fetchPage, fetchPageImage, type PageOfDocument, type ShownDocument } from "./api.js";
import { h } from "./dom.js";

// Room above the first box scrolled to the top of the view, as in the text view.
const BOX_MARGIN_PX = 16;

/** The pages `span` covers, 1 for the first: one, or each page of a quote that runs onto the next. */
export function pagesOfSpan(doc: ShownDocument, span: Span): number[] {
  const starts = doc.pageStarts ?? [0];
  const covered = starts.flatMap((start, i) => {
    const end = starts[i + 1] ?? doc.text.length;
    return start < span.end && span.start < end ? [i + 1] : [];
  });
  return covered.length > 0 ? covered : [Math.max(1, starts.findLastIndex((start) => start <= span.start) + 1)];
}

/**
 * Shows the pages of a document that a span covers as they look (a PDF's pages drawn by the server, a
 * photo as it is), with a box over each run of the span's text: where a reader finds the quote on paper.
 */
export class PageView {
  /** The pictures shown, as object URLs, let go of when others are shown. */
  private urls: string[] = [];

  constructor(private readonly container: HTMLElement) {}

  /** Shows `span`'s pages of `doc`, unless `stillWanted` says another span was chosen meanwhile. */
  async show(doc: ShownDocument, span: Span, stillWanted: () => boolean): Promise<void> {
    this.letGo();
    this.container.setAttribute("aria-busy", "true");
    this.container.replaceChildren(h("p", { class: "muted" }, "Loading the page…"));
    let sheets: HTMLElement[];
    try {
      sheets = await Promise.all(pagesOfSpan(doc, span).map((page) => this.sheet(doc, page, span)));
    } catch (error) {
      if (!stillWanted()) return;
      const reason = error instanceof ApiFailure ? error.message : "The page could not be read.";
      this.container.removeAttribute("aria-busy");
      this.container.replaceChildren(h("p", { class: "error" }, `Could not show the page: ${reason} The text view still shows the quote.`));
      return;
    }
    if (!stillWanted()) return;
    this.container.removeAttribute("aria-busy");
    this.container.replaceChildren(...sheets);
    await Promise.all([...this.container.querySelectorAll("img")].map((img) => img.decode().catch(() => {})));
    const first = this.container.querySelector(".page-highlight");
    if (!first || !stillWanted()) return;
    const top = first.getBoundingClientRect().top - this.container.getBoundingClientRect().top + this.container.scrollTop;
    this.container.scrollTop = Math.max(0, top - BOX_MARGIN_PX);
  }

  /** Lets go of the pictures shown. */
  letGo(): void {
    for (const url of this.urls) URL.revokeObjectURL(url);
    this.urls = [];
  }

  private async sheet(doc: ShownDocument, number: number, span: Span): Promise<HTMLElement> {
    const page = await fetchPage(doc.id, number, span);
    const url = URL.createObjectURL(await fetchPageImage(page.image));
    this.urls.push(url);
    return sheetOf(doc, page, url);
  }
}

function sheetOf(doc: ShownDocument, page: PageOfDocument, url: string): HTMLElement {
  const paper = h("div", { class: "page-paper" }, h("img", { src: url, alt: `Page ${page.page} of ${doc.title}` }));
  if (page.width && page.height) paper.style.aspectRatio = `${page.width} / ${page.height}`;
  paper.append(...page.highlights.map(box));
  const caption = `Page ${page.page} of ${page.pages}${page.highlights.length > 0 ? ", the quote boxed" : ""}`;
  return h("figure", { class: "page-sheet" }, paper, h("figcaption", {}, caption));
}

function box(rect: PageRect): HTMLElement {
  const element = h("div", { class: "page-highlight" });
  const percent = (n: number) => `${(n * 100).toFixed(2)}%`;
  Object.assign(element.style, { left: percent(rect.x), top: percent(rect.y), width: percent(rect.width), height: percent(rect.height) });
  return element;
}
