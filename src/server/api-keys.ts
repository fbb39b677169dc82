import { timingSafeEqual } from "node:crypto";
import type { Context, MiddlewareHandler } from "hono";
import { hashOf, type ApiKeyStore, type Role } from "../keys/api-key.js";
import { ApiError, errorBody } from "./errors.js";
import { openAIErrorOf } from "./openai/errors.js";

declare module "hono" {
  interface ContextVariableMap {
    /** The name of the key the request came with (rate limits count per key); unset without one. */
    apiKey: string;
  }
}

/** How often each server reads the keys again: a revoked key is refused within about this. */
const REFRESH_MS = 1000;
/** A key's last use is written at most this often, from each server process. */
const RECORD_USE_MS = 60_000;
/** What the admin token counts as, for rate limits: no key name can be this (names have no parentheses). */
const ADMIN = "(admin token)";

/** What a request needs: nothing (health and the page's own files), or a key of at least this role. */
export type Access = "open" | Role;

const OPEN = new Set(["/healthz", "/", "/app.js", "/app.css"]);

/** Anything but reading under `/documents` changes documents, so it needs a write key. */
export function accessOf(method: string, path: string): Access {
  const reading = method === "GET" || method === "HEAD";
  if (reading && OPEN.has(path)) return "open";
  if (!reading && (path === "/documents" || path.startsWith("/documents/"))) return "write";
  return "read";
}

interface KnownKey {
  name: string;
  role: Role;
  hash: Buffer;
}

/**
 * Who may do what: the API keys in the store (read again every REFRESH_MS, off the request path, so a key
 * created or revoked by `npm run keys` counts on every server without a restart) and ADMIN_TOKEN, which is
 * a write key. With no key at all, reads are open to anyone, as before keys existed.
 */
export class ApiKeys {
  /** Undefined until the store has been read once: until then, nothing that needs a key is let through. */
  private keys: KnownKey[] | undefined;
  private readonly adminHash: Buffer | undefined;
  private readonly used = new Map<string, string>();
  private readonly recordedAt = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private reading: Promise<void> | undefined;
  private failure: string | undefined;

  private constructor(
    adminToken: string | undefined,
    private readonly store: ApiKeyStore | undefined,
    private readonly log: (message: string) => void,
  ) {
    this.adminHash = adminToken === undefined ? undefined : hashOf(adminToken);
    if (!store) this.keys = [];
  }

  /** Only ADMIN_TOKEN, no stored keys: reads open, writes with the token. */
  static withoutKeys(adminToken: string | undefined): ApiKeys {
    return new ApiKeys(adminToken, undefined, () => {});
  }

  /** Reads the store once (a failure is logged, and retried each REFRESH_MS), then keeps following it. */
  static async open(adminToken: string | undefined, store: ApiKeyStore, log: (message: string) => void): Promise<ApiKeys> {
    const keys = new ApiKeys(adminToken, store, log);
    await keys.refresh();
    // A tick while a read is still going (a slow database) is skipped rather than queued.
    keys.timer = setInterval(() => keys.reading ?? void keys.refresh(), REFRESH_MS);
    keys.timer.unref();
    return keys;
  }

  /** Whether any credential could add or delete documents: the admin token, or a write key. */
  writesPossible(): boolean {
    return this.adminHash !== undefined || (this.keys ?? []).some((k) => k.role === "write");
  }

  /** Writes what last-used times are waiting, then reads the keys again: what is stored now counts once this resolves. */
  async refresh(): Promise<void> {
    if (!this.store) return;
    // A read already going may have started before the change the caller wants seen: wait for it, then read.
    while (this.reading) await this.reading;
    this.reading = this.read(this.store).finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async read(store: ApiKeyStore): Promise<void> {
    try {
      if (this.used.size > 0) {
        const used = new Map(this.used);
        this.used.clear();
        await store.recordUse(used);
      }
      this.keys = (await store.list()).map(({ name, role, sha256 }) => ({ name, role, hash: Buffer.from(sha256, "hex") }));
      if (this.failure) this.log("The API keys can be read again.");
      this.failure = undefined;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (message !== this.failure) this.log(`Cannot read the API keys: ${message}${this.keys ? "; the keys read last still count" : ""}.`);
      this.failure = message;
    }
  }

  close(): void {
    clearInterval(this.timer);
  }

  /** Lets a request through when its key's role allows the route; refuses it in the shape its interface uses. */
  readonly middleware: MiddlewareHandler = async (c, next) => {
    const needed = accessOf(c.req.method, c.req.path);
    if (needed === "open") return next();
    const refusal = this.refusalOf(c, needed);
    if (refusal) return refuse(c, refusal);
    await next();
  };

  private refusalOf(c: Context, needed: Role): ApiError | undefined {
    const given = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(c.req.header("authorization") ?? "")?.[1];
    const keys = this.keys;
    if (!keys) return new ApiError(503, "store_unavailable", "the API keys cannot be read yet; try again in a moment");
    const holder = given === undefined ? undefined : this.holderOf(hashOf(given), keys);
    if (holder) {
      c.set("apiKey", holder.name);
      if (holder.name !== ADMIN) this.noteUse(holder.name);
    }
    if (needed === "read") {
      if (holder || keys.length === 0) return undefined;
      return new ApiError(
        401,
        "unauthorized",
        given ? "the key is wrong or has been revoked" : "this server needs an API key (Authorization: Bearer <key>)",
      );
    }
    if (!this.writesPossible()) {
      return new ApiError(
        403,
        "uploads_disabled",
        "adding and deleting documents is turned off on this server (no ADMIN_TOKEN is set and no write key exists)",
      );
    }
    if (!holder) {
      return new ApiError(
        401,
        "unauthorized",
        given
          ? "the key is wrong or has been revoked"
          : "adding and deleting documents needs a write key or the admin token (Authorization: Bearer <key>)",
      );
    }
    if (holder.role !== "write")
      return new ApiError(403, "forbidden", `the key "${holder.name}" may only read; adding and deleting documents needs a write key`);
    return undefined;
  }

  /** Compares the given key's hash with every known one, each in time that does not depend on where they differ. */
  private holderOf(hash: Buffer, keys: KnownKey[]): { name: string; role: Role } | undefined {
    let holder: { name: string; role: Role } | undefined;
    if (this.adminHash && timingSafeEqual(hash, this.adminHash)) holder = { name: ADMIN, role: "write" };
    for (const key of keys) if (timingSafeEqual(hash, key.hash)) holder ??= key;
    return holder;
  }

  private noteUse(name: string): void {
    const now = Date.now();
    if (now - (this.recordedAt.get(name) ?? 0) < RECORD_USE_MS) return;
    this.recordedAt.set(name, now);
    this.used.set(name, new Date(now).toISOString());
  }
}

/** 401s say how to authenticate; the body is `/v1`'s OpenAI error, `/mcp`'s JSON-RPC error, or the service's own. */
function refuse(c: Context, error: ApiError): Response {
  if (error.status === 401) c.header("WWW-Authenticate", 'Bearer realm="grounded-qa"');
  if (c.req.path === "/v1" || c.req.path.startsWith("/v1/")) {
    const { status, body } = openAIErrorOf(error, `${c.req.method} ${c.req.path}`);
    return c.json(body, status);
  }
  if (c.req.path === "/mcp" || c.req.path.startsWith("/mcp/")) {
    return c.json({ jsonrpc: "2.0", error: { code: -32001, message: error.message }, id: null }, error.status);
  }
  return c.json(errorBody(error.code, error.message), error.status);
}
