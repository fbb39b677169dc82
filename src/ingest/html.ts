import { Readability } from "@mozilla/readability";
import { parseHTML } from "linkedom";
import { UnreadableDocumentError, type ExtractedText } from "./extracted.js";

/** Elements that start a block of their own; the rest (links, emphasis, spans) flow inside one. */
const BLOCK_ELEMENTS = new Set([
  "ADDRESS",
  "ARTICLE",
  "ASIDE",
  "BLOCKQUOTE",
  "BODY",
  "CAPTION",
  "DD",
  "DETAILS",
  "DIV",
  "DL",
  "DT",
  "FIGCAPTION",
  "FIGURE",
  "FOOTER",
  "H1",
  "H2",
  "H3",
  "H4",
  "H5",
  "H6",
  "HEADER",
  "HR",
  "LI",
  "MAIN",
  "NAV",
  "OL",
  "P",
  "PRE",
  "SECTION",
  "SUMMARY",
  "TABLE",
  "TBODY",
  "TD",
  "TFOOT",
  "TH",
  "THEAD",
  "TR",
  "UL",
]);
const SKIPPED_ELEMENTS = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "SVG", "CANVAS", "IFRAME"]);

/**
 * A web page's main content as plain text: Readability (Firefox's reader view) picks the article out of
 * navigation, ads and footers, then each block (heading, paragraph, list item, table cell) becomes a
 * paragraph of its own, separated by blank lines, so headings read as headings to the passage splitter.
 * A page Readability finds no article in is taken whole, from its body.
 */
export function extractHtml(html: string): ExtractedText {
  let { document } = parseHTML(html);
  // linkedom adds no <html> or <body> a file lacks (empty, plain text, a fragment), and Readability throws without them.
  if (document.documentElement?.tagName !== "HTML" || !document.querySelector("body")) {
    html = `<!doctype html><html><body>${html}</body></html>`;
    document = parseHTML(html).document;
  }
  const pageTitle = document.querySelector("title")?.textContent?.trim() || undefined;
  const article = new Readability(document as unknown as Document, { charThreshold: 0 }).parse();
  const root = article?.content
    ? parseHTML(`<!doctype html><html><body>${article.content}</body></html>`).document.body
    : parseHTML(html).document.body;
  const text = pageBlocks(root as unknown as Node)
    .map((block) => block.text)
    .join("\n\n");
  if (text.trim() === "") throw new UnreadableDocumentError("the page has no text");
  return { text, format: "html", title: article?.title?.trim() || pageTitle };
}

/** A block of a page's text: a heading (`<h1>`–`<h6>`), a paragraph, a list item, a table cell, a `<pre>`. */
export interface PageBlock {
  text: string;
  heading: boolean;
}

const HEADINGS = new Set(["H1", "H2", "H3", "H4", "H5", "H6"]);

/** The blocks of the page under `root`, in order, each with its spaces collapsed and its line breaks kept. */
export function pageBlocks(root: Node): PageBlock[] {
  const blocks: PageBlock[] = [];
  const inline = { text: "", heading: false };
  collectBlocks(root, blocks, inline);
  flushInline(inline, blocks);
  return blocks;
}

/** Ends the block being gathered: its spaces collapsed, its line breaks (from `<br>`) kept. */
function flushInline(inline: { text: string; heading: boolean }, blocks: PageBlock[]): void {
  const block = inline.text
    .replace(/[ \t\r\f\v\u00a0]+/g, " ")
    .replace(/ ?\n ?/g, "\n")
    .trim();
  if (block !== "" && block !== "-") blocks.push({ text: block, heading: inline.heading });
  inline.text = "";
  inline.heading = false;
}

function collectBlocks(node: Node, blocks: PageBlock[], inline: { text: string; heading: boolean }): void {
  const flush = () => flushInline(inline, blocks);
  for (const child of Array.from(node.childNodes)) {
    if (child.nodeType === 3) {
      inline.text += (child.textContent ?? "").replace(/\s+/g, " ");
      continue;
    }
    if (child.nodeType !== 1) continue;
    const tag = (child as Element).tagName.toUpperCase();
    if (SKIPPED_ELEMENTS.has(tag)) continue;
    if (tag === "BR") {
      inline.text += "\n";
    } else if (tag === "MATH") {
      inline.text += formulaText(child as Element);
    } else if (tag === "PRE") {
      flush();
      const pre = (child.textContent ?? "").replace(/^\n+|\s+$/g, "");
      if (pre.trim() !== "") blocks.push({ text: pre, heading: false });
    } else if (BLOCK_ELEMENTS.has(tag)) {
      flush();
      if (tag === "LI") inline.text = "- ";
      inline.heading = HEADINGS.has(tag);
      collectBlocks(child, blocks, inline);
      flush();
    } else {
      collectBlocks(child, blocks, inline);
    }
  }
}

/**
 * A MathML formula as a reader would type it: its `alttext`, else its TeX annotation, else the text of its
 * symbols (`a+b`). Its symbols and its annotation together would read "E=mc2E = mc^2".
 */
function formulaText(math: Element): string {
  const written = math.getAttribute("alttext") ?? math.querySelector('annotation[encoding="application/x-tex"]')?.textContent;
  if (written?.trim()) return written.trim();
  const symbols = math.cloneNode(true) as Element;
  for (const annotation of Array.from(symbols.querySelectorAll("annotation, annotation-xml"))) annotation.remove();
  return (symbols.textContent ?? "").replace(/\s+/g, "");
}
