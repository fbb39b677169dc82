/**
 * The first `maxChars` characters of `text`, cut at the last whitespace before the limit so no word is
 * split (unless one word fills the whole limit). A text within the limit is returned as it is.
 */
export function truncateAtWord(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const head = text.slice(0, maxChars);
  // The limit already falls between two words.
  if (/\s/.test(text[maxChars]!)) return head.trimEnd();
  const lastSpace = head.search(/\s\S*$/);
  return (lastSpace > 0 ? head.slice(0, lastSpace) : head).trimEnd();
}
