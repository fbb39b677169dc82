import type { Citation } from "../answer/types.js";
import { ApiFailure, fetchDocument, type ShownDocument } from "./api.js";
import { byId, h } from "./dom.js";
import { renderDocument } from "./document-view.js";
import { PageView } from "./page-view.js";

/** A span to show, with the text it held when the answer was given: a citation, or one of the closest passages. */
export type SourceSpan = Pick<Citation, "documentId" | "title" | "start" | "end" | "quote">;

const NAMES = {
  citations: { one: "Citation", all: "Citations of this answer" },
  passages: { one: "Passage", all: "Closest passages" },
} as const;

// As in styles.css: below this width the panel covers the chat, as a screen of its own.
const COVERS_CHAT = "(max-width: 899.98px)";

// Room above a passage scrolled to the top of the panel, as a line's worth of the text before it.
const MARK_MARGIN_PX = 16;

/** What the panel steps through: an answer's citations, or the passages closest to a question it declined. */
export type SpanKind = keyof typeof NAMES;

/**
 * Shows a span's whole document with `[start, end)` in a <mark>, and steps through the other
 * spans of the same answer.
 */
export class SourcePanel {
  private readonly panel = byId<HTMLElement>("source-panel");
  private readonly heading = byId<HTMLHeadingElement>("source-heading");
  private readonly path = byId<HTMLParagraphElement>("source-path");
  private readonly nav = byId<HTMLElement>("source-nav");
  private readonly position = byId<HTMLSpanElement>("source-position");
  private readonly previous = byId<HTMLButtonElement>("source-prev");
  private readonly next = byId<HTMLButtonElement>("source-next");
  private readonly warning = byId<HTMLParagraphElement>("source-warning");
  private readonly text = byId<HTMLDivElement>("source-text");
  private readonly views = byId<HTMLDivElement>("source-views");
  private readonly textButton = byId<HTMLButtonElement>("source-view-text");
  private readonly pageButton = byId<HTMLButtonElement>("source-view-page");
  private readonly pages = byId<HTMLDivElement>("source-page");
  private readonly pageView = new PageView(this.pages);
  /** Whether the reader chose to see the page as it looks: kept from one source to the next while they have a page view. */
  private showPages = false;
  // One request per document, shared by every span into it.
  private readonly documents = new Map<string, Promise<ShownDocument>>();
  private kind: SpanKind = "citations";
  private spans: SourceSpan[] = [];
  private current = 0;
  private opener: HTMLElement | undefined;
  // What the panel covers, made inert while it does, so that focus and screen readers stay in the panel.
  private readonly behind = [byId("topbar"), byId("chat")];
  private readonly covers = matchMedia(COVERS_CHAT);
  /** Whether opening the panel added a history entry, which Back (or the phone's back gesture) takes away to close it. */
  private inHistory = false;

  constructor() {
    window.addEventListener("popstate", () => {
      if (!this.inHistory) return;
      this.inHistory = false;
      this.close();
    });
    this.covers.addEventListener("change", () => this.coverChat());
    this.previous.addEventListener("click", () => this.step(-1));
    this.next.addEventListener("click", () => this.step(1));
    byId("source-close").addEventListener("click", () => this.close());
    this.textButton.addEventListener("click", () => this.choosePages(false));
    this.pageButton.addEventListener("click", () => this.choosePages(true));
    this.panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") this.close();
    });
  }

  /** Opens `spans[index]`; focus returns to `opener` when the panel closes. */
  open(kind: SpanKind, spans: SourceSpan[], index: number, opener: HTMLElement): void {
    // On a phone the panel is a screen of its own, and Back should leave it, not the page.
    if (this.panel.hidden && this.covers.matches && !this.inHistory) {
      history.pushState({ sourcePanel: true }, "");
      this.inHistory = true;
    }
    this.kind = kind;
    this.spans = spans;
    this.opener = opener;
    this.nav.setAttribute("aria-label", NAMES[kind].all);
    this.panel.hidden = false;
    document.body.classList.add("source-open");
    this.coverChat();
    this.show(index);
    this.heading.focus();
  }

  close(): void {
    if (this.panel.hidden) return;
    this.panel.hidden = true;
    this.pageView.letGo();
    document.body.classList.remove("source-open");
    this.coverChat();
    if (this.inHistory) {
      this.inHistory = false;
      history.back();
    }
    if (this.opener?.isConnected) this.opener.focus();
  }

  private coverChat(): void {
    const covering = !this.panel.hidden && this.covers.matches;
    for (const element of this.behind) element.inert = covering;
  }

  /** Drops the documents read so far: one uploaded again under the same name has a new text. */
  forgetDocuments(): void {
    this.documents.clear();
  }

  private choosePages(pages: boolean): void {
    if (this.showPages === pages) return;
    this.showPages = pages;
    this.show(this.current);
  }

  private step(delta: number): void {
    const pressed = delta < 0 ? this.previous : this.next;
    this.show(this.current + delta);
    // A button that just became disabled drops focus to <body>; keep it in the panel.
    if (pressed.disabled) (delta < 0 ? this.next : this.previous).focus();
  }

  private show(index: number): void {
    const span = this.spans[index];
    if (!span) return;
    this.current = index;
    const count = this.spans.length;
    this.nav.hidden = count < 2;
    // Citations are numbered 1, 2, 3 in order, so a citation's position is also its number.
    this.position.textContent = `${NAMES[this.kind].one} ${index + 1} of ${count}`;
    this.previous.disabled = index === 0;
    this.next.disabled = index === count - 1;
    this.heading.textContent = span.title;
    this.path.textContent = "";
    this.warning.hidden = true;
    this.views.hidden = true;
    this.pages.hidden = true;
    this.text.hidden = false;
    this.text.setAttribute("aria-busy", "true");
    this.text.replaceChildren(h("p", { class: "muted" }, "Loading the document…"));
    this.load(span.documentId).then(
      (doc) => {
        if (this.spans[this.current] === span) this.render(doc, span);
      },
      (error: unknown) => {
        if (this.spans[this.current] !== span) return;
        this.documents.delete(span.documentId);
        const reason = error instanceof ApiFailure ? error.message : "The document could not be read.";
        this.text.removeAttribute("aria-busy");
        this.text.replaceChildren(h("p", { class: "error" }, `Could not open the source: ${reason}`));
      },
    );
  }

  private load(id: string): Promise<ShownDocument> {
    let doc = this.documents.get(id);
    if (!doc) this.documents.set(id, (doc = fetchDocument(id)));
    return doc;
  }

  private render(doc: ShownDocument, span: SourceSpan): void {
    this.heading.textContent = doc.title;
    this.path.textContent = doc.path;
    this.text.removeAttribute("aria-busy");
    const marks = renderDocument(this.text, doc, span);
    // The server guarantees this; a document edited after the answer was given is the one way it can fail.
    if (marks.map((mark) => mark.textContent).join("") !== span.quote) {
      this.warning.textContent = "The document has changed since this answer: the highlighted text no longer matches the quote.";
      this.warning.hidden = false;
    }
    this.views.hidden = !doc.pageView;
    const pages = this.showPages && doc.pageView === true;
    this.textButton.setAttribute("aria-pressed", String(!pages));
    this.pageButton.setAttribute("aria-pressed", String(pages));
    this.text.hidden = pages;
    this.pages.hidden = !pages;
    if (pages) {
      void this.pageView.show(doc, span, () => this.spans[this.current] === span && !this.pages.hidden);
      return;
    }
    const first = marks[0];
    if (!first) return;
    // A passage can be taller than the panel on a phone: then its start is what to see, not its middle.
    // Only the text scrolls: scrollIntoView would also scroll the page, taking the panel's header out of sight.
    const top = first.getBoundingClientRect().top - this.text.getBoundingClientRect().top + this.text.scrollTop;
    const height = marks.at(-1)!.getBoundingClientRect().bottom - first.getBoundingClientRect().top;
    const room = this.text.clientHeight - height;
    this.text.scrollTop = room >= 0 ? top - room / 2 : top - MARK_MARGIN_PX;
  }
}
