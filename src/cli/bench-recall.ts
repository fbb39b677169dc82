import { parseArgs } from "node:util";
import hnswlib from "hnswlib-node";
import { CANDIDATES } from "../retrieve/hybrid.js";
import { runCli, UsageError } from "./run.js";

const USAGE = "npm run bench:recall -- [--store hnsw|pgvector] [--vectors 100000] [--dimensions 512] [--queries 200] [--ef 20,50,100,200]";
const K = 10;
/** Clusters the synthetic vectors gather around, as sentence embeddings gather by topic. */
const CLUSTERS = 200;

/**
 * Recall@10 of the HNSW index against exact search, as retrieval uses it (cosine; `CANDIDATES` asked for
 * per search), at each search breadth `ef` in `--ef`. With `--store hnsw`, the graph is built with hnswlib's
 * defaults (M 16, efConstruction 200), as LangChain's HNSWLib builds it; with `--store pgvector`, by pgvector's
 * defaults (m 16, ef_construction 64) in PGlite, as the database store creates its index, and `ef` is
 * `hnsw.ef_search`. The vectors are synthetic: unit vectors scattered around random cluster centres, seeded,
 * so every run measures the same set.
 */
await runCli(async (args) => {
  const { values } = parseArgs({
    args,
    options: {
      vectors: { type: "string", default: "100000" },
      dimensions: { type: "string", default: "512" },
      queries: { type: "string", default: "200" },
      ef: { type: "string", default: "20,50,100,200" },
      store: { type: "string", default: "hnsw" },
    },
  });
  if (values.store !== "hnsw" && values.store !== "pgvector") throw new UsageError(USAGE);
  const count = Number(values.vectors);
  const dimensions = Number(values.dimensions);
  const queryCount = Number(values.queries);
  const efs = values.ef.split(",").map(Number);
  if (![count, dimensions, queryCount, ...efs].every((n) => Number.isInteger(n) && n > 0)) throw new UsageError(USAGE);

  const random = seeded(42);
  const centres = Array.from({ length: CLUSTERS }, () => unit(gaussian(dimensions, random)));
  const near = () => {
    const centre = centres[Math.floor(random() * CLUSTERS)]!;
    const noise = gaussian(dimensions, random);
    return unit(centre.map((c, d) => c + 0.08 * noise[d]!));
  };
  const vectors = Array.from({ length: count }, near);
  const queries = Array.from({ length: queryCount }, near);

  let started = performance.now();
  const search = values.store === "hnsw" ? hnswSearch(vectors, dimensions) : await pgvectorSearch(vectors, dimensions);
  console.error(`Built the ${values.store} index of ${count} vectors in ${((performance.now() - started) / 1000).toFixed(1)} s.`);

  started = performance.now();
  const exact = queries.map((query) => topByDot(query, vectors, K));
  console.error(`Exact search of ${queryCount} queries in ${((performance.now() - started) / 1000).toFixed(1)} s.`);

  console.log(
    `| ef (${values.store}) | recall@${K} (${count} vectors, ${dimensions} dimensions, ${CANDIDATES} asked) | ms per search |\n|---|---|---|`,
  );
  for (const ef of efs) {
    let found = 0;
    started = performance.now();
    for (const [i, query] of queries.entries()) {
      const neighbors = (await search(query, ef)).slice(0, K);
      const truth = new Set(exact[i]);
      found += neighbors.filter((label) => truth.has(label)).length;
    }
    const perSearch = (performance.now() - started) / queryCount;
    console.log(`| ${ef} | ${(found / (K * queryCount)).toFixed(4)} | ${perSearch.toFixed(2)} |`);
  }
  await search.close?.();
});

type Search = ((query: number[], ef: number) => Promise<number[]>) & { close?: () => Promise<void> };

function hnswSearch(vectors: number[][], dimensions: number): Search {
  const index = new hnswlib.HierarchicalNSW("cosine", dimensions);
  index.initIndex(vectors.length);
  vectors.forEach((vector, label) => index.addPoint(vector, label));
  return async (query, ef) => {
    index.setEf(ef);
    return index.searchKnn(query, CANDIDATES).neighbors;
  };
}

/** The vectors in PGlite (in this process: this measures recall, not the time a network adds), indexed as the database store indexes passages. */
async function pgvectorSearch(vectors: number[][], dimensions: number): Promise<Search> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { vector } = await import("@electric-sql/pglite-pgvector");
  const db = await PGlite.create({ extensions: { vector } });
  await db.exec(`CREATE EXTENSION vector; CREATE TABLE points (id integer PRIMARY KEY, embedding vector(${dimensions}))`);
  for (let from = 0; from < vectors.length; from += 1000) {
    const rows = vectors.slice(from, from + 1000);
    const json = JSON.stringify(rows.map((v, i) => [from + i, `[${v.join(",")}]`]));
    await db.query("INSERT INTO points SELECT (row->>0)::int, (row->>1)::vector FROM json_array_elements($1::json) AS row", [json]);
  }
  // Room to build the graph in memory, as a server's maintenance_work_mem would be set for it.
  await db.exec("SET maintenance_work_mem = '1GB'; CREATE INDEX ON points USING hnsw (embedding vector_cosine_ops)");
  const search: Search = async (query, ef) => {
    await db.exec(`SET hnsw.ef_search = ${Math.trunc(ef)}`);
    const { rows } = await db.query<{ id: number }>("SELECT id FROM points ORDER BY embedding <=> $1 LIMIT $2", [
      `[${query.join(",")}]`,
      CANDIDATES,
    ]);
    return rows.map((row) => row.id);
  };
  search.close = () => db.close();
  return search;
}

function topByDot(query: number[], vectors: number[][], k: number): number[] {
  const scores = vectors.map((v, label) => {
    let dot = 0;
    for (let d = 0; d < v.length; d++) dot += v[d]! * query[d]!;
    return { label, dot };
  });
  return scores
    .sort((a, b) => b.dot - a.dot)
    .slice(0, k)
    .map((s) => s.label);
}

/** Mulberry32: a small seeded generator, so the benchmark's vectors are the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(dimensions: number, random: () => number): number[] {
  return Array.from({ length: dimensions }, () => Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random()));
}

function unit(vector: number[]): number[] {
  const norm = Math.sqrt(vector.reduce((sum, x) => sum + x * x, 0)) || 1;
  return vector.map((x) => x / norm);
}
