import type { Span } from "./span.js";

const segmenter = new Intl.Segmenter("en", { granularity: "sentence" });

/** Titles and initialisms after which a period does not end the sentence ("Dr. Jadoon", "U.S. troops"). */
const ABBREVIATION_AT_END = /(?:^|[\s(“"‘'])(?:Dr|Mr|Mrs|Ms|Prof|Sr|Jr|St|Mt|Gen|Col|Lt|Sgt|Capt|Gov|Sen|Rep|Pres|No|Nos|Vol|Fig|vs|e\.g|i\.e|[A-Z]|(?:[A-Z]\.)+[A-Z])\.$/;
/** A sentence end with the space after it missing, as in "in the short term.Following the …". */
const MISSING_SPACE = /[a-z)\]”"’'][.!?](?=[A-Z][a-z])/g;

/**
 * Sentences of `text[span)`, as trimmed `[start, end)` spans of the original text.
 * ICU's sentence rules (via Intl.Segmenter) handle decimals and closing quotes; on top of them
 * abbreviations are rejoined and glued sentence ends are split.
 */
export function splitSentences(text: string, span: Span = { start: 0, end: text.length }): Span[] {
  const raw: Span[] = [];
  for (const segment of segmenter.segment(text.slice(span.start, span.end))) {
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
