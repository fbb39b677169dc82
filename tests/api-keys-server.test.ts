import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitUntilReady } from "./support/ready.js";
import { freePort, startServeProcess, stopServeProcess, type ServeProcess } from "./support/serve-process.js";

const ADMIN_TOKEN = "a-long-enough-admin-token";
const LIGHTHOUSE =
  "# The Harrow Point lighthouse\n\nThe Harrow Point lighthouse was first lit in 1871, after two ships were lost on the reef.\n";

let corpus: string;
let dataDir: string;
let served: ServeProcess;

/** `npm run keys`, as a child process over the server's DATA_DIR. */
async function keys(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "src/cli/keys.ts", ...args], {
    env: { PATH: process.env.PATH, DATA_DIR: dataDir, CORPUS_DIR: corpus },
  });
  return stdout;
}

const created = async (name: string, role: string) => (await keys("create", "--name", name, "--role", role)).trimEnd().split("\n").at(-1)!;
const bearer = (key?: string): Record<string, string> => (key ? { authorization: `Bearer ${key}` } : {});
const json = { "content-type": "application/json" };

/** Every read route, as a request that answers 200 when let through. */
const READS: { name: string; send: (key?: string) => Promise<Response> }[] = [
  {
    name: "POST /ask",
    send: (key) =>
      fetch(`${served.url}/ask`, {
        method: "POST",
        headers: { ...json, ...bearer(key) },
        body: '{"question":"When was the lighthouse first lit?"}',
      }),
  },
  {
    name: "POST /ask/stream",
    send: (key) =>
      fetch(`${served.url}/ask/stream`, {
        method: "POST",
        headers: { ...json, ...bearer(key) },
        body: '{"question":"When was the lighthouse first lit?"}',
      }),
  },
  { name: "GET /documents", send: (key) => fetch(`${served.url}/documents`, { headers: bearer(key) }) },
  { name: "GET /documents/:id", send: (key) => fetch(`${served.url}/documents/lighthouse`, { headers: bearer(key) }) },
  { name: "GET /examples", send: (key) => fetch(`${served.url}/examples`, { headers: bearer(key) }) },
  { name: "GET /v1/models", send: (key) => fetch(`${served.url}/v1/models`, { headers: bearer(key) }) },
  {
    name: "POST /v1/chat/completions",
    send: (key) =>
      fetch(`${served.url}/v1/chat/completions`, {
        method: "POST",
        headers: { ...json, ...bearer(key) },
        body: '{"model":"grounded-qa","messages":[{"role":"user","content":"When was the lighthouse first lit?"}]}',
      }),
  },
  {
    name: "POST /mcp",
    send: (key) =>
      fetch(`${served.url}/mcp`, {
        method: "POST",
        headers: { ...json, accept: "application/json, text/event-stream", ...bearer(key) },
        body: '{"jsonrpc":"2.0","id":1,"method":"ping"}',
      }),
  },
  { name: "GET /metrics", send: (key) => fetch(`${served.url}/metrics`, { headers: bearer(key) }) },
];

function upload(key: string | undefined, name: string): Promise<Response> {
  const form = new FormData();
  form.append("files", new Blob([`# ${name}\n\nThe ${name} was painted blue in 1902.\n`]), `${name}.md`);
  return fetch(`${served.url}/documents`, { method: "POST", body: form, headers: bearer(key) });
}

/** Polls until `check` holds: the server reads the keys again each second. */
async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("did not happen in time");
    await new Promise((done) => setTimeout(done, 100));
  }
}

beforeAll(async () => {
  corpus = await mkdtemp(join(tmpdir(), "api-keys-corpus-"));
  dataDir = await mkdtemp(join(tmpdir(), "api-keys-data-"));
  await writeFile(join(corpus, "lighthouse.md"), LIGHTHOUSE);
  served = startServeProcess(await freePort(), corpus, dataDir, { ADMIN_TOKEN, RATE_LIMIT_PER_MINUTE: "0" });
  await waitUntilReady(served);
}, 240_000);

afterAll(async () => {
  await stopServeProcess(served?.proc);
  await Promise.all([corpus, dataDir].map((dir) => dir && rm(dir, { recursive: true, force: true })));
});

describe("a running server with API keys made by npm run keys", () => {
  let read: string;
  let write: string;

  it("is open to reads while there is no key, as before keys existed", async () => {
    for (const route of READS) expect((await route.send()).status, route.name).toBe(200);
    expect((await upload(ADMIN_TOKEN, "boathouse")).status).toBe(201);
  });

  it("prints a new key once, on its own last line, and never lists it", async () => {
    read = await created("reader", "read");
    write = await created("writer", "write");
    expect(read).toMatch(/^gqa_[A-Za-z0-9_-]{43}$/);
    const listing = await keys("list");
    expect(listing).toMatch(/reader\s+read\s+\S+\s+never/);
    expect(listing).toMatch(/writer\s+write/);
    expect(listing).not.toContain(read);
    expect(listing).not.toContain(write);
    expect(listing).not.toContain("gqa_");
    const file = await readFile(join(dataDir, "api-keys.json"), "utf8");
    expect(file).not.toContain(read);
    expect(file).not.toContain(write);
  });

  it("then refuses every read without a key, and answers it with a read key", async () => {
    // The server may have read the keys between the two creates: wait until it knows the second one too.
    await eventually(async () => (await READS[0]!.send(write)).status === 200 && (await READS[0]!.send()).status === 401);
    for (const route of READS) {
      expect((await route.send()).status, route.name).toBe(401);
      expect((await route.send(read)).status, route.name).toBe(200);
    }
    expect((await fetch(`${served.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${served.url}/`)).status).toBe(200);
  });

  it("refuses writes to a read key, and takes them from a write key and from ADMIN_TOKEN", async () => {
    const refused = await upload(read, "orchard");
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.code).toBe("forbidden");
    expect((await fetch(`${served.url}/documents/boathouse`, { method: "DELETE", headers: bearer(read) })).status).toBe(403);
    expect((await upload(write, "orchard")).status).toBe(201);
    expect((await fetch(`${served.url}/documents/orchard`, { method: "DELETE", headers: bearer(ADMIN_TOKEN) })).status).toBe(200);
    expect((await fetch(`${served.url}/documents/boathouse`, { method: "DELETE", headers: bearer(write) })).status).toBe(200);
    expect((await (await fetch(`${served.url}/documents`, { headers: bearer(ADMIN_TOKEN) })).json()).uploads).toBe(true);
  });

  it("refuses a revoked key soon after, without a restart, and keeps taking the others", async () => {
    expect(await keys("revoke", "reader")).toMatch(/Revoked "reader"/);
    const revokedAt = Date.now();
    await eventually(async () => (await READS[0]!.send(read)).status === 401);
    expect(Date.now() - revokedAt).toBeLessThan(5_000);
    expect((await READS[0]!.send(write)).status).toBe(200);
    expect(served.proc.exitCode).toBeNull();
    expect(served.output.stdout + served.output.stderr).not.toContain("gqa_");
  });
});
