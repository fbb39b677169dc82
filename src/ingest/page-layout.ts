import type { Span } from "../text/span.js";

/** A rectangle on a page, as fractions of the page's width and height, from its top left corner. */
export interface PageRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Where a run of the document's text is drawn: `[start, end)` into the document's text, and its box on the page. */
export interface TextBox extends Span, PageRect {}

/**
 * Where a page's text is on the page: a PDF's text runs as pdf.js places them, or the words OCR found on a
 * scan. `width` and `height` are the page's own (PDF points, or an image's pixels), for its shape.
 */
export interface PageLayout {
  /** 1 for the first page. */
  page: number;
  width: number;
  height: number;
  boxes: TextBox[];
}

/** A piece of a page's text as the reader of the file found it, with where it is drawn. */
export interface PlacedText {
  text: string;
  rect: PageRect;
}

/** Coordinates are kept to this many decimals: a ten-thousandth of a page is well under a pixel on screen. */
const PRECISION = 1e4;

/**
 * The boxes of `pieces` (in reading order) found in `text[from, to)`, the page's text as the document holds
 * it. Each piece is looked for where the last one ended, with only white space between: a piece that is
 * not there (a running header or page number left out of the text) gets no box, and the next is looked for
 * from the same place.
 */
export function placeText(text: string, from: number, to: number, pieces: PlacedText[]): TextBox[] {
  const boxes: TextBox[] = [];
  let cursor = from;
  for (const piece of pieces) {
    const wanted = piece.text.trim();
    if (wanted === "") continue;
    const at = text.indexOf(wanted, cursor);
    if (at < 0 || at + wanted.length > to || text.slice(cursor, at).trim() !== "") continue;
    boxes.push({ start: at, end: at + wanted.length, ...rounded(piece.rect) });
    cursor = at + wanted.length;
  }
  return boxes;
}

/**
 * The rectangles that cover `span` on `layout`'s page: each box it overlaps, cut to the characters inside
 * it as if they were of equal width (a box is a word or a run of one font, so the cut is close), and boxes
 * side by side on one line (a scan's words) joined into one, as a reader marks a line.
 */
export function rectsOfSpan(layout: PageLayout, span: Span): PageRect[] {
  const rects: PageRect[] = [];
  for (const box of layout.boxes) {
    const start = Math.max(span.start, box.start);
    const end = Math.min(span.end, box.end);
    if (start >= end) continue;
    const share = box.width / (box.end - box.start);
    const rect = { x: box.x + share * (start - box.start), y: box.y, width: share * (end - start), height: box.height };
    const last = rects.at(-1);
    if (last && onOneLine(last, rect, layout.height / layout.width)) rects[rects.length - 1] = union(last, rect);
    else rects.push(rect);
  }
  return rects.map(rounded);
}

/**
 * Whether `next` follows `previous` on the same line: mostly level with it, and no more than two line
 * heights after it (`aspect`, the page's height over its width, turns a height into a width).
 */
function onOneLine(previous: PageRect, next: PageRect, aspect: number): boolean {
  const overlap = Math.min(previous.y + previous.height, next.y + next.height) - Math.max(previous.y, next.y);
  const gap = next.x - (previous.x + previous.width);
  const lineHeight = previous.height * aspect;
  return overlap > 0.5 * Math.min(previous.height, next.height) && gap > -lineHeight && gap < 2 * lineHeight;
}

function union(a: PageRect, b: PageRect): PageRect {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
}

function rounded(rect: PageRect): PageRect {
  const round = (n: number) => Math.round(n * PRECISION) / PRECISION;
  return { x: round(rect.x), y: round(rect.y), width: round(rect.width), height: round(rect.height) };
}
