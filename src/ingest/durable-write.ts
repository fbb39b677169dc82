import { open } from "node:fs/promises";

/** Writes `data` to `path` and flushes it to the disk before resolving, so a rename after it commits whole files. */
export async function writeDurably(path: string, data: string | Uint8Array): Promise<void> {
  const file = await open(path, "w");
  try {
    await file.writeFile(data);
    await file.sync();
  } finally {
    await file.close();
  }
}
