/**
 * Characters no reader can read: control characters other than line and page breaks, private-use code
 * points, and U+FFFD. A PDF whose fonts do not say which letters their glyphs are comes out of pdf.js as
 * runs of these.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is what this is for.
const UNREADABLE = /[\u0000-\u0008\u000e-\u001f\u007f-\u009f\p{Co}\uFFFD]/gu;

/** More than this share of a document's visible characters being unreadable makes the document so. */
export const MAX_UNREADABLE_SHARE = 0.3;

/** How many of `text`'s characters are unreadable. */
export function unreadableCount(text: string): number {
  return text.match(UNREADABLE)?.length ?? 0;
}

/** The share of `text`'s characters, white space aside, that are unreadable (0 to 1). */
export function unreadableShare(text: string): number {
  const visible = text.replace(/\s+/g, "").length;
  return visible === 0 ? 0 : unreadableCount(text) / visible;
}
