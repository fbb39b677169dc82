import type { Citation } from "../answer/types.js";
import type { SourceDocument } from "../ingest/types.js";
import { ApiFailure, fetchDocument } from "./api.js";
import { byId, h } from "./dom.js";

/**
 * Shows a citation's whole document with the cited span `[start, end)` in a <mark>, and steps
 * through the other citations of the same answer.
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
  // One request per document, shared by every citation into it.
  private readonly documents = new Map<string, Promise<SourceDocument>>();
  private citations: Citation[] = [];
  private current = 0;
  private opener: HTMLElement | undefined;

  constructor() {
    this.previous.addEventListener("click", () => this.step(-1));
    this.next.addEventListener("click", () => this.step(1));
    byId("source-close").addEventListener("click", () => this.close());
    this.panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") this.close();
    });
  }

  /** Opens `citations[index]`; focus returns to `opener` when the panel closes. */
  open(citations: Citation[], index: number, opener: HTMLElement): void {
    this.citations = citations;
    this.opener = opener;
    this.panel.hidden = false;
    document.body.classList.add("source-open");
    this.show(index);
    this.heading.focus();
  }

  close(): void {
    if (this.panel.hidden) return;
    this.panel.hidden = true;
    document.body.classList.remove("source-open");
    if (this.opener?.isConnected) this.opener.focus();
  }

  private step(delta: number): void {
    const pressed = delta < 0 ? this.previous : this.next;
    this.show(this.current + delta);
    // A button that just became disabled drops focus to <body>; keep it in the panel.
    if (pressed.disabled) (delta < 0 ? this.next : this.previous).focus();
  }

  private show(index: number): void {
    const citation = this.citations[index];
    if (!citation) return;
    this.current = index;
    const count = this.citations.length;
    this.nav.hidden = count < 2;
    this.position.textContent = `Citation ${citation.id} of ${count}`;
    this.previous.disabled = index === 0;
    this.next.disabled = index === count - 1;
    this.heading.textContent = citation.title;
    this.path.textContent = "";
    this.warning.hidden = true;
    this.text.setAttribute("aria-busy", "true");
    this.text.replaceChildren(h("p", { class: "muted" }, "Loading the document…"));
    this.load(citation.documentId).then(
      (doc) => {
        if (this.citations[this.current] === citation) this.render(doc, citation);
      },
      (error: unknown) => {
        if (this.citations[this.current] !== citation) return;
        this.documents.delete(citation.documentId);
        const reason = error instanceof ApiFailure ? error.message : "The document could not be read.";
        this.text.removeAttribute("aria-busy");
        this.text.replaceChildren(h("p", { class: "error" }, `Could not open the source: ${reason}`));
      },
    );
  }

  private load(id: string): Promise<SourceDocument> {
    let doc = this.documents.get(id);
    if (!doc) this.documents.set(id, (doc = fetchDocument(id)));
    return doc;
  }

  private render(doc: SourceDocument, citation: Citation): void {
    const { text } = doc;
    const mark = h("mark", {}, text.slice(citation.start, citation.end));
    this.heading.textContent = doc.title;
    this.path.textContent = doc.path;
    this.text.removeAttribute("aria-busy");
    this.text.replaceChildren(text.slice(0, citation.start), mark, text.slice(citation.end));
    // The server guarantees this; a document edited after the answer was given is the one way it can fail.
    if (mark.textContent !== citation.quote) {
      this.warning.textContent = "The document has changed since this answer: the highlighted text no longer matches the quote.";
      this.warning.hidden = false;
    }
    mark.scrollIntoView({ block: "center" });
  }
}
