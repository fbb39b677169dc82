import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { DEFAULT_READING_LIMITS } from "../config.js";
import type { Progress } from "../index/progress.js";
import { UnreadableDocumentError } from "./extracted.js";
import { isSupported } from "./formats.js";
import { DocumentTooLargeError, type ReadingLimits } from "./limits.js";
import { headingText } from "./passages.js";
import { withReader } from "./reader.js";
import type { SourceDocument } from "./types.js";

/**
 * Every `.txt`, `.md`, `.html`, `.pdf` and `.docx` file under `dir`, as text, in a stable order. Rejects, naming
 * both files, when two paths would get the same document id: an index cannot tell them apart. A file
 * that holds no readable text (an encrypted or scanned PDF), or is over one of `limits`, is left out, with
 * one progress line naming it and saying why. Files are read in a worker thread (`reader.ts`).
 */
export async function readCorpus(dir: string, progress: Progress = () => {}, limits: ReadingLimits = DEFAULT_READING_LIMITS): Promise<SourceDocument[]> {
  if (!existsSync(dir)) throw new Error(`the corpus folder ${dir} does not exist: create it or set CORPUS_DIR`);
  const files = (await listFiles(dir)).filter(isSupported);
  files.sort();
  const entries = files.map((file) => {
    const path = relative(dir, file).split(sep).join("/");
    return { file, path, id: documentIdFor(path) };
  });
  const pathById = new Map<string, string>();
  for (const { path, id } of entries) {
    const other = pathById.get(id);
    if (other !== undefined) {
      throw new Error(`the corpus files "${other}" and "${path}" would both get the document id "${id}": rename one of them`);
    }
    pathById.set(id, path);
  }
  if (entries.length === 0) return [];
  return withReader(limits, progress, async (reader) => {
    const documents: SourceDocument[] = [];
    for (const { file, path } of entries) {
      try {
        documents.push(await reader.read(path, await readFile(file)));
      } catch (error) {
        if (!(error instanceof UnreadableDocumentError || error instanceof DocumentTooLargeError)) throw error;
        progress(`Leaving out ${path}: ${error.message}.`);
      }
    }
    return documents;
  });
}

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

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries
      .filter((entry) => !entry.name.startsWith("."))
      .map((entry) => {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) return listFiles(full);
        return Promise.resolve(entry.isFile() ? [full] : []);
      }),
  );
  return nested.flat();
}
