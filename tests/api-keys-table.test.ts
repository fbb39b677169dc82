import { execFile } from "node:child_process";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiKeyTable } from "../src/keys/table-store.js";
import { ApiKeys } from "../src/server/api-keys.js";
import { createApp } from "../src/server/app.js";
import { startPostgres, type TestPostgres } from "./support/postgres.js";

// No index: a request that gets past the keys answers 503 not_ready, one refused by them 401 or 403.
let postgres: TestPostgres;
let store: ApiKeyTable;
let apiKeys: ApiKeys;

/** `npm run keys` with VECTOR_STORE=pgvector: the keys go to the database every server shares. */
async function keys(...args: string[]): Promise<string> {
  const env = { PATH: process.env.PATH, VECTOR_STORE: "pgvector", DATABASE_URL: postgres.url };
  return (await promisify(execFile)(process.execPath, ["--import", "tsx", "src/cli/keys.ts", ...args], { env })).stdout;
}

beforeAll(async () => {
  postgres = await startPostgres();
  store = new ApiKeyTable(postgres.url);
  apiKeys = await ApiKeys.open(undefined, store, () => {});
});

afterAll(async () => {
  apiKeys?.close();
  await store?.close();
  await postgres?.close();
});

const app = () => createApp({ pipeline: () => undefined, maxQuestionChars: 2000, rateLimitPerMinute: 0, apiKeys });
const remove = (key?: string) =>
  app().request("/documents/x", { method: "DELETE", headers: key ? { authorization: `Bearer ${key}` } : {} });
const metrics = (key?: string) => app().request("/metrics", { headers: key ? { authorization: `Bearer ${key}` } : {} });

async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("did not happen in time");
    await new Promise((done) => setTimeout(done, 100));
  }
}

describe("API keys in the database (VECTOR_STORE=pgvector)", () => {
  it("are made by npm run keys, kept as hashes, and followed by a running server", async () => {
    expect((await metrics()).status).toBe(200);
    expect((await remove()).status).toBe(403); // no ADMIN_TOKEN, no write key: uploads_disabled
    const read = (await keys("create", "--name", "reader", "--role", "read")).trimEnd().split("\n").at(-1)!;
    const write = (await keys("create", "--name", "writer", "--role", "write")).trimEnd().split("\n").at(-1)!;
    expect(await keys("list")).not.toContain("gqa_");
    // The server may read the table between the two creates: wait until it knows the second key too.
    await eventually(async () => (await remove(write)).status === 503);
    expect((await metrics()).status).toBe(401);
    expect((await metrics(read)).status).toBe(200);
    expect((await remove(read)).status).toBe(403);
    const database = new pg.Pool({ connectionString: postgres.url, max: 1 });
    const { rows } = await database.query("SELECT * FROM qa_api_keys").finally(() => database.end());
    expect(rows).toHaveLength(2);
    expect(JSON.stringify(rows)).not.toContain(read);

    await apiKeys.refresh(); // writes the last uses noted above
    expect((await store.list()).find((k) => k.name === "reader")?.lastUsedAt).toBeDefined();
    expect(await keys("revoke", "reader")).toMatch(/Revoked/);
    await eventually(async () => (await metrics(read)).status === 401);
    expect((await metrics(write)).status).toBe(200);
  });
});
