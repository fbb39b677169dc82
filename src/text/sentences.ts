import type { Span } from "./span.js";

const segmenter = new Intl.Segmenter("en", { granularity: "sentence" });

/** Titles and initialisms after which a period does not end the sentence ("Dr. Jadoon", "U.S. troops"). */
const ABBREVIATION_AT_END =
  /(?:^|[\s(“"‘'])(?:Dr|Mr|Mrs|Ms|Prof|Sr|Jr|St|Mt|Gen|Col|Lt|Sgt|Capt|Gov|Sen|Rep|Pres|No|Nos|Vol|Fig|vs|e\.g|i\.e|[A-Z]|(?:[A-Z]\.)+[A-Z])\.$/;
/** A sentence end with the space after it missing, as in "in the short term.Following the …". */
const MISSING_SPACE = /[a-z)\]”"’'][.!?](?=[A-Z][a-z])/g;

/**
 * Sentences of `text[span)`, as trimmed `[start, end)` spans of the original text.
 * ICU's sentence rules (via Intl.Segmenter) handle decimals and closing quotes; on top of them
 * abbreviations are rejoined and glued sentence ends are split. A line break that only wraps a line
 * inside a paragraph (hard-wrapped text) does not end a sentence; a blank line, and a line break before
 * a list item, a heading or a table row, or after a short line, still does. A sentence's span then keeps
 * its inner line breaks: offsets always count into the original text.
 */
export function splitSentences(text: string, span: Span = { start: 0, end: text.length }): Span[] {
  const raw: Span[] = [];
  for (const segment of segmenter.segment(unwrapLines(text.slice(span.start, span.end)))) {
    const trimmed = trim(text, span.start + segment.index, span.start + segment.index + segment.segment.length);
    if (trimmed) raw.push(trimmed);
  }
  const joined: Span[] = [];
  for (const sentence of raw) {
    const previous = joined.at(-1);
    if (previous && ABBREVIATION_AT_END.test(text.slice(previous.start, previous.end))) previous.end = sentence.end;
    else joined.push({ ...sentence });
  }
  return joined.flatMap((sentence) => splitGlued(text, sentence));
}

/** A line that starts a piece of structure of its own: a list item, a heading, a table row, a quote, a code fence. */
const STRUCTURE_LINE = /^[ \t]*(?:[-*+•][ \t]|\d{1,3}[.)][ \t]|#{1,6}(?:[ \t]|$)|\||>|```|~~~)/;
/** A line shorter than this is not taken for a wrapped one unless the next line continues it in lower case. */
const MIN_WRAPPED_LINE = 40;
/** How close to the paragraph's longest line a line must end (counting the next word) to count as wrapped. */
const WRAP_SLACK = 0.85;

/**
 * `text` with each line break that merely wraps a line inside a paragraph replaced by spaces of the same
 * length, so that ICU (which ends a sentence at every line break) sees one line, and positions carry over.
 * A break is a wrap when the next line starts in lower case, or when the line is long and the next line's
 * first word would not have fitted after it within the paragraph's width (as text wrapped at 72–80 columns
 * does). Lines that are structure (lists, headings, tables) and lines ending in two spaces stay broken.
 */
export function unwrapLines(text: string): string {
  if (!/[\r\n]/.test(text)) return text;
  const lines: { start: number; end: number; breakEnd: number }[] = [];
  for (const match of text.matchAll(/[^\r\n]*(\r\n|\r|\n|$)/g)) {
    const start = match.index;
    const end = start + match[0].length - match[1]!.length;
    lines.push({ start, end, breakEnd: start + match[0].length });
    if (match[1] === "") break;
  }
  let result = "";
  let from = 0;
  let paragraphWidth = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = text.slice(lines[i]!.start, lines[i]!.end);
    if (i === 0 || isBlank(text.slice(lines[i - 1]!.start, lines[i - 1]!.end))) {
      // A new paragraph: its width is its longest line.
      paragraphWidth = 0;
      for (let j = i; j < lines.length; j++) {
        const next = text.slice(lines[j]!.start, lines[j]!.end);
        if (isBlank(next)) break;
        paragraphWidth = Math.max(paragraphWidth, next.trimEnd().length);
      }
    }
    const next = lines[i + 1] && text.slice(lines[i + 1]!.start, lines[i + 1]!.end);
    if (next === undefined || isBlank(line) || isBlank(next) || !isWrap(line, next, paragraphWidth)) continue;
    result += text.slice(from, lines[i]!.end) + " ".repeat(lines[i]!.breakEnd - lines[i]!.end);
    from = lines[i]!.breakEnd;
  }
  return result + text.slice(from);
}

function isWrap(line: string, next: string, paragraphWidth: number): boolean {
  if (STRUCTURE_LINE.test(next) || /^[ \t]*(?:#{1,6}(?:[ \t]|$)|\|)/.test(line) || / {2,}$/.test(line)) return false;
  const following = next.trimStart();
  if (/^\p{Ll}/u.test(following)) return true;
  const length = line.trimEnd().length;
  const nextWord = following.split(/\s/, 1)[0]!.length;
  return length >= MIN_WRAPPED_LINE && length + 1 + nextWord >= WRAP_SLACK * paragraphWidth;
}

function isBlank(line: string): boolean {
  return /^[ \t\u00a0\uFEFF]*$/.test(line);
}

function splitGlued(text: string, sentence: Span): Span[] {
  const body = text.slice(sentence.start, sentence.end);
  const parts: Span[] = [];
  let from = 0;
  for (const match of body.matchAll(MISSING_SPACE)) {
    const cut = match.index + match[0].length;
    parts.push({ start: sentence.start + from, end: sentence.start + cut });
    from = cut;
  }
  parts.push({ start: sentence.start + from, end: sentence.end });
  return parts;
}

/** `[start, end)` without surrounding white space (including no-break spaces), or null when only space. */
export function trim(text: string, start: number, end: number): Span | null {
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  return start < end ? { start, end } : null;
}
