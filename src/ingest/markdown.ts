import type { Span } from "../text/span.js";
import { titleOf } from "./document-names.js";
import type { ExtractedText } from "./extracted.js";

/** YAML (`---`) or TOML (`+++`) front matter at the very start of the file. */
const FRONT_MATTER = /^\uFEFF?(---|\+\+\+)[ \t]*\r?\n([\s\S]*?)\r?\n\1[ \t]*(?:\r?\n|$)/;
const FRONT_MATTER_TITLE = /^title[ \t]*[:=][ \t]*(["']?)(.+?)\1[ \t]*$/m;
const FENCE = /^[ \t]{0,3}(`{3,}|~{3,})/;
/** A line of nothing but HTML tags (`<div class="note">`, `</div>`, `<br/>`) or an MDX component. */
const TAGS_ONLY = /^[ \t]*(?:<\/?[A-Za-z][\w:.-]*(?:\s[^<>]*)?\/?>[ \t]*)+$/;
/** An MDX file's `import` and `export` lines. */
const MDX_STATEMENT = /^(?:import|export)\s.+$/;

/**
 * A Markdown (or MDX) file's text is the file as decoded, so every offset is the file's own. What is
 * markup rather than content is marked, never indexed or quoted: front matter, code fences' own lines,
 * lines of only HTML tags, HTML comments, MDX `import`/`export` lines. Code between fences is marked as
 * code, so a short block (an install command) is indexed although it is not prose. The title is the
 * front matter's `title`, else the first heading or line that is content.
 */
export function extractMarkdown(source: string): ExtractedText {
  const markup: Span[] = [];
  const code: Span[] = [];
  const front = FRONT_MATTER.exec(source);
  if (front) markup.push({ start: 0, end: front[0].length });
  const lines = linesOf(source, front?.[0].length ?? 0);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const text = source.slice(line.start, line.end);
    const fence = FENCE.exec(text)?.[1];
    if (fence) {
      const close = nextLine(lines, i + 1, (other) => source.slice(other.start, other.end).trim().startsWith(fence));
      const last = close === -1 ? lines.length : close;
      markup.push(line);
      if (last > i + 1) code.push({ start: lines[i + 1]!.start, end: lines[last - 1]!.end });
      if (close !== -1) markup.push(lines[close]!);
      i = last;
    } else if (text.trimStart().startsWith("<!--")) {
      const end = source.indexOf("-->", line.start);
      const endLine = end === -1 ? lines.length - 1 : nextLine(lines, i, (other) => other.end >= end + 3);
      markup.push({ start: line.start, end: lines[endLine]!.end });
      i = endLine;
    } else if (TAGS_ONLY.test(text) || MDX_STATEMENT.test(text)) markup.push(line);
  }
  const declared = front && FRONT_MATTER_TITLE.exec(front[2]!)?.[2]?.trim();
  const title = declared || titleOf(blanked(source, [...markup, ...code]), "") || undefined;
  return {
    text: source,
    format: "markdown",
    ...(title && { title }),
    ...(markup.length > 0 && { markup }),
    ...(code.length > 0 && { code }),
  };
}

/** The first of `lines` from `from` on that passes `test`, or -1: a search that starts where the reading is. */
function nextLine(lines: Span[], from: number, test: (line: Span) => boolean): number {
  for (let j = from; j < lines.length; j++) if (test(lines[j]!)) return j;
  return -1;
}

function linesOf(text: string, from: number): Span[] {
  const lines: Span[] = [];
  for (let start = from; start < text.length; ) {
    const newline = text.indexOf("\n", start);
    const end = newline === -1 ? text.length : newline;
    lines.push({ start, end: text[end - 1] === "\r" ? end - 1 : end });
    start = end + 1;
  }
  return lines;
}

/** `text` with the characters of `spans` made spaces (line breaks kept), so what is left keeps its place. */
function blanked(text: string, spans: Span[]): string {
  const chars = text.split("");
  for (const { start, end } of spans) for (let i = start; i < end; i++) if (chars[i] !== "\n") chars[i] = " ";
  return chars.join("");
}
