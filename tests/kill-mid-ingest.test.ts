import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitUntilReady } from "./support/ready.js";
import { freePort, startServeProcess, stopServeProcess, type ServeProcess } from "./support/serve-process.js";

const TOKEN = "kill-test-admin-token-0123";

/** A document long enough that embedding it takes a few seconds: time to kill the server in the middle. */
function almanac(): string {
  const lines = ["# The harbour almanac", ""];
  for (let day = 1; day <= 300; day++) {
    lines.push(
      `On day ${day} of the almanac the harbour master logged ${day * 3} fishing boats and ${day % 17} storm warnings at the north pier.`,
      "",
    );
  }
  lines.push("The almanac was bound in green leather by the keeper's daughter, Ada Wren.", "");
  return lines.join("\n");
}

let dirs: string[];
let served: ServeProcess | undefined;
let port: number;

beforeAll(async () => {
  dirs = await Promise.all([mkdtemp(join(tmpdir(), "kill-corpus-")), mkdtemp(join(tmpdir(), "kill-data-"))]);
  await writeFile(join(dirs[0]!, "lighthouse.md"), "# The lighthouse\n\nThe Harrow Point lighthouse was first lit in 1871.\n");
  port = await freePort();
});

afterAll(async () => {
  await stopServeProcess(served?.proc);
  await Promise.all((dirs ?? []).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function start(): Promise<ServeProcess> {
  const started = startServeProcess(port, dirs[0]!, dirs[1]!, { ADMIN_TOKEN: TOKEN, RATE_LIMIT_PER_MINUTE: "0" });
  await waitUntilReady(started);
  return started;
}

/** Starts uploading the almanac and kills the server with SIGKILL as soon as its log matches `when`. */
async function uploadAndKill(server: ServeProcess, when: RegExp): Promise<void> {
  const logged = server.output.stdout.length;
  const form = new FormData();
  form.append("files", new Blob([almanac()]), "almanac.md");
  const upload = fetch(`${server.url}/documents`, { method: "POST", body: form, headers: { authorization: `Bearer ${TOKEN}` } }).catch(
    () => undefined,
  );
  const deadline = Date.now() + 60_000;
  while (!when.test(server.output.stdout.slice(logged)) && Date.now() < deadline) await new Promise((done) => setTimeout(done, 5));
  expect(server.output.stdout.slice(logged)).toMatch(when);
  await stopServeProcess(server.proc);
  await upload;
}

async function documents(server: ServeProcess): Promise<string[]> {
  return ((await (await fetch(`${server.url}/documents`)).json()).documents as { id: string }[]).map((d) => d.id);
}

async function ask(server: ServeProcess, question: string) {
  return (
    await fetch(`${server.url}/ask`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ question }),
    })
  ).json();
}

// Each case starts a server twice and embeds a document between: minutes on a busy two-core machine.
describe("a server killed in the middle of adding a document", () => {
  it("has not added it when killed while embedding it, and serves the previous documents after a restart", async () => {
    served = await start();
    await uploadAndKill(served, /Embedded \d+\/\d+ sentences and headings\./);
    served = await start();
    expect(served.output.stdout).not.toMatch(/Rebuilding the index|damaged/);
    expect(await documents(served)).toEqual(["lighthouse"]);
    expect(existsSync(join(dirs[0]!, "almanac.md"))).toBe(false);
    const answer = await ask(served, "When was the Harrow Point lighthouse first lit?");
    expect(answer.citations[0]).toMatchObject({ documentId: "lighthouse", quote: "The Harrow Point lighthouse was first lit in 1871." });
  }, 150_000);

  it("has added all of it when killed once the change is committed, and answers from it after a restart", async () => {
    await uploadAndKill(served!, /Index updated/);
    served = await start();
    expect(served.output.stdout).not.toMatch(/Rebuilding the index|damaged/);
    expect(await documents(served)).toEqual(["almanac", "lighthouse"]);
    const answer = await ask(served, "Who bound the almanac in green leather?");
    expect(answer.citations[0]).toMatchObject({ documentId: "almanac" });
    const { text } = await (await fetch(`${served.url}/documents/almanac`)).json();
    expect(text.slice(answer.citations[0].start, answer.citations[0].end)).toBe(answer.citations[0].quote);
    // Nothing half-written is left behind in the corpus folder.
    expect((await readdir(join(dirs[0]!, ".uploads")).catch(() => [])).length).toBe(0);
  }, 150_000);
});
