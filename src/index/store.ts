import { mkdir, readFile, readdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { HNSWLib } from "@langchain/community/vectorstores/hnswlib";
import { Document } from "@langchain/core/documents";
import type { VectorStore } from "@langchain/core/vectorstores";
import type { EmbeddingModel } from "../embeddings/index.js";
import { unit } from "../embeddings/vectors.js";
import { splitDocument, type ChunkingSettings } from "../ingest/passages.js";
import type { Passage, Sentence, SourceDocument } from "../ingest/types.js";
import { buildKeywordIndex, loadKeywordIndex, type KeywordIndex } from "./keywords.js";
import { manifestKeyFor, stalenessReason, type Manifest } from "./manifest.js";
import { contentWords } from "../retrieve/terms.js";
import { withIndexLock } from "./build-lock.js";
import { TermStatistics } from "./term-statistics.js";

/** Everything answering needs, loaded in memory. Built once per corpus and embedding model. */
export interface CorpusIndex {
  manifest: Manifest;
  documents: Map<string, SourceDocument>;
  passages: Map<string, Passage>;
  sentences: Sentence[];
  /** Unit-length embedding of each sentence, by `Sentence.index`. */
  sentenceVectors: Float32Array[];
  /** Each content term of the corpus, and a word of the corpus that stems to it (for looking up its meaning). */
  vocabulary: Map<string, string>;
  vectors: VectorStore;
  keywords: KeywordIndex;
  terms: TermStatistics;
  /** The content terms of each sentence (by `Sentence.index`) and of each heading, tokenized once at load. */
  sentenceTerms: Set<string>[];
  headingTerms: Map<string, Set<string>>;
}

export type Progress = (message: string) => void;

interface StoredText {
  documents: SourceDocument[];
  passages: Passage[];
  sentences: Sentence[];
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
  { rebuild = false }: { rebuild?: boolean } = {},
): Promise<CorpusIndex> {
  return withIndexLock(dataDir, progress, async () => {
    if (!rebuild) {
      // Checked under the lock: a build that just finished elsewhere makes this one unnecessary.
      const reason = stalenessReason(await readManifest(dataDir), manifestKeyFor(documents, model, chunking));
      if (reason === null) return loadIndex(dataDir, model);
      progress(`Building the index: ${reason}.`);
    }
    return buildIndex(documents, model, chunking, dataDir, progress);
  });
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
  const sentenceVectors = await embedWithProgress(model, sentences.map((s) => s.text), "sentences", progress);
  const dimensions = passageVectors[0]?.length ?? 0;

  const vectors = new HNSWLib(model.embeddings, { space: "cosine", numDimensions: dimensions });
  if (passages.length > 0) {
    await vectors.addVectors(
      passageVectors,
      passages.map((p) => new Document({ pageContent: contextualText(p), metadata: { passageId: p.id } })),
    );
  }
  const keywords = buildKeywordIndex(passages);
  const manifest: Manifest = {
    ...manifestKeyFor(documents, model, chunking),
    embeddings: { provider: model.provider, model: model.model, dimensions },
    builtAt: new Date().toISOString(),
  };

  const folder = `index-${Date.now()}-${process.pid}`;
  const dir = join(dataDir, folder);
  await mkdir(dir, { recursive: true });
  const stored: StoredText = { documents, passages, sentences };
  if (passages.length > 0) await vectors.save(join(dir, "hnsw"));
  await writeFile(join(dir, "text.json"), JSON.stringify(stored));
  await writeFile(join(dir, "keywords.json"), JSON.stringify(keywords));
  const packed = packVectors(sentenceVectors, dimensions);
  await writeFile(join(dir, "vectors.f32"), packed);
  await writeFile(join(dir, "manifest.json"), JSON.stringify(manifest, null, 2));
  await writeFile(join(dataDir, `${POINTER}.tmp`), JSON.stringify({ folder }));
  await rename(join(dataDir, `${POINTER}.tmp`), join(dataDir, POINTER));
  await removeOtherIndexes(dataDir, folder);
  progress(`Index saved to ${dir}.`);

  return assemble(manifest, stored, vectors, keywords, unpackVectors(packed, dimensions));
}

export async function loadIndex(dataDir: string, model: EmbeddingModel): Promise<CorpusIndex> {
  const dir = await currentFolder(dataDir);
  if (!dir) throw new Error(`No index in ${dataDir}`);
  const manifest = JSON.parse(await readFile(join(dir, "manifest.json"), "utf8")) as Manifest;
  const stored = JSON.parse(await readFile(join(dir, "text.json"), "utf8")) as StoredText;
  const keywords = loadKeywordIndex(await readFile(join(dir, "keywords.json"), "utf8"));
  const vectors =
    stored.passages.length > 0
      ? await HNSWLib.load(join(dir, "hnsw"), model.embeddings)
      : new HNSWLib(model.embeddings, { space: "cosine", numDimensions: manifest.embeddings.dimensions });
  const packed = await readFile(join(dir, "vectors.f32"));
  return assemble(manifest, stored, vectors, keywords, unpackVectors(packed, manifest.embeddings.dimensions));
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
  stored: StoredText,
  vectors: VectorStore,
  keywords: KeywordIndex,
  sentenceVectors: Float32Array[],
): CorpusIndex {
  const vocabulary = new Map<string, string>();
  const termsOf = (text: string) => {
    const words = contentWords(text);
    for (const { term, word } of words) if (!vocabulary.has(term)) vocabulary.set(term, word);
    return new Set(words.map((w) => w.term));
  };
  const sentenceTerms = stored.sentences.map((s) => termsOf(s.text));
  const headings = new Set(stored.passages.map((p) => p.heading));
  return {
    manifest,
    documents: new Map(stored.documents.map((d) => [d.id, d])),
    passages: new Map(stored.passages.map((p) => [p.id, p])),
    sentences: stored.sentences,
    sentenceVectors,
    vocabulary,
    vectors,
    keywords,
    terms: TermStatistics.from(sentenceTerms),
    sentenceTerms,
    headingTerms: new Map([...headings].map((h) => [h, termsOf(h)])),
  };
}

/** What a passage is embedded as: its text under its heading, so a section's question finds its answer. */
function contextualText(passage: Passage): string {
  return `${passage.heading}\n\n${passage.text}`;
}

async function embedWithProgress(model: EmbeddingModel, texts: string[], what: string, progress: Progress) {
  const vectors: number[][] = [];
  const batch = 64;
  for (let i = 0; i < texts.length; i += batch) {
    vectors.push(...(await model.embeddings.embedDocuments(texts.slice(i, i + batch))));
    progress(`Embedded ${Math.min(i + batch, texts.length)}/${texts.length} ${what}.`);
  }
  return vectors;
}

function packVectors(vectors: number[][], dimensions: number): Buffer {
  const packed = new Float32Array(vectors.length * dimensions);
  vectors.forEach((v, i) => packed.set(unit(v), i * dimensions));
  return Buffer.from(packed.buffer);
}

function unpackVectors(buffer: Buffer, dimensions: number): Float32Array[] {
  const all = new Float32Array(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength));
  const vectors: Float32Array[] = [];
  for (let i = 0; dimensions > 0 && i < all.length; i += dimensions) vectors.push(all.subarray(i, i + dimensions));
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
