import type pg from "pg";
import { connectDatabase, reaching } from "../database/connection.js";
import { migrate } from "../database/schema.js";
import { ApiKeyNameTakenError, type ApiKeyStore, type Role, type StoredKey } from "./api-key.js";

interface KeyRow {
  name: string;
  role: Role;
  sha256: string;
  created_at: Date;
  last_used_at: Date | null;
}

/**
 * Keys in the database's `qa_api_keys`, so every server that shares the database shares them. The schema is
 * brought up to date before first use, once; while the database cannot be reached, calls fail with
 * StoreUnavailableError.
 */
export class ApiKeyTable implements ApiKeyStore {
  private readonly pool: pg.Pool;
  private migrated: Promise<void> | undefined;

  constructor(url: string) {
    this.pool = connectDatabase(url);
  }

  list(): Promise<StoredKey[]> {
    return this.query(async () => {
      const { rows } = await this.pool.query<KeyRow>("SELECT name, role, sha256, created_at, last_used_at FROM qa_api_keys ORDER BY name");
      return rows.map((row) => ({
        name: row.name,
        role: row.role,
        sha256: row.sha256,
        createdAt: row.created_at.toISOString(),
        ...(row.last_used_at && { lastUsedAt: row.last_used_at.toISOString() }),
      }));
    });
  }

  add(key: StoredKey): Promise<void> {
    return this.query(async () => {
      const { rowCount } = await this.pool.query(
        "INSERT INTO qa_api_keys (name, role, sha256, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING",
        [key.name, key.role, key.sha256, key.createdAt],
      );
      if (rowCount === 0) throw new ApiKeyNameTakenError(key.name);
    });
  }

  revoke(name: string): Promise<boolean> {
    return this.query(async () => ((await this.pool.query("DELETE FROM qa_api_keys WHERE name = $1", [name])).rowCount ?? 0) > 0);
  }

  recordUse(usedAt: ReadonlyMap<string, string>): Promise<void> {
    return this.query(async () => {
      await this.pool.query(
        `UPDATE qa_api_keys k SET last_used_at = GREATEST(k.last_used_at, u.at)
         FROM unnest($1::text[], $2::timestamptz[]) AS u(name, at) WHERE k.name = u.name`,
        [[...usedAt.keys()], [...usedAt.values()]],
      );
    });
  }

  close(): Promise<void> {
    return this.pool.end();
  }

  private query<T>(run: () => Promise<T>): Promise<T> {
    return reaching(async () => {
      this.migrated ??= migrate(this.pool).catch((error) => {
        this.migrated = undefined;
        throw error;
      });
      await this.migrated;
      return run();
    });
  }
}
