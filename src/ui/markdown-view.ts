import { h } from "./dom.js";
import { inlineRuns, markdownBlocks, type InlineStyle } from "./markdown.js";

export interface StyledTextOptions {
  /** Keep the marks ("**") as hidden text, so the nodes' text is exactly `text`: a quote must stay the document's words. */
  keepSyntax: boolean;
  /** `[start, end)` of `text` goes inside the element `mark` makes (one per styled piece it crosses). */
  highlight?: { start: number; end: number; mark: () => HTMLElement };
  /** What a piece of plain text becomes, such as `[1]` turned into a chip; as text by default. */
  piece?: (text: string) => (Node | string)[];
}

const TAGS: Record<InlineStyle, "strong" | "em" | "code"> = { strong: "strong", em: "em", code: "code" };

/** `text` with Markdown's emphasis and code shown as such. Text is only ever inserted as text, never parsed as HTML. */
export function styledText(text: string, options: StyledTextOptions): Node[] {
  const nodes: Node[] = [];
  const { highlight } = options;
  let mark: HTMLElement | undefined;
  for (const run of inlineRuns(text)) {
    if (run.syntax && !options.keepSyntax) continue;
    const cuts = [run.start, ...(highlight ? [highlight.start, highlight.end] : []), run.end].filter(
      (at) => at >= run.start && at <= run.end,
    );
    for (let i = 0; i + 1 < cuts.length; i++) {
      const [from, to] = [cuts[i]!, cuts[i + 1]!];
      if (from === to) continue;
      const words = text.slice(from, to);
      let node: Node = run.syntax ? h("span", { class: "md-syntax" }, words) : fragment(options.piece ? options.piece(words) : [words]);
      for (const style of [...run.styles].reverse()) node = h(TAGS[style], {}, node);
      if (highlight && from >= highlight.start && to <= highlight.end) {
        if (!mark) nodes.push((mark = highlight.mark()));
        mark.append(node);
      } else nodes.push(node);
    }
  }
  return nodes;
}

/** A model's answer as Markdown: headings, lists, code and paragraphs, with its marks left out. */
export function markdownAnswer(answer: string, piece: (text: string) => (Node | string)[]): HTMLElement {
  const container = h("div", { class: "answer-text" });
  let list: HTMLElement | undefined;
  for (const block of markdownBlocks(answer)) {
    const content = answer.slice(block.contentStart, block.end);
    if (block.kind !== "item") list = undefined;
    if (block.kind === "code") {
      container.append(h("pre", {}, content.replace(/^.*(\r\n|\r|\n)?/, "").replace(/(\r\n|\r|\n)?.*$/, "")));
      continue;
    }
    const element = block.kind === "heading" ? h("h4", {}) : block.kind === "item" ? h("li", {}) : h("p", {});
    element.append(...styledText(content, { keepSyntax: false, piece }));
    if (block.kind !== "item") {
      container.append(element);
      continue;
    }
    const tag = block.ordered ? "OL" : "UL";
    if (list?.tagName !== tag) container.append((list = h(block.ordered ? "ol" : "ul", {})));
    list.append(element);
  }
  return container;
}

function fragment(children: (Node | string)[]): DocumentFragment {
  const nodes = document.createDocumentFragment();
  nodes.append(...children);
  return nodes;
}
