import { createHash, randomBytes } from "node:crypto";

/** `read`: questions, documents, feedback, `/v1`, `/mcp`, `/metrics`; `write`: all of that, and adding and deleting documents. */
export type Role = "read" | "write";
export const ROLES: readonly Role[] = ["read", "write"];

/** A key as it is kept: its SHA-256, never the key itself. Times are ISO 8601. */
export interface StoredKey {
  name: string;
  role: Role;
  /** Hex SHA-256 of the key. */
  sha256: string;
  createdAt: string;
  lastUsedAt?: string;
}

/** Where keys are kept: a file under DATA_DIR, or a table of the database every server shares. */
export interface ApiKeyStore {
  /** Every key, by name. */
  list(): Promise<StoredKey[]>;
  /** Fails with ApiKeyNameTakenError when a key of that name exists. */
  add(key: StoredKey): Promise<void>;
  /** Whether there was a key of that name. */
  revoke(name: string): Promise<boolean>;
  /** When each named key was last used; names revoked meanwhile are left out. */
  recordUse(usedAt: ReadonlyMap<string, string>): Promise<void>;
  close(): Promise<void>;
}

export class ApiKeyNameTakenError extends Error {
  constructor(name: string) {
    super(`a key named "${name}" exists; revoke it first or choose another name`);
  }
}

/** The prefix makes a leaked key recognisable (secret scanners, logs) as one of this service's. */
const PREFIX = "gqa_";

/** A new key: 32 random bytes, base64url. */
export function newKey(): string {
  return PREFIX + randomBytes(32).toString("base64url");
}

export function hashOf(key: string): Buffer {
  return createHash("sha256").update(key).digest();
}

/** Names are written in commands and listings: short, no spaces. */
export const KEY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
