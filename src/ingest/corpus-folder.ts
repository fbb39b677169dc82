import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { writeDurably } from "./durable-write.js";
import type { SourceDocument } from "./types.js";

/** Where an upload is written before it is renamed into the corpus: a hidden folder, which the corpus scan skips. */
const STAGING = ".uploads";

/** The corpus folder as files are added to it and taken from it while the server runs. */
export class CorpusFolder {
  constructor(private readonly dir: string) {}

  has(path: string): boolean {
    return existsSync(join(this.dir, path));
  }

  /** The file `document` was read from; undefined when it is gone or is another now (as far as its size tells). */
  async fileOf(document: Pick<SourceDocument, "path" | "bytes">): Promise<Buffer | undefined> {
    const bytes = await readFile(join(this.dir, document.path)).catch(() => undefined);
    return bytes?.length === document.bytes ? bytes : undefined;
  }

  /** Writes a whole file: to a staging file first, then renamed, so no half file is ever read. */
  async write(path: string, bytes: Buffer): Promise<void> {
    const staging = join(this.dir, STAGING);
    await mkdir(staging, { recursive: true });
    const temporary = join(staging, randomUUID());
    try {
      await writeDurably(temporary, bytes);
      await rename(temporary, join(this.dir, path));
    } finally {
      await rm(temporary, { force: true });
    }
  }

  async remove(path: string): Promise<void> {
    await rm(join(this.dir, path), { force: true });
  }
}
