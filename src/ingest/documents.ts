import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { extname, join, relative, sep } from "node:path";
import type { SourceDocument } from "./types.js";

const DOCUMENT_EXTENSIONS = new Set([".txt", ".md"]);

/** Every `.txt` and `.md` file under `dir`, in a stable order. */
export async function readCorpus(dir: string): Promise<SourceDocument[]> {
  if (!existsSync(dir)) throw new Error(`the corpus folder ${dir} does not exist: create it or set CORPUS_DIR`);
  const files = (await listFiles(dir)).filter((file) => DOCUMENT_EXTENSIONS.has(extname(file).toLowerCase()));
  files.sort();
  return Promise.all(
    files.map(async (file) => {
      const text = await readFile(file, "utf8");
      const path = relative(dir, file).split(sep).join("/");
      return { id: documentIdFor(path), title: titleOf(text, path), path, text };
    }),
  );
}

/** `reports/2024/Moscow Attack.md` becomes `reports--2024--moscow-attack`: stable, URL-safe, readable. */
export function documentIdFor(path: string): string {
  return path
    .replace(/\.[^./]+$/, "")
    .split("/")
    .map((part) =>
      part
        .toLowerCase()
        .replace(/[^a-z0-9_-]+/g, "-")
        .replace(/^-+|-+$/g, ""),
    )
    .join("--");
}

/** A markdown `# ` heading if there is one, otherwise the first non-empty line. */
export function titleOf(text: string, path: string): string {
  const heading = /^#[ \t]+(.+)$/m.exec(text);
  if (heading?.[1]) return heading[1].trim();
  const firstLine = text.split(/\r?\n/).find((line) => line.trim() !== "");
  return firstLine?.replace(/^#+\s*/, "").trim() || path;
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
