/** A block of a Markdown document, in offsets of its raw text: `[start, contentStart)` is its markup ("## ", "- "). */
export interface MarkdownBlock {
  kind: "heading" | "paragraph" | "item" | "code";
  /** 1 to 6 for a heading; whether an item is numbered. */
  level?: number;
  ordered?: boolean;
  start: number;
  contentStart: number;
  end: number;
}

const HEADING = /^ {0,3}(#{1,6})[ \t]+/;
const ITEM = /^[ \t]*(?:([-*+])|\d{1,9}[.)])[ \t]+/;
const FENCE = /^ {0,3}(```|~~~)/;

/**
 * The block structure of Markdown (headings, list items, paragraphs, fenced code) and nothing inline:
 * enough to read a document as a document, while every character keeps its offset, so a highlight of
 * `[start, end)` can land exactly. Text between blocks (line breaks, blank lines) belongs to none.
 */
export function markdownBlocks(text: string): MarkdownBlock[] {
  const blocks: MarkdownBlock[] = [];
  let open: MarkdownBlock | undefined;
  let fence: string | undefined;
  for (const { start, end } of lines(text)) {
    const content = text.slice(start, end);
    if (fence !== undefined) {
      open!.end = end;
      if (content.trimStart().startsWith(fence)) [fence, open] = [undefined, undefined];
      continue;
    }
    const fenced = FENCE.exec(content);
    const heading = HEADING.exec(content);
    const item = ITEM.exec(content);
    if (content.trim() === "") open = undefined;
    else if (fenced) {
      fence = fenced[1]!;
      blocks.push((open = { kind: "code", start, contentStart: start, end }));
    } else if (heading) {
      blocks.push({ kind: "heading", level: heading[1]!.length, start, contentStart: start + heading[0].length, end });
      open = undefined;
    } else if (item) {
      blocks.push((open = { kind: "item", ordered: item[1] === undefined, start, contentStart: start + item[0].length, end }));
    } else if (open) open.end = end;
    else blocks.push((open = { kind: "paragraph", start, contentStart: start, end }));
  }
  return blocks;
}

/** Each line's span, without its line break (LF, CRLF or CR). */
function* lines(text: string): Generator<{ start: number; end: number }> {
  const breaks = /\r\n|\r|\n/g;
  let start = 0;
  for (const lineBreak of text.matchAll(breaks)) {
    yield { start, end: lineBreak.index };
    start = lineBreak.index + lineBreak[0].length;
  }
  yield { start, end: text.length };
}

export type InlineStyle = "strong" | "em" | "code";

/** A stretch of a line: its own text in `styles`, or `syntax`, the marks ("**", "`") that a reader need not see. */
export interface InlineRun {
  start: number;
  end: number;
  syntax: boolean;
  styles: InlineStyle[];
}

// `code`, **strong**, __strong__, *em*, _em_; underscores only at word edges, so snake_case stays as written.
const INLINE =
  /`[^`\n]+`|\*\*(?=\S).+?(?<=\S)\*\*|(?<![\p{L}\p{N}_])__(?=\S).+?(?<=\S)__(?![\p{L}\p{N}_])|\*(?=[^\s*]).+?(?<=[^\s*])\*|(?<![\p{L}\p{N}_])_(?=[^\s_]).+?(?<=[^\s_])_(?![\p{L}\p{N}_])/gu;

/**
 * Markdown's inline emphasis and code in `text[from, to)`, as runs that cover it exactly, in order, so that
 * every character keeps its offset. Emphasis nests (**bold with *italics***); code does not.
 */
export function inlineRuns(text: string, from = 0, to = text.length, styles: InlineStyle[] = []): InlineRun[] {
  const runs: InlineRun[] = [];
  const line = text.slice(0, to);
  const pattern = new RegExp(INLINE.source, INLINE.flags);
  pattern.lastIndex = from;
  let cursor = from;
  for (let match = pattern.exec(line); match; match = pattern.exec(line)) {
    const token = match[0];
    const style: InlineStyle = token.startsWith("`") ? "code" : /^(\*\*|__)/.test(token) ? "strong" : "em";
    const width = style === "strong" ? 2 : 1;
    const [open, close, end] = [match.index + width, match.index + token.length - width, match.index + token.length];
    if (match.index > cursor) runs.push({ start: cursor, end: match.index, syntax: false, styles });
    runs.push({ start: match.index, end: open, syntax: true, styles });
    if (style === "code") runs.push({ start: open, end: close, syntax: false, styles: [...styles, "code"] });
    else runs.push(...inlineRuns(text, open, close, [...styles, style]));
    runs.push({ start: close, end, syntax: true, styles });
    cursor = end;
  }
  if (cursor < to) runs.push({ start: cursor, end: to, syntax: false, styles });
  return runs;
}
