import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ask } from "../src/answer/ask.js";
import type { AskPipeline } from "../src/answer/ask.js";
import { loadConfig, type Config } from "../src/config.js";
import type { BuildProgress } from "../src/progress.js";
import { openLibrary, type StartReports } from "../src/startup.js";

/** What a start told the server, in order: the build's progress, the interim pipeline, the store's state. */
function recorder() {
  const building: (BuildProgress | undefined)[] = [];
  const interim: (AskPipeline | undefined)[] = [];
  const unavailable: (string | undefined)[] = [];
  const reports: StartReports = {
    building: (progress) => building.push(progress),
    interim: (pipeline) => interim.push(pipeline),
    unavailable: (reason) => unavailable.push(reason),
    log: () => {},
    warn: () => {},
  };
  return { reports, building, interim, unavailable };
}

const warmUp = async (pipeline: AskPipeline) => pipeline;

let dirs: string[];
let config: Config;

beforeAll(async () => {
  dirs = await Promise.all([mkdtemp(join(tmpdir(), "startup-corpus-")), mkdtemp(join(tmpdir(), "startup-data-"))]);
  // Long enough beside the ferry's note added later that adding it is worth an update, not a build.
  const lighthouse = [
    "# The lighthouse",
    "The Harrow Point lighthouse was first lit in 1871.",
    "Its lamp was turned by clockwork until the keepers left in 1956.",
    "The tower is painted in red and white bands so ships can tell it from the Selby light by day.",
  ];
  await writeFile(join(dirs[0]!, "lighthouse.md"), `${lighthouse.join("\n\n")}\n`);
  config = loadConfig({ CORPUS_DIR: dirs[0]!, DATA_DIR: dirs[1]!, LLM_PROVIDER: "none", WORKERS: "1" });
});
afterAll(() => Promise.all((dirs ?? []).map((dir) => rm(dir, { recursive: true, force: true }))));

describe("a server's start, in process, over the embedded store", () => {
  it("builds a first index in the build's thread, saying how far it got, then answers from it", async () => {
    const started = recorder();
    const library = await openLibrary(config, warmUp, started.reports);
    const embedding = started.building.filter((b) => b?.phase === "embedding");
    expect(embedding.length).toBeGreaterThan(0);
    expect(embedding.at(-1)).toMatchObject({ done: embedding.at(-1)!.total });
    // Nothing to answer from meanwhile: no earlier index.
    expect(started.interim.filter(Boolean)).toEqual([]);
    // Done building once it answers: /healthz must not go on saying it builds.
    expect(started.building.at(-1)).toBeUndefined();
    const response = await ask(library.current, { question: "When was the lighthouse first lit?" });
    expect(response.citations[0]?.quote).toContain("1871");
  });

  it("serves the saved index at once when the corpus is as it was: no build", async () => {
    const started = recorder();
    const library = await openLibrary(config, warmUp, started.reports);
    expect(started.building.filter(Boolean)).toEqual([]);
    expect([...library.current.index.documents.catalog.keys()]).toEqual(["lighthouse"]);
  });

  it("serves the saved index and adds a new document to it, rather than building anew", async () => {
    await writeFile(join(dirs[0]!, "ferry.md"), "# The ferry\n\nThe last ferry leaves the Harrow pier at ten past eleven.\n");
    const started = recorder();
    const library = await openLibrary(config, warmUp, started.reports);
    expect(started.building.some((b) => b?.phase === "building")).toBe(false);
    expect(started.building.at(-1)).toBeUndefined();
    expect([...library.current.index.documents.catalog.keys()].sort()).toEqual(["ferry", "lighthouse"]);
    const response = await ask(library.current, { question: "When does the last ferry leave the Harrow pier?" });
    expect(response.citations[0]?.quote).toContain("ten past eleven");
  });
});
