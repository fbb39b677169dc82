import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashOf, newKey, type Role } from "../src/keys/api-key.js";
import { ApiKeyFile } from "../src/keys/file-store.js";
import { accessOf, ApiKeys } from "../src/server/api-keys.js";
import { createApp } from "../src/server/app.js";

// No index: a request that gets past the keys answers 503 not_ready, one that does not, 401 or 403.
const ADMIN_TOKEN = "a-long-enough-admin-token";
let dir: string;
let store: ApiKeyFile;
let apiKeys: ApiKeys;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "api-keys-"));
  store = new ApiKeyFile(dir);
  apiKeys = await ApiKeys.open(ADMIN_TOKEN, store, () => {});
});

afterAll(async () => {
  apiKeys?.close();
  await rm(dir, { recursive: true, force: true });
});

async function addKey(name: string, role: Role): Promise<string> {
  const key = newKey();
  await store.add({ name, role, sha256: hashOf(key).toString("hex"), createdAt: new Date().toISOString() });
  await apiKeys.refresh();
  return key;
}

const app = (rateLimitPerMinute = 0) => createApp({ pipeline: () => undefined, maxQuestionChars: 2000, rateLimitPerMinute, apiKeys });
const ask = (target: ReturnType<typeof createApp>, key?: string) =>
  target.request("/ask", {
    method: "POST",
    headers: { "content-type": "application/json", ...(key && { authorization: `Bearer ${key}` }) },
    body: '{"question":"when?"}',
  });

describe("what each route needs", () => {
  it("is nothing for health and the page's files, a write key for changing documents, a read key for the rest", () => {
    for (const path of ["/healthz", "/", "/app.js", "/app.css"]) expect(accessOf("GET", path), path).toBe("open");
    expect(accessOf("POST", "/documents")).toBe("write");
    expect(accessOf("DELETE", "/documents/report")).toBe("write");
    for (const [method, path] of [
      ["POST", "/ask"],
      ["POST", "/ask/stream"],
      ["GET", "/documents"],
      ["GET", "/documents/report"],
      ["GET", "/examples"],
      ["POST", "/feedback"],
      ["GET", "/v1/models"],
      ["POST", "/v1/chat/completions"],
      ["POST", "/mcp"],
      ["GET", "/metrics"],
      ["POST", "/"],
    ] as const) {
      expect(accessOf(method, path), `${method} ${path}`).toBe("read");
    }
  });
});

describe("API keys", () => {
  let read: string;
  let write: string;

  it("leave reads open while there is none, and writes to ADMIN_TOKEN", async () => {
    expect((await ask(app())).status).toBe(503);
    expect((await app().request("/metrics")).status).toBe(200);
    expect((await app().request("/documents/x", { method: "DELETE" })).status).toBe(401);
    expect((await app().request("/documents/x", { method: "DELETE", headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).status).toBe(
      503,
    );
  });

  it("once one exists, refuse a read without a key or with a wrong one, in each interface's error shape", async () => {
    read = await addKey("reader", "read");
    write = await addKey("writer", "write");
    const anonymous = await ask(app());
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await anonymous.json()).toEqual({ error: { code: "unauthorized", message: expect.stringMatching(/needs an API key/) } });
    const wrong = await ask(app(), newKey());
    expect((await wrong.json()).error).toEqual({ code: "unauthorized", message: "the key is wrong or has been revoked" });
    const openai = await app().request("/v1/models");
    expect(openai.status).toBe(401);
    expect((await openai.json()).error).toMatchObject({ type: "authentication_error", code: "unauthorized", param: null });
    const mcp = await app().request("/mcp", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(mcp.status).toBe(401);
    expect(await mcp.json()).toMatchObject({ jsonrpc: "2.0", error: { code: -32001 }, id: null });
    expect((await app().request("/healthz")).status).toBe(503); // open: not ready, not refused
  });

  it("let a read key read but not write, and a write key or ADMIN_TOKEN do both", async () => {
    expect((await ask(app(), read)).status).toBe(503);
    expect((await app().request("/metrics", { headers: { authorization: `Bearer ${read}` } })).status).toBe(200);
    const forbidden = await app().request("/documents/x", { method: "DELETE", headers: { authorization: `Bearer ${read}` } });
    expect(forbidden.status).toBe(403);
    expect((await forbidden.json()).error.code).toBe("forbidden");
    for (const key of [write, ADMIN_TOKEN]) {
      expect((await ask(app(), key)).status).toBe(503);
      expect((await app().request("/documents/x", { method: "DELETE", headers: { authorization: `Bearer ${key}` } })).status).toBe(503);
    }
  });

  it("count rate limits per key, so clients behind one address do not share a budget", async () => {
    const limited = app(2);
    expect([(await ask(limited, read)).status, (await ask(limited, read)).status, (await ask(limited, read)).status]).toEqual([
      503, 503, 429,
    ]);
    expect((await ask(limited, write)).status).toBe(503);
  });

  it("are kept only as hashes, with when each was last used", async () => {
    const file = await readFile(store.path, "utf8");
    expect(file).not.toContain(read);
    expect(file).not.toContain(write);
    expect(file).toContain(hashOf(read).toString("hex"));
    await apiKeys.refresh(); // writes the uses noted above
    const reader = (await store.list()).find((k) => k.name === "reader")!;
    expect(Date.parse(reader.lastUsedAt!)).toBeGreaterThan(Date.now() - 60_000);
  });

  it("refuse a revoked key within 2 s, by following the store", async () => {
    expect(await store.revoke("reader")).toBe(true);
    const deadline = Date.now() + 10_000;
    while ((await ask(app(), read)).status !== 401) {
      if (Date.now() > deadline) throw new Error("the revoked key was still taken");
      await new Promise((done) => setTimeout(done, 100));
    }
    expect((await ask(app(), write)).status).toBe(503);
  });
});
