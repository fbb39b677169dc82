import { mkdir, readFile, readdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { HNSWLib } from "@langchain/community/vectorstores/hnswlib";
import { Document } from "@langchain/core/documents";
import type { VectorStore } from "@langchain/core/vectorstores";
import type { EmbeddingModel } from "../embeddings/index.js";
import { splitDocument, type ChunkingSettings } from "../ingest/passages.js";
import type { Passage, Sentence, SourceDocument } from "../ingest/types.js";
import { withIndexLock } from "./build-lock.js";
import { buildKeywordIndex, loadKeywordIndex, type KeywordIndex } from "./keywords.js";
import { manifestKeyFor, stalenessReason, type Manifest } from "./manifest.js";
import type { Progress } from "./progress.js";

/** Everything retrieval and citing need, loaded in memory. Built once per corpus and embedding model. */
export interface CorpusIndex {
  manifest: Manifest;
  documents: Map<string, SourceDocument>;
  passages: Map<string, Passage>;
  sentences: Sentence[];
  vectors: VectorStore;
  keywords: KeywordIndex;
  /** What each `IndexExtra` built, by its name, as saved. */
  extras: Map<string, Uint8Array>;
}

/** What an index is built from, handed to extras so they never split or embed the corpus again themselves. */
export interface IndexContent {
  documents: SourceDocument[];
  passages: Passage[];
  sentences: Sentence[];
}

/**
 * Data another part derives from the corpus at build time and keeps with the index (an answerer's
 * sentence vectors), so it is built, switched and removed together with it. The store only keeps the
 * bytes; `name` is recorded in the manifest, so a new or changed extra rebuilds the index.
 */
export interface IndexExtra {
  /** A file name, versioned by its owner when its format changes ("sentence-vectors-v1.f32"). */
  name: string;
  build(content: IndexContent, model: EmbeddingModel, progress: Progress): Promise<Uint8Array>;
}


const POINTER = "current.json";

/**
 * Reads the saved index if it matches the corpus and model, and builds it otherwise (always, with
 * `rebuild`). Builds of the same `dataDir` take turns.
 */
export async function openIndex(
  documents: SourceDocument[],
  model: EmbeddingModel,
  chunking: ChunkingSettings,
  dataDir: string,
  progress: Progress = () => {},
  { rebuild = false, extras = [] }: { rebuild?: boolean; extras?: IndexExtra[] } = {},
): Promise<CorpusIndex> {
  return withIndexLock(dataDir, progress, async () => {
    if (!rebuild) {
      // Checked under the lock: a build that just finished elsewhere makes this one unnecessary.
      const reason = stalenessReason(await readManifest(dataDir), manifestKeyFor(documents, model, chunking, extraNames(extras)));
      if (reason === null) return loadIndex(dataDir, model);
      progress(`Building the index: ${reason}.`);
    }
    return buildIndex(documents, model, chunking, dataDir, progress, extras);
  });
}

function extraNames(extras: IndexExtra[]): string[] {
  return extras.map((extra) => extra.name).sort();
}

/**
 * Splits, embeds and indexes `documents`, then saves the index under `dataDir`; only ever called
 * with the index lock held. The new index is written to a fresh folder and switched to by renaming
 * a pointer file, so a crash mid-build leaves the previous index intact.
 */
async function buildIndex(
  documents: SourceDocument[],
  model: EmbeddingModel,
  chunking: ChunkingSettings,
  dataDir: string,
  progress: Progress,
  extras: IndexExtra[],
): Promise<CorpusIndex> {
  const passages: Passage[] = [];
  const sentences: Sentence[] = [];
  for (const doc of documents) {
    const pieces = splitDocument(doc, chunking);
    passages.push(...pieces.passages);
    for (const s of pieces.sentences) sentences.push({ ...s, index: sentences.length });
  }
  progress(`${documents.length} documents, ${passages.length} passages, ${sentences.length} sentences.`);

  const passageVectors = await embedWithProgress(model, passages.map(contextualText), "passages", progress);
  const dimensions = passageVectors[0]?.length ?? 0;
  const content: IndexContent = { documents, passages, sentences };
  const built = new Map<string, Uint8Array>();
  for (const extra of extras) built.set(extra.name, await extra.build(content, model, progress));

  const vectors = new HNSWLib(model.embeddings, { space: "cosine", numDimensions: dimensions });
  if (passages.length > 0) {
    await vectors.addVectors(
      passageVectors,
      passages.map((p) => new Document({ pageContent: contextualText(p), metadata: { passageId: p.id } })),
    );
  }
  const keywords = buildKeywordIndex(passages);
  const manifest: Manifest = {
    ...manifestKeyFor(documents, model, chunking, extraNames(extras)),
    embeddings: { provider: model.provider, model: model.model, dimensions },
    builtAt: new Date().toISOString(),
  };

  const folder = `index-${Date.now()}-${process.pid}`;
  const dir = join(dataDir, folder);
  await mkdir(dir, { recursive: true });
  if (passages.length > 0) await vectors.save(join(dir, "hnsw"));
  await writeFile(join(dir, "text.json"), JSON.stringify(content));
  await writeFile(join(dir, "keywords.json"), JSON.stringify(keywords));
  await mkdir(join(dir, "extras"));
  for (const [name, bytes] of built) await writeFile(join(dir, "extras", name), bytes);
  await writeFile(join(dir, "manifest.json"), JSON.stringify(manifest, null, 2));
  await writeFile(join(dataDir, `${POINTER}.tmp`), JSON.stringify({ folder }));
  await rename(join(dataDir, `${POINTER}.tmp`), join(dataDir, POINTER));
  await removeOtherIndexes(dataDir, folder);
  progress(`Index saved to ${dir}.`);

  return assemble(manifest, content, vectors, keywords, built);
}

export async function loadIndex(dataDir: string, model: EmbeddingModel): Promise<CorpusIndex> {
  const dir = await currentFolder(dataDir);
  if (!dir) throw new Error(`No index in ${dataDir}`);
  const manifest = JSON.parse(await readFile(join(dir, "manifest.json"), "utf8")) as Manifest;
  const stored = JSON.parse(await readFile(join(dir, "text.json"), "utf8")) as IndexContent;
  const keywords = loadKeywordIndex(await readFile(join(dir, "keywords.json"), "utf8"));
  const vectors =
    stored.passages.length > 0
      ? await HNSWLib.load(join(dir, "hnsw"), model.embeddings)
      : new HNSWLib(model.embeddings, { space: "cosine", numDimensions: manifest.embeddings.dimensions });
  const extras = new Map<string, Uint8Array>();
  for (const name of manifest.extras) extras.set(name, await readFile(join(dir, "extras", name)));
  return assemble(manifest, stored, vectors, keywords, extras);
}

async function readManifest(dataDir: string): Promise<Manifest | null> {
  const dir = await currentFolder(dataDir);
  if (!dir) return null;
  try {
    return JSON.parse(await readFile(join(dir, "manifest.json"), "utf8")) as Manifest;
  } catch {
    return null;
  }
}

async function currentFolder(dataDir: string): Promise<string | null> {
  try {
    const { folder } = JSON.parse(await readFile(join(dataDir, POINTER), "utf8")) as { folder: string };
    return join(dataDir, folder);
  } catch {
    return null;
  }
}

function assemble(
  manifest: Manifest,
  content: IndexContent,
  vectors: VectorStore,
  keywords: KeywordIndex,
  extras: Map<string, Uint8Array>,
): CorpusIndex {
  return {
    manifest,
    documents: new Map(content.documents.map((d) => [d.id, d])),
    passages: new Map(content.passages.map((p) => [p.id, p])),
    sentences: content.sentences,
    vectors,
    keywords,
    extras,
  };
}

/** What a passage is embedded as: its text under its heading, so a section's question finds its answer. */
function contextualText(passage: Passage): string {
  return `${passage.heading}\n\n${passage.text}`;
}

/** Embeds `texts` in batches, reporting how far it got. */
export async function embedWithProgress(model: EmbeddingModel, texts: string[], what: string, progress: Progress) {
  const vectors: number[][] = [];
  const batch = 64;
  for (let i = 0; i < texts.length; i += batch) {
    vectors.push(...(await model.embeddings.embedDocuments(texts.slice(i, i + batch))));
    progress(`Embedded ${Math.min(i + batch, texts.length)}/${texts.length} ${what}.`);
  }
  return vectors;
}

async function removeOtherIndexes(dataDir: string, keep: string): Promise<void> {
  const entries = await readdir(dataDir);
  await Promise.all(
    entries
      .filter((name) => name.startsWith("index-") && name !== keep)
      .map((name) => rm(join(dataDir, name), { recursive: true, force: true })),
  );
}
