import { mkdir, readFile, readdir, rename, rm, writeFile } from "node:fs/promises";
import { createHash } from "node:crypto";
import { join, relative, sep } from "node:path";
import { setImmediate as nextTurn } from "node:timers/promises";
import { HNSWLib } from "@langchain/community/vectorstores/hnswlib";
import { Document } from "@langchain/core/documents";
import type { VectorStore } from "@langchain/core/vectorstores";
import type { EmbeddingModel } from "../embeddings/index.js";
import { splitDocument, type ChunkingSettings } from "../ingest/passages.js";
import type { Passage, Sentence, SourceDocument } from "../ingest/types.js";
import { withIndexLock } from "./build-lock.js";
import { embedCorpus, rowOf } from "./embed-corpus.js";
import { buildKeywordIndex, loadKeywordIndex, type KeywordIndex } from "./keywords.js";
import { INDEX_FORMAT_VERSION, manifestKeyFor, sha256, stalenessReason, type IndexFile, type Manifest } from "./manifest.js";
import type { Progress } from "./progress.js";
import { mergeVectors, reuseKey, vectorsByDocument, type DocumentVectors } from "./reuse.js";

/** Everything retrieval and citing need, loaded in memory. Built once per corpus and embedding model. */
export interface CorpusIndex {
  manifest: Manifest;
  documents: Map<string, SourceDocument>;
  passages: Map<string, Passage>;
  sentences: Sentence[];
  vectors: VectorStore;
  keywords: KeywordIndex;
  /** Each sentence's unit vector, by `Sentence.index`: `sentences.length` rows of the manifest's dimensions. */
  sentenceVectors: Float32Array;
}

/** The text of an index, as saved in text.json. */
interface IndexContent {
  documents: SourceDocument[];
  passages: Passage[];
  sentences: Sentence[];
}

/** A saved index that cannot be used as it is: its message names the file and why ("text.json is damaged (...)"). */
export class DamagedIndexError extends Error {}

const POINTER = "current.json";
const SENTENCE_VECTORS = "sentence-vectors.f32";

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
      try {
        const reason = stalenessReason(await readManifest(dataDir), manifestKeyFor(documents, model, chunking));
        if (reason === null) return await loadIndex(dataDir, model);
        progress(`Building the index: ${reason}.`);
      } catch (error) {
        // Never served and never thrown: a damaged index is built again from the corpus, into a new folder.
        if (!(error instanceof DamagedIndexError)) throw error;
        progress(`Rebuilding the index: ${error.message}.`);
      }
    }
    return buildIndex(documents, model, chunking, dataDir, progress, !rebuild);
  });
}

/**
 * Splits, embeds and indexes `documents`, then saves the index under `dataDir`; only ever called
 * with the index lock held. With `reuse`, a document the current index already holds unchanged keeps
 * its vectors, and only the others are embedded. The new index is written to a fresh folder and
 * switched to by renaming a pointer file, so a crash mid-build leaves the previous index intact.
 */
async function buildIndex(
  documents: SourceDocument[],
  model: EmbeddingModel,
  chunking: ChunkingSettings,
  dataDir: string,
  progress: Progress,
  reuse: boolean,
): Promise<CorpusIndex> {
  const passages: Passage[] = [];
  const sentences: Sentence[] = [];
  const counts: { doc: SourceDocument; sentences: number; passages: number }[] = [];
  for (const doc of documents) {
    const pieces = splitDocument(doc, chunking);
    passages.push(...pieces.passages);
    for (const s of pieces.sentences) sentences.push({ ...s, index: sentences.length });
    counts.push({ doc, sentences: pieces.sentences.length, passages: pieces.passages.length });
  }
  progress(`${documents.length} documents, ${passages.length} passages, ${sentences.length} sentences.`);

  const earlier = reuse ? await vectorsOfCurrentIndex(dataDir, model, chunking) : { byDocument: new Map<string, DocumentVectors>(), dimensions: 0 };
  const changed = new Set(documents.filter((doc) => !earlier.byDocument.has(reuseKey(doc))).map((doc) => doc.id));
  if (changed.size < documents.length) progress(`Reusing the vectors of ${documents.length - changed.size} unchanged documents; embedding ${changed.size}.`);
  const fresh = await embedCorpus(
    passages.filter((p) => changed.has(p.documentId)),
    sentences.filter((s) => changed.has(s.documentId)),
    model,
    progress,
  );
  const dimensions = fresh.sentenceVectors.dimensions || earlier.dimensions;
  const merged = mergeVectors(counts, earlier.byDocument, { sentences: fresh.sentenceVectors, passages: fresh.passageVectors }, dimensions);
  const sentenceVectors = merged.sentences;
  const passageVectors = merged.passages;
  const content: IndexContent = { documents, passages, sentences };

  const vectors = new HNSWLib(model.embeddings, { space: "cosine", numDimensions: dimensions });
  if (passages.length > 0) {
    await vectors.addVectors(
      passages.map((_, i) => rowOf(passageVectors, i)),
      passages.map((p) => new Document({ pageContent: contextualText(p), metadata: { passageId: p.id } })),
    );
  }
  const keywords = buildKeywordIndex(passages);
  const folder = `index-${Date.now()}-${process.pid}`;
  const dir = join(dataDir, folder);
  await mkdir(dir, { recursive: true });
  if (passages.length > 0) await vectors.save(join(dir, "hnsw"));
  await writeFile(join(dir, "text.json"), JSON.stringify(content));
  await writeFile(join(dir, "keywords.json"), JSON.stringify(keywords));
  await writeFile(join(dir, SENTENCE_VECTORS), sentenceVectors.vectors);
  // Written last, with what every other file is, so a load can tell a damaged file before parsing it.
  const manifest: Manifest = {
    ...manifestKeyFor(documents, model, chunking),
    embeddings: { provider: model.provider, model: model.model, dimensions },
    builtAt: new Date().toISOString(),
    files: await describeFiles(dir),
  };
  await writeFile(join(dir, "manifest.json"), JSON.stringify(manifest, null, 2));
  await writeFile(join(dataDir, `${POINTER}.tmp`), JSON.stringify({ folder }));
  await rename(join(dataDir, `${POINTER}.tmp`), join(dataDir, POINTER));
  await removeOtherIndexes(dataDir, folder);
  progress(`Index saved to ${dir}.`);

  return assemble(manifest, content, vectors, keywords, sentenceVectors.vectors);
}

/**
 * Reads the current index, after checking every file the manifest records (present, same size, same
 * SHA-256) and what it holds (counts, dimensions, each extra's own check). Throws `DamagedIndexError`,
 * never a parse error, when any of it fails.
 */
export async function loadIndex(dataDir: string, model: EmbeddingModel): Promise<CorpusIndex> {
  const dir = await currentFolder(dataDir);
  if (!dir) throw new Error(`No index in ${dataDir}`);
  const manifest = await readManifestIn(dir);
  const files = await readCheckedFiles(dir, manifest);
  const file = (path: string): Buffer => {
    const bytes = files.get(path);
    if (!bytes) throw new DamagedIndexError(`${path} is not recorded in manifest.json`);
    return bytes;
  };

  const stored = parsing("text.json", () => {
    const content = JSON.parse(file("text.json").toString("utf8")) as IndexContent;
    if (![content.documents, content.passages, content.sentences].every(Array.isArray)) throw new Error("documents, passages or sentences missing");
    return content;
  });
  const keywords = await parsingAsync("keywords.json", () => loadKeywordIndex(file("keywords.json").toString("utf8")));
  if (keywords.documentCount !== stored.passages.length) {
    damaged("keywords.json", `it indexes ${keywords.documentCount} passages, text.json has ${stored.passages.length}`);
  }
  const dimensions = manifest.embeddings.dimensions;
  let vectors: HNSWLib;
  if (stored.passages.length > 0) {
    for (const path of ["hnsw/args.json", "hnsw/docstore.json", "hnsw/hnswlib.index"]) file(path);
    vectors = await parsingAsync("hnsw/hnswlib.index", () => HNSWLib.load(join(dir, "hnsw"), model.embeddings));
    await checkPassageVectors(vectors, stored.passages.length, dimensions);
  } else {
    vectors = new HNSWLib(model.embeddings, { space: "cosine", numDimensions: dimensions });
  }
  const sentenceVectors = await checkedSentenceVectors(file(SENTENCE_VECTORS), stored.sentences.length, dimensions);
  return assemble(manifest, stored, vectors, keywords, sentenceVectors);
}

/**
 * The vectors of the current index's documents, when it was built with this model, chunking and index
 * format, so a build embeds only what changed; none when there is no such index or it is damaged.
 */
async function vectorsOfCurrentIndex(
  dataDir: string,
  model: EmbeddingModel,
  chunking: ChunkingSettings,
): Promise<{ byDocument: Map<string, DocumentVectors>; dimensions: number }> {
  const none = { byDocument: new Map<string, DocumentVectors>(), dimensions: 0 };
  try {
    const manifest = await readManifest(dataDir);
    const compatible =
      manifest?.formatVersion === INDEX_FORMAT_VERSION &&
      manifest.embeddings.provider === model.provider &&
      manifest.embeddings.model === model.model &&
      JSON.stringify(manifest.chunking) === JSON.stringify(chunking);
    if (!compatible) return none;
    const index = await loadIndex(dataDir, model);
    return { byDocument: vectorsByDocument(index), dimensions: index.manifest.embeddings.dimensions };
  } catch (error) {
    if (error instanceof DamagedIndexError) return none;
    throw error;
  }
}

/** The manifest of the current index; null when there is none yet, `DamagedIndexError` when it cannot be read. */
async function readManifest(dataDir: string): Promise<Manifest | null> {
  const dir = await currentFolder(dataDir);
  return dir ? readManifestIn(dir) : null;
}

async function readManifestIn(dir: string): Promise<Manifest> {
  const text = await readFile(join(dir, "manifest.json"), "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") throw new DamagedIndexError("manifest.json is missing");
    throw error;
  });
  return parsing("manifest.json", () => {
    const manifest = JSON.parse(text) as Manifest;
    if (typeof manifest?.embeddings?.dimensions !== "number") throw new Error("fields missing");
    return manifest;
  });
}

/** The folder `current.json` points at; null when there is no index yet. */
async function currentFolder(dataDir: string): Promise<string | null> {
  let text: string;
  try {
    text = await readFile(join(dataDir, POINTER), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  const { folder } = parsing(POINTER, () => JSON.parse(text) as { folder: unknown });
  if (typeof folder !== "string" || !/^index-[\w-]+$/.test(folder)) damaged(POINTER, "it names no index folder");
  return join(dataDir, folder);
}

/** Path, size and SHA-256 of every file under `dir` (the manifest is written after, and not among them). */
async function describeFiles(dir: string): Promise<IndexFile[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files: IndexFile[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    const bytes = await readFile(full);
    files.push({ path: relative(dir, full).split(sep).join("/"), bytes: bytes.length, sha256: sha256(bytes) });
  }
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

/** Reads each file the manifest records, by its path, once it has the recorded size and checksum. */
async function readCheckedFiles(dir: string, manifest: Manifest): Promise<Map<string, Buffer>> {
  if (!Array.isArray(manifest.files)) damaged("manifest.json", "it records no files");
  const files = new Map<string, Buffer>();
  for (const { path, bytes: expected, sha256: recorded } of manifest.files) {
    if (typeof path !== "string" || path.split("/").includes("..")) damaged("manifest.json", "it records a path outside the index");
    let bytes: Buffer;
    try {
      bytes = await readFile(join(dir, ...path.split("/")));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new DamagedIndexError(`${path} is missing`);
      throw error;
    }
    if (bytes.length !== expected) damaged(path, `expected ${expected} bytes, found ${bytes.length}`);
    if ((await sha256InSlices(bytes)) !== recorded) damaged(path, "its SHA-256 differs from the one recorded");
    files.set(path, bytes);
  }
  return files;
}

/**
 * A server loads a new index while it answers, on the same thread: long checks run in slices of this
 * many bytes or vectors, with a turn of the event loop between them.
 */
const SLICE_BYTES = 8 << 20;
const SLICE_VECTORS = 2048;

async function sha256InSlices(bytes: Buffer): Promise<string> {
  const hash = createHash("sha256");
  for (let at = 0; at < bytes.length; at += SLICE_BYTES) {
    hash.update(bytes.subarray(at, at + SLICE_BYTES));
    await nextTurn();
  }
  return hash.digest("hex");
}

/** The index of the first NaN in `values`, or -1; a plain loop, ten times as fast as `findIndex` here. */
function firstNaN(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) if (values[i] !== values[i]) return i;
  return -1;
}

/** The passage vectors hold one vector per passage, of the index's dimensions, with no NaN. */
async function checkPassageVectors(vectors: HNSWLib, passages: number, dimensions: number): Promise<void> {
  const index = vectors.index;
  if (index.getCurrentCount() !== passages) {
    damaged("hnsw/hnswlib.index", `it holds ${index.getCurrentCount()} vectors, text.json has ${passages} passages`);
  }
  if (index.getNumDimensions() !== dimensions) {
    damaged("hnsw/hnswlib.index", `its vectors have ${index.getNumDimensions()} dimensions, the manifest says ${dimensions}`);
  }
  if (vectors.docstore._docs.size !== passages) {
    damaged("hnsw/docstore.json", `it holds ${vectors.docstore._docs.size} passages, text.json has ${passages}`);
  }
  const labels = index.getIdsList();
  for (let i = 0; i < labels.length; i++) {
    if (firstNaN(index.getPoint(labels[i]!)) >= 0) damaged("hnsw/hnswlib.index", `vector ${labels[i]} holds NaN`);
    if (i % SLICE_VECTORS === SLICE_VECTORS - 1) await nextTurn();
  }
}

/** One float32 vector of the index's dimensions per sentence, none holding NaN. */
async function checkedSentenceVectors(bytes: Buffer, sentences: number, dimensions: number): Promise<Float32Array> {
  const expected = sentences * dimensions * 4;
  if (bytes.byteLength !== expected) {
    damaged(SENTENCE_VECTORS, `expected ${expected} bytes for ${sentences} sentences of ${dimensions} dimensions, found ${bytes.byteLength}`);
  }
  const vectors = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const slice = SLICE_VECTORS * dimensions;
  for (let at = 0; at < vectors.length; at += slice) {
    const nan = firstNaN(vectors.subarray(at, at + slice));
    if (nan >= 0) damaged(SENTENCE_VECTORS, `the vector of sentence ${Math.floor((at + nan) / dimensions)} holds NaN`);
    await nextTurn();
  }
  return vectors;
}

function damaged(path: string, why: string): never {
  throw new DamagedIndexError(`${path} is damaged (${why})`);
}

/** Runs `parse`, reporting any error it throws as damage to `path`. */
function parsing<T>(path: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof DamagedIndexError) throw error;
    damaged(path, error instanceof Error ? error.message : String(error));
  }
}

async function parsingAsync<T>(path: string, parse: () => Promise<T>): Promise<T> {
  try {
    return await parse();
  } catch (error) {
    if (error instanceof DamagedIndexError) throw error;
    damaged(path, error instanceof Error ? error.message : String(error));
  }
}

function assemble(
  manifest: Manifest,
  content: IndexContent,
  vectors: VectorStore,
  keywords: KeywordIndex,
  sentenceVectors: Float32Array,
): CorpusIndex {
  return {
    manifest,
    documents: new Map(content.documents.map((d) => [d.id, d])),
    passages: new Map(content.passages.map((p) => [p.id, p])),
    sentences: content.sentences,
    vectors,
    keywords,
    sentenceVectors,
  };
}

/** What a passage is embedded as: its text under its heading, so a section's question finds its answer. */
function contextualText(passage: Passage): string {
  return `${passage.heading}\n\n${passage.text}`;
}

async function removeOtherIndexes(dataDir: string, keep: string): Promise<void> {
  const entries = await readdir(dataDir);
  await Promise.all(
    entries
      .filter((name) => name.startsWith("index-") && name !== keep)
      .map((name) => rm(join(dataDir, name), { recursive: true, force: true })),
  );
}
