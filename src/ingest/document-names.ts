import { createHash } from "node:crypto";
import { headingText } from "./passages.js";

/**
 * `reports/2024/Moscow Attack.md` becomes `reports--2024--moscow-attack`: stable, readable, and safe in a
 * URL path once `encodeURIComponent`-ed. Letters and digits of any script are kept (`日本語.md` becomes
 * `日本語`); a path with nothing left gets `doc-` and a short hash of the path, so an id is never empty.
 * Different paths can still meet in one id (`a b.md`, `a-b.md`): `readCorpus` refuses those.
 */
export function documentIdFor(path: string): string {
  const id = path
    .normalize("NFC")
    .replace(/\.[^./]+$/, "")
    .split("/")
    .map((part) =>
      part
        .toLowerCase()
        .replace(/[^\p{L}\p{M}\p{N}_-]+/gu, "-")
        .replace(/^-+|-+$/g, ""),
    )
    .join("--");
  if (/[^-]/.test(id)) return id;
  return `doc-${createHash("sha256").update(path.normalize("NFC")).digest("hex").slice(0, 10)}`;
}

/**
 * A markdown `# ` heading if there is one, otherwise the first non-empty line, without a heading anchor
 * (`{#security}`). A leading byte-order mark is not part of the title (the document's text keeps it:
 * offsets count into the text as decoded).
 */
export function titleOf(text: string, path: string): string {
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const heading = /^#[ \t]+.+$/m.exec(body);
  if (heading) return headingText(heading[0]) || path;
  const firstLine = body.split(/\r?\n/).find((line) => line.trim() !== "");
  return (firstLine && headingText(firstLine.replace(/^#+\s*/, ""))) || path;
}
