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
