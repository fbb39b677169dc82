/** `text` on one line, cut after a whole word when it is longer than `chars`. */
export function shortened(text: string, chars: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= chars) return flat;
  const space = flat.lastIndexOf(" ", chars);
  return `${flat.slice(0, space > 0 ? space : chars).replace(/[\s,;:.]+$/, "")}…`;
}
