/**
 * The citation protocol the answer prompt asks for: the answer with markers like [1], then a line
 * `QUOTES:` and a JSON array of `{"id": 1, "passage": "P2", "quote": "..."}`, one per marker.
 * Plain text rather than JSON output, so the answer can be shown while it streams and any
 * OpenAI-compatible server can produce it.
 */

/** The model's reply taken apart: the answer to show, and the citation claims still to verify. */
export interface ModelReply {
  answer: string;
  claims: unknown[];
}

/** The reply does not follow the protocol closely enough to tell its citations. */
export class ProtocolError extends Error {}

/** The line that starts the citation block; models sometimes dress it as **QUOTES:** or # Quotes:. */
export const QUOTES_LINE = /^[ \t*#]*QUOTES[ \t*]*:/im;
const MARKER = /\[\d+\]/;

export function parseReply(raw: string): ModelReply {
  if (raw.trim() === "") throw new ProtocolError("the model sent an empty reply");
  const block = QUOTES_LINE.exec(raw);
  if (!block) {
    if (MARKER.test(raw)) throw new ProtocolError("the model's reply has citation markers but no QUOTES block");
    return { answer: raw.trim(), claims: [] };
  }
  const rest = raw.slice(block.index + block[0].length);
  // Between the first "[" and the last "]", which also skips a ```json fence around the array.
  const json = rest.slice(rest.indexOf("["), rest.lastIndexOf("]") + 1);
  let claims: unknown;
  try {
    claims = JSON.parse(json);
  } catch {
    throw new ProtocolError("the model's QUOTES block is not a JSON array");
  }
  if (!Array.isArray(claims)) throw new ProtocolError("the model's QUOTES block is not a JSON array");
  return { answer: raw.slice(0, block.index).trim(), claims };
}

/** True when `line`, the last line so far of a streamed reply, may still grow into the QUOTES line. */
export function mayBecomeQuotesLine(line: string): boolean {
  const word = line.replace(/^[ \t*#]*/, "").toUpperCase();
  return "QUOTES".startsWith(word) || /^QUOTES[ \t*]*$/.test(word);
}
