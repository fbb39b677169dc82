import madge from "madge";
import { beforeAll, describe, expect, it } from "vitest";

/**
 * The layers of `src/`, lowest first (docs/architecture.md draws them): a module imports from its own layer or
 * below, never above. Modules not named here (config.ts, progress.ts, types/, workers/) are shared by every layer.
 */
const LAYERS: string[][] = [
  ["text"],
  ["ingest", "embeddings", "database"],
  ["index"],
  ["retrieve"],
  ["answer", "eval"],
  ["llm", "keys"],
  ["library.ts", "service.ts", "startup.ts", "ui"],
  ["server"],
  ["cli", "dev"],
];

/** The store wings: only the door that chooses a store from the settings reaches into them. */
const WINGS = ["index/files/", "index/postgres/"];
const DOOR = "index/open-store.ts";

const layerOf = (module: string): number =>
  LAYERS.findIndex((names) => names.some((name) => module === name || module.startsWith(`${name}/`)));

let modules: number;
let imports: [string, string][];
let valueImports: [string, string][];

async function graphOf(skipTypeImports: boolean): Promise<Record<string, string[]>> {
  return (await madge("src", { fileExtensions: ["ts"], tsConfig: "tsconfig.json", detectiveOptions: { ts: { skipTypeImports } } })).obj();
}

const edgesOf = (graph: Record<string, string[]>) =>
  Object.entries(graph).flatMap(([from, targets]) => targets.map((to): [string, string] => [from, to]));

beforeAll(async () => {
  const [all, values] = await Promise.all([graphOf(false), graphOf(true)]);
  modules = Object.keys(all).length;
  [imports, valueImports] = [edgesOf(all), edgesOf(values)];
});

describe("the import graph of src/", () => {
  it("has no cycles", async () => {
    const graph = await madge("src", { fileExtensions: ["ts"], tsConfig: "tsconfig.json" });
    expect(graph.circular()).toEqual([]);
  });

  it("imports only downwards through the layers", () => {
    const upwards = imports.filter(([from, to]) => layerOf(from) >= 0 && layerOf(to) > layerOf(from));
    expect(upwards.map(([from, to]) => `${from} -> ${to}`)).toEqual([]);
  });

  it("reaches a store's own files only from inside that store, or through the door", () => {
    const intruders = imports.filter(([from, to]) => WINGS.some((wing) => to.startsWith(wing) && !from.startsWith(wing)) && from !== DOOR);
    expect(intruders.map(([from, to]) => `${from} -> ${to}`)).toEqual([]);
  });

  it("keeps the page's code to itself: the browser bundle takes only types from the server's side", () => {
    const reaching = valueImports.filter(([from, to]) => from.startsWith("ui/") && !to.startsWith("ui/"));
    expect(reaching.map(([from, to]) => `${from} -> ${to}`)).toEqual([]);
  });

  it("sees every module, so a rule above cannot pass for want of files", () => {
    expect(modules).toBeGreaterThan(150);
  });
});
