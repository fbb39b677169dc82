import { spawn } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, stat, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ask } from "../src/answer/ask.js";
import { sha256, type Manifest } from "../src/index/manifest.js";
import { loadConfig } from "../src/config.js";
import { openPipeline } from "../src/service.js";
import type { ProgressEvent } from "../src/progress.js";

let root: string;
const lighthouse = "Harrow Point\n\nThe Harrow Point lighthouse was first lit in 1871. Its keeper, Tobias Wren, served for 31 years.\n";
const question = "How many years did the keeper Tobias Wren serve?";
const configFor = (dataDir: string) => loadConfig({ CORPUS_DIR: join(root, "corpus"), DATA_DIR: dataDir, LLM_PROVIDER: "none" });
const pristine = () => join(root, "pristine");

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "grounded-qa-healing-"));
  await mkdir(join(root, "corpus"), { recursive: true });
  await writeFile(join(root, "corpus", "lighthouse.txt"), lighthouse);
  await openPipeline(configFor(pristine()));
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** A copy of the built index, and the folder `current.json` points at in it. */
async function copyOfIndex(name: string): Promise<{ dataDir: string; folder: string }> {
  const dataDir = join(root, name);
  await cp(pristine(), dataDir, { recursive: true });
  const { folder } = JSON.parse(await readFile(join(dataDir, "current.json"), "utf8")) as { folder: string };
  return { dataDir, folder: join(dataDir, folder) };
}

async function halve(path: string): Promise<void> {
  await truncate(path, Math.floor((await stat(path)).size / 2));
}

/** Each kind of damage, done to one file of the index folder. */
const damages: { file: string; how: string; damage: (path: string) => Promise<void> }[] = [
  { file: "text.json", how: "truncated", damage: halve },
  { file: "keywords.json", how: "garbage", damage: (path) => writeFile(path, "{ not json at all \u0000\u0001") },
  { file: "hnsw/hnswlib.index", how: "truncated", damage: halve },
  { file: "hnsw/docstore.json", how: "truncated", damage: halve },
  { file: "sentence-vectors.f32", how: "truncated", damage: halve },
  {
    file: "sentence-vectors.f32",
    how: "NaN-filled (same length)",
    damage: async (path) => writeFile(path, new Uint8Array(new Float32Array((await stat(path)).size / 4).fill(Number.NaN).buffer)),
  },
];

async function expectExactAnswer(pipeline: Awaited<ReturnType<typeof openPipeline>>): Promise<void> {
  const response = await ask(pipeline, { question });
  expect(response.answer).toContain("31 years");
  expect(response.citations.length).toBeGreaterThan(0);
  for (const c of response.citations) expect(lighthouse.slice(c.start, c.end)).toBe(c.quote);
}

describe("a damaged index", () => {
  damages.forEach(({ file, how, damage }, i) => {
    it(`is rebuilt, not served, when ${file} is ${how}`, async () => {
      const { dataDir, folder } = await copyOfIndex(`damaged-${i}`);
      await damage(join(folder, file));
      const events: ProgressEvent[] = [];
      const pipeline = await openPipeline(configFor(dataDir), (event) => events.push(event));
      expect(events).toContainEqual({ phase: "building", cause: "damaged", reason: expect.stringContaining(`${file} is damaged`) });
      await expectExactAnswer(pipeline);
      // The rebuilt index replaced the damaged one, and loads quietly on the next start.
      events.length = 0;
      await expectExactAnswer(await openPipeline(configFor(dataDir), (event) => events.push(event)));
      expect(events).toEqual([]);
    });
  });

  // The same damage with the manifest's record rewritten to match: the size and checksum pass, the content checks do not.
  const undetectedByChecksum: { how: string; reason: RegExp; damage: (path: string) => Promise<void> }[] = [
    { how: "truncated", reason: /expected \d+ bytes for 2 sentences/, damage: damages[4]!.damage },
    { how: "NaN-filled", reason: /holds NaN/, damage: damages[5]!.damage },
  ];
  undetectedByChecksum.forEach(({ how, reason, damage }, i) => {
    it(`is rebuilt when the sentence vectors are ${how} and the manifest agrees with them`, async () => {
      const { dataDir, folder } = await copyOfIndex(`consistent-${i}`);
      const file = "sentence-vectors.f32";
      await damage(join(folder, file));
      const manifest = JSON.parse(await readFile(join(folder, "manifest.json"), "utf8")) as Manifest;
      const bytes = await readFile(join(folder, file));
      manifest.files = manifest.files!.map((f) => (f.path === file ? { path: file, bytes: bytes.length, sha256: sha256(bytes) } : f));
      await writeFile(join(folder, "manifest.json"), JSON.stringify(manifest));
      const events: ProgressEvent[] = [];
      const pipeline = await openPipeline(configFor(dataDir), (event) => events.push(event));
      const damaged = events.find((event) => event.phase === "building" && event.cause === "damaged");
      expect(damaged).toEqual({
        phase: "building",
        cause: "damaged",
        reason: expect.stringMatching(new RegExp(`^${file} is damaged.*${reason.source}`)),
      });
      await expectExactAnswer(pipeline);
    });
  });

  it("is told apart from a sound one, which reopens with no message and no rebuild", async () => {
    const { dataDir } = await copyOfIndex("sound");
    const events: ProgressEvent[] = [];
    const pipeline = await openPipeline(configFor(dataDir), (event) => events.push(event));
    expect(events).toEqual([]);
    await expectExactAnswer(pipeline);
  });
});

describe("the index lock", () => {
  it("is taken over at once when the process holding it was killed", async () => {
    const { dataDir } = await copyOfIndex("killed");
    const lockModule = fileURLToPath(new URL("../src/index/files/lock.ts", import.meta.url));
    const script = `
      const { withIndexLock } = await import(${JSON.stringify(lockModule)});
      await withIndexLock(${JSON.stringify(dataDir)}, () => {}, async () => { process.kill(process.pid, "SIGKILL"); await new Promise(() => {}); });
    `;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { stdio: "inherit" });
    const signal = await new Promise((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
    expect(signal).toBe("SIGKILL");
    const owner = JSON.parse(await readFile(join(dataDir, "build.lock", "owner.json"), "utf8")) as { pid: number };
    expect(owner.pid).toBe(child.pid);

    const events: ProgressEvent[] = [];
    const started = Date.now();
    await expectExactAnswer(await openPipeline(configFor(dataDir), (event) => events.push(event)));
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(events).toContainEqual({ phase: "lock", state: "taken-over", pid: child.pid });
  });
});
