import type { Passage } from "../ingest/types.js";
import type { Span } from "../text/span.js";

/** Where a quote was found, in document offsets, with the source's own text at them. */
export interface QuoteMatch extends Span {
  quote: string;
}

/**
 * Finds a model's quote in the passage it cites. An exact match first; then a tolerant one, since
 * models retype what they copy: runs of whitespace, curly and straight quotes, dashes and case may
 * differ, and "..." or "…" may stand for left-out words. The match carries the SOURCE text, so
 * `document.text.slice(start, end) === quote` holds whatever the model wrote.
 */
export function verifyQuote(passage: Pick<Passage, "start" | "text">, quote: string): QuoteMatch | undefined {
  // Punctuation alone ("…", "--") supports no claim, even where the source has it.
  if (!/[\p{L}\p{N}]/u.test(quote)) return undefined;
  const exact = passage.text.indexOf(quote);
  if (exact >= 0) return spanOf(passage, exact, exact + quote.length);
  return tolerantMatch(passage, quote);
}

/** Characters models commonly type in place of the source's; everything else is compared lower-cased. */
const EQUIVALENTS: Record<string, string> = {
  "\u2018": "'",
  "\u2019": "'",
  "\u201a": "'",
  "\u201b": "'",
  "\u201c": '"',
  "\u201d": '"',
  "\u201e": '"',
  "\u201f": '"',
  "\u2010": "-",
  "\u2011": "-",
  "\u2013": "-",
  "\u2014": "-",
  "\u2026": "...",
};
const ELLIPSIS = "...";

/** The quote's pieces between ellipses, found in order; the match spans from the first piece to the last. */
function tolerantMatch(passage: Pick<Passage, "start" | "text">, quote: string): QuoteMatch | undefined {
  const source = normalize(passage.text);
  const pieces = normalize(quote)
    .text.split(ELLIPSIS)
    .map((piece) => piece.trim())
    .filter((piece) => piece !== "");
  let first = -1;
  let end = 0;
  for (const piece of pieces) {
    const at = source.text.indexOf(piece, end);
    if (at < 0) return undefined;
    if (first < 0) first = at;
    end = at + piece.length;
  }
  if (first < 0) return undefined;
  return spanOf(passage, source.origin[first]!, source.origin[end - 1]! + 1);
}

/** The text compared by the tolerant match, and for each of its characters the index it came from. */
function normalize(text: string): { text: string; origin: number[] } {
  let out = "";
  const origin: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (/\s/.test(char)) {
      if (out !== "" && !out.endsWith(" ")) {
        out += " ";
        origin.push(i);
      }
      continue;
    }
    const mapped = EQUIVALENTS[char] ?? char.toLowerCase();
    for (let k = 0; k < mapped.length; k++) origin.push(i);
    out += mapped;
  }
  return { text: out, origin };
}

function spanOf(passage: Pick<Passage, "start" | "text">, from: number, to: number): QuoteMatch {
  return { start: passage.start + from, end: passage.start + to, quote: passage.text.slice(from, to) };
}
