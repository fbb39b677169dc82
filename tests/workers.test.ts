import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sample } from "./support/metrics.js";
import { freePort, startServeProcess, stopServeProcess, type ServeProcess } from "./support/serve-process.js";

const TOKEN = "workers-test-admin-token";

interface Health {
  status: string;
  index?: string;
  workers?: { pid: number; status: string; index?: string; documents?: number }[];
}

let dirs: string[];
let served: ServeProcess;

const health = async (): Promise<Health> => (await fetch(`${served.url}/healthz`)).json();

/** Waits until `check` holds for `/healthz`, asking every 100 ms, for at most `timeoutMs`. */
async function healthUntil(check: (h: Health) => boolean, timeoutMs = 120_000): Promise<Health> {
  const deadline = Date.now() + timeoutMs;
  let last: Health | undefined;
  while (Date.now() < deadline) {
    last = await health().catch(() => undefined);
    if (last && check(last)) return last;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`/healthz never got there: ${JSON.stringify(last)}\n${served.output.stdout}\n${served.output.stderr}`);
}

const allReady = (count: number, documents: number) => (h: Health) =>
  h.workers?.length === count &&
  h.workers.every((w) => w.status === "ready" && w.documents === documents && w.index === h.workers![0]!.index);

beforeAll(async () => {
  dirs = await Promise.all([mkdtemp(join(tmpdir(), "workers-corpus-")), mkdtemp(join(tmpdir(), "workers-data-"))]);
  await writeFile(join(dirs[0]!, "lighthouse.md"), "# The lighthouse\n\nThe Harrow Point lighthouse was first lit in 1871.\n");
  served = startServeProcess(await freePort(), dirs[0]!, dirs[1]!, { WORKERS: "2", ADMIN_TOKEN: TOKEN, RATE_LIMIT_PER_MINUTE: "0" });
  await healthUntil(allReady(2, 1));
}, 180_000);

afterAll(async () => {
  served?.proc.kill("SIGTERM");
  await Promise.race([served?.exit, new Promise((done) => setTimeout(done, 8000))]);
  await stopServeProcess(served?.proc);
  await Promise.all((dirs ?? []).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function askStatus(question: string): Promise<number> {
  const response = await fetch(`${served.url}/ask`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ question }),
  });
  await response.arrayBuffer();
  return response.status;
}

describe("WORKERS=2: two server processes on one port", () => {
  it("both answer from the same index, and /healthz says which version each one has", async () => {
    const state = await health();
    expect(new Set(state.workers!.map((w) => w.pid)).size).toBe(2);
    expect(state.index).toBe(state.workers![0]!.index);
  });

  it("counts every process's answers in GET /metrics, whichever process is scraped", async () => {
    const asked = 6;
    for (let i = 0; i < asked; i++)
      expect(await postAlone(`${served.url}/ask`, { question: "When was the lighthouse first lit?" })).toBe(200);
    for (let scrape = 0; scrape < 4; scrape++) {
      const text = await new Promise<string>((resolve, reject) => {
        request(`${served.url}/metrics`, { agent: false }, (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (piece: string) => (body += piece));
          res.on("end", () => resolve(body));
        })
          .on("error", reject)
          .end();
      });
      expect(sample(text, "grounded_qa_answers_total", { interface: "ask" })).toBe(asked);
      expect(sample(text, "grounded_qa_http_requests_total", { route: "/ask", status: "200" })).toBe(asked);
      // The same index in both: shown once, not summed.
      expect(sample(text, "grounded_qa_index_documents")).toBe(1);
    }
  });

  it("switches every process to a document uploaded through one, without failing a question meanwhile", async () => {
    const state = await health();
    let asking = true;
    const statuses: number[] = [];
    const questions = (async () => {
      while (asking) statuses.push(await askStatus("When was the Harrow Point lighthouse first lit?"));
    })();
    const form = new FormData();
    form.append("files", new Blob(["# The orchard\n\nThe Fenwick orchard grows forty-two varieties of apple.\n"]), "orchard.md");
    const upload = await fetch(`${served.url}/documents`, { method: "POST", body: form, headers: { authorization: `Bearer ${TOKEN}` } });
    expect(upload.status).toBe(201);
    const after = await healthUntil(allReady(2, 2), 30_000);
    // Both processes answer from one version, and it is not the one before the upload.
    expect(new Set(after.workers!.map((w) => w.index)).size).toBe(1);
    expect(after.workers![0]!.index).not.toBe(state.index);
    asking = false;
    await questions;
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 200)).toBe(true);
    // Whichever process answers, it knows the new document.
    for (let i = 0; i < 8; i++) {
      const { documents } = await (await fetch(`${served.url}/documents`)).json();
      expect(documents.map((d: { id: string }) => d.id)).toEqual(["lighthouse", "orchard"]);
    }
  });

  it("starts another process when one dies, which answers from the same version", async () => {
    const before = await health();
    const victim = before.workers![0]!.pid;
    process.kill(victim, "SIGKILL");
    const after = await healthUntil((h) => allReady(2, 2)(h) && !h.workers!.some((w) => w.pid === victim));
    expect(after.workers![0]!.index).toBe(before.workers![1]!.index);
    expect(served.output.stderr).toMatch(new RegExp(`Server process ${victim} stopped \\(SIGKILL\\); starting another`));
  });
});

/** A POST on a connection of its own, so that the port's processes take turns at answering. */
function postAlone(url: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", agent: false, headers: { "content-type": "application/json" } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode!));
    });
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}
