import type { SourceDocument } from "../ingest/types.js";
import type { Span } from "../text/span.js";
import { h } from "./dom.js";
import { markdownBlocks, type MarkdownBlock } from "./markdown.js";

const MARKDOWN = /\.(md|markdown|mdx)$/i;

/**
 * Puts `doc`'s text into `container` with `span` highlighted, and returns the <mark>s that hold it (one
 * per block or page it crosses). Markdown is laid out as headings, lists and paragraphs; other text keeps
 * its line breaks, and a PDF shows where each page starts. Every character of the raw text is in the DOM
 * once, in order, as text (markup that a reader need not see, such as "## ", is there but not displayed),
 * so the highlight covers exactly `text.slice(start, end)`, and nothing from the document is ever parsed
 * as HTML.
 */
export function renderDocument(container: HTMLElement, doc: SourceDocument, span: Span): HTMLElement[] {
  const marks: HTMLElement[] = [];
  const { text } = doc;
  /** Appends `text[from, to)` to `parent`, the part inside `span` in a <mark>; `hidden` text is kept but not shown. */
  const append = (parent: HTMLElement, from: number, to: number, hidden = false) => {
    const cuts = [from, Math.min(Math.max(span.start, from), to), Math.min(Math.max(span.end, from), to), to];
    for (let i = 0; i < 3; i++) {
      const [a, b] = [cuts[i]!, cuts[i + 1]!];
      if (a >= b) continue;
      const piece = hidden ? h("span", { class: "md-syntax" }, text.slice(a, b)) : text.slice(a, b);
      if (i !== 1) {
        parent.append(piece);
        continue;
      }
      let mark = parent.lastChild;
      if (!(mark instanceof HTMLElement && mark.tagName === "MARK" && marks.includes(mark))) {
        mark = h("mark", {});
        marks.push(mark as HTMLElement);
        parent.append(mark);
      }
      (mark as HTMLElement).append(piece);
    }
  };

  container.replaceChildren();
  const markdown = MARKDOWN.test(doc.path);
  container.classList.toggle("markdown", markdown);
  if (!markdown) {
    // Each page of a PDF after the first starts with a marker; its "Page n" is CSS, so the text stays the document's.
    let cursor = 0;
    doc.pageStarts?.forEach((start, page) => {
      if (page === 0) return;
      append(container, cursor, start);
      container.append(h("span", { class: "page-start", "data-page": `Page ${page + 1}` }));
      cursor = start;
    });
    append(container, cursor, text.length);
    return marks;
  }
  let cursor = 0;
  let list: HTMLElement | undefined;
  for (const block of markdownBlocks(text)) {
    const inList = block.kind === "item" && list?.tagName === (block.ordered ? "OL" : "UL");
    if (!inList) list = undefined;
    // What lies between blocks (line breaks) goes where the reader cannot see it, in the list when inside one.
    append(list ?? container, cursor, block.start, true);
    const element = blockElement(block);
    if (block.kind === "item") {
      if (!list) container.append((list = h(block.ordered ? "ol" : "ul", {})));
      list.append(element);
    } else container.append(element);
    append(element, block.start, block.contentStart, true);
    append(element, block.contentStart, block.end);
    cursor = block.end;
  }
  append(container, cursor, text.length, true);
  return marks;
}

function blockElement(block: MarkdownBlock): HTMLElement {
  switch (block.kind) {
    // The panel's own heading is an h2: the document's headings sit below it.
    case "heading":
      return h(block.level === 1 ? "h3" : block.level === 2 ? "h4" : "h5", {});
    case "item":
      return h("li", {});
    case "code":
      return h("pre", {});
    default:
      return h("p", {});
  }
}
