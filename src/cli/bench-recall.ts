import { parseArgs } from "node:util";
import hnswlib from "hnswlib-node";
import { CANDIDATES } from "../retrieve/hybrid.js";
import { runCli, UsageError } from "./run.js";

const USAGE = "npm run bench:recall -- [--vectors 100000] [--dimensions 512] [--queries 200] [--ef 20,50,100,200]";
const K = 10;
/** Clusters the synthetic vectors gather around, as sentence embeddings gather by topic. */
const CLUSTERS = 200;

/**
 * Recall@10 of the HNSW index against exact search, as retrieval uses it (cosine; the graph built with
 * hnswlib's defaults, M 16 and efConstruction 200, as LangChain's HNSWLib builds it; `CANDIDATES`
 * asked for per search), at each search breadth `ef` in `--ef`. The vectors are synthetic: unit vectors
 * scattered around random cluster centres, seeded, so every run measures the same set.
 */
await runCli(async (args) => {
  const { values } = parseArgs({
    args,
    options: {
      vectors: { type: "string", default: "100000" },
      dimensions: { type: "string", default: "512" },
      queries: { type: "string", default: "200" },
      ef: { type: "string", default: "20,50,100,200" },
    },
  });
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
  const index = new hnswlib.HierarchicalNSW("cosine", dimensions);
  index.initIndex(count);
  vectors.forEach((vector, label) => index.addPoint(vector, label));
  console.error(`Built the graph of ${count} vectors in ${((performance.now() - started) / 1000).toFixed(1)} s.`);

  started = performance.now();
  const exact = queries.map((query) => topByDot(query, vectors, K));
  console.error(`Exact search of ${queryCount} queries in ${((performance.now() - started) / 1000).toFixed(1)} s.`);

  console.log(`| ef | recall@${K} (${count} vectors, ${dimensions} dimensions, ${CANDIDATES} asked) | ms per search |\n|---|---|---|`);
  for (const ef of efs) {
    index.setEf(ef);
    let found = 0;
    started = performance.now();
    queries.forEach((query, i) => {
      const neighbors = index.searchKnn(query, CANDIDATES).neighbors.slice(0, K);
      const truth = new Set(exact[i]);
      found += neighbors.filter((label) => truth.has(label)).length;
    });
    const perSearch = (performance.now() - started) / queryCount;
    console.log(`| ${ef} | ${(found / (K * queryCount)).toFixed(4)} | ${perSearch.toFixed(2)} |`);
  }
});

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
