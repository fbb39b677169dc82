import { mkdir, open, readFile, rename, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import lockfile from "proper-lockfile";
import { ApiKeyNameTakenError, type ApiKeyStore, type StoredKey } from "./api-key.js";

interface KeyFile {
  keys: StoredKey[];
}

/** Long enough for a slow disk's write; a lock left by a killed process is taken over after it. */
const STALE_MS = 10_000;

/**
 * Keys in `DATA_DIR/api-keys.json`, shared by every process on this machine. Each change is a read, change
 * and atomic replace (temp file, fsync, rename) under a lock, so the command line and the servers' last-used
 * updates never lose each other's writes (a revoked key is never written back). Reading is cheap when the
 * file has not changed: its inode, size and mtime decide.
 */
export class ApiKeyFile implements ApiKeyStore {
  readonly path: string;
  private cached: { stamp: string; keys: StoredKey[] } | undefined;

  constructor(dataDir: string) {
    this.path = join(dataDir, "api-keys.json");
  }

  async list(): Promise<StoredKey[]> {
    const info = await stat(this.path).catch((error: NodeJS.ErrnoException) => {
      // No file, or no folder to hold one (DATA_DIR not made yet, or not a folder: the start says so itself).
      if (error.code === "ENOENT" || error.code === "ENOTDIR") return undefined;
      throw error;
    });
    if (!info) return [];
    const stamp = `${info.ino}:${info.size}:${info.mtimeMs}`;
    if (this.cached?.stamp !== stamp) this.cached = { stamp, keys: await this.read() };
    return this.cached.keys;
  }

  add(key: StoredKey): Promise<void> {
    return this.change((keys) => {
      if (keys.some((k) => k.name === key.name)) throw new ApiKeyNameTakenError(key.name);
      return [...keys, key];
    });
  }

  async revoke(name: string): Promise<boolean> {
    let found = false;
    await this.change((keys) => {
      found = keys.some((k) => k.name === name);
      return keys.filter((k) => k.name !== name);
    });
    return found;
  }

  recordUse(usedAt: ReadonlyMap<string, string>): Promise<void> {
    return this.change((keys) =>
      keys.map((k) => {
        const used = usedAt.get(k.name);
        return used && (!k.lastUsedAt || used > k.lastUsedAt) ? { ...k, lastUsedAt: used } : k;
      }),
    );
  }

  async close(): Promise<void> {}

  private async read(): Promise<StoredKey[]> {
    try {
      return (JSON.parse(await readFile(this.path, "utf8")) as KeyFile).keys;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw new Error(`${this.path} cannot be read (${(error as Error).message}); fix or remove it`);
    }
  }

  private async change(update: (keys: StoredKey[]) => StoredKey[]): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const release = await lockfile.lock(this.path, {
      realpath: false,
      stale: STALE_MS,
      retries: { retries: 50, minTimeout: 20, maxTimeout: 200 },
    });
    try {
      await this.write({ keys: update(await this.read()) });
    } finally {
      await release();
    }
  }

  private async write(content: KeyFile): Promise<void> {
    const temp = `${this.path}.${process.pid}.tmp`;
    const file = await open(temp, "w", 0o600);
    try {
      await file.writeFile(`${JSON.stringify(content, null, 2)}\n`);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, this.path);
  }
}
