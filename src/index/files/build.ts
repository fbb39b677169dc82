import { HeldDocuments } from "../held-documents.js";
import { HeldSentences } from "./held-sentences.js";
import { SentenceVectorFile } from "./sentence-vector-file.js";
import { mkdir, readFile, readdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setImmediate as nextTurn } from "node:timers/promises";
import { HNSWLib } from "@langchain/community/vectorstores/hnswlib";
import type MiniSearch from "minisearch";
import type { EmbeddingModel } from "../../embeddings/index.js";
import { splitDocument, type ChunkingSettings } from "../../ingest/passages.js";
import type { Passage, Sentence, SourceDocument } from "../../ingest/types.js";
import { textIn } from "../change.js";
import { embedCorpus, rowOf } from "../embed-corpus.js";
import { INDEX_FORMAT_VERSION, manifestKeyFor, type Manifest } from "../manifest.js";
import type { Progress } from "../../progress.js";
import { describeFiles, readCheckedFiles, readTextIfPresent } from "./checked-files.js";
import { damaged, DamagedIndexError, parsing, parsingAsync } from "./damage.js";
import { filesVersion, type FilesIndex } from "./files-index.js";
import { applyChange, passageDocument } from "./graph.js";
import { readChanges, readJournal } from "./journal.js";
import { Bm25Keywords, buildKeywordIndex, loadKeywordIndex } from "./keywords.js";
import { mergeVectors, reuseKey, vectorsByDocument, type DocumentVectors } from "./reuse.js";
import { withSearchBreadth } from "./search-breadth.js";

/** The text of an index, as saved in text.json. */
interface IndexContent {
  documents: SourceDocument[];
  passages: Passage[];
  sentences: Sentence[];
}

const POINTER = "current.json";
const SENTENCE_VECTORS = "sentence-vectors.f32";

/**
 * Splits, embeds and indexes `documents`, then saves the index under `dataDir`; only ever called
 * with the index lock held. With `reuse`, a document the current index (the saved one, or the one given)
 * already holds unchanged keeps its vectors, and only the others are embedded. The new index is written to a fresh folder and
 * switched to by renaming a pointer file, so a crash mid-build leaves the previous index intact.
 */
export async function buildIndex(
  documents: SourceDocument[],
  model: EmbeddingModel,
  chunking: ChunkingSettings,
  dataDir: string,
  progress: Progress,
  reuse: boolean | FilesIndex,
): Promise<FilesIndex> {
  const passages: Passage[] = [];
  const sentences: Sentence[] = [];
  const counts: { doc: SourceDocument; sentences: number; passages: number }[] = [];
  for (const doc of documents) {
    const pieces = splitDocument(doc, chunking);
    passages.push(...pieces.passages);
    for (const s of pieces.sentences) sentences.push({ ...s, index: sentences.length });
    counts.push({ doc, sentences: pieces.sentences.length, passages: pieces.passages.length });
  }
  progress({ phase: "split", documents: documents.length, passages: passages.length, sentences: sentences.length });

  const earlier =
    reuse === false
      ? { byDocument: new Map<string, DocumentVectors>(), dimensions: 0 }
      : reuse === true
        ? await vectorsOfCurrentIndex(dataDir, model, chunking)
        : { byDocument: vectorsByDocument(reuse), dimensions: reuse.manifest.embeddings.dimensions };
  const changed = new Set(documents.filter((doc) => !earlier.byDocument.has(reuseKey(doc))).map((doc) => doc.id));
  if (changed.size < documents.length) progress({ phase: "reused", documents: documents.length - changed.size, embedding: changed.size });
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
      passages.map(passageDocument),
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
  progress({ phase: "saved", folder: dir });

  return assemble(
    manifest,
    content,
    vectors,
    keywords,
    SentenceVectorFile.open(join(dir, SENTENCE_VECTORS), sentences.length, dimensions),
    folder,
  );
}

/**
 * Reads the current index, after checking every file the manifest records (present, same size, same
 * SHA-256) and what it holds (counts, dimensions, each extra's own check). Throws `DamagedIndexError`,
 * never a parse error, when any of it fails.
 */
export async function loadIndex(dataDir: string, model: EmbeddingModel): Promise<FilesIndex> {
  const folder = await currentFolder(dataDir);
  if (!folder) throw new Error(`No index in ${dataDir}`);
  const dir = join(dataDir, folder);
  const manifest = await readManifestIn(dir);
  const files = await readCheckedFiles(dir, manifest.files, "manifest.json");
  const file = (path: string): Buffer => {
    const bytes = files.get(path);
    if (!bytes) throw new DamagedIndexError(`${path} is not recorded in manifest.json`);
    return bytes;
  };

  const stored = parsing("text.json", () => {
    const content = JSON.parse(file("text.json").toString("utf8")) as IndexContent;
    if (![content.documents, content.passages, content.sentences].every(Array.isArray))
      throw new Error("documents, passages or sentences missing");
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
  await checkSentenceVectors(file(SENTENCE_VECTORS), stored.sentences.length, dimensions);
  const sentenceVectors = SentenceVectorFile.open(join(dir, SENTENCE_VECTORS), stored.sentences.length, dimensions);
  let index = assemble(manifest, stored, vectors, keywords, sentenceVectors, folder);
  const journal = await readJournal(dir);
  if (journal) {
    for (const change of await readChanges(dir, journal, dimensions)) index = await applyChange(index, change);
    index = { ...index, saved: filesVersion(folder, journal) };
  }
  return index;
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

/**
 * The manifest of the current index, with the documents it holds after the changes of its journal; null
 * when there is none yet, `DamagedIndexError` when it cannot be read.
 */
export async function readManifest(dataDir: string): Promise<Manifest | null> {
  const folder = await currentFolder(dataDir);
  if (!folder) return null;
  const manifest = await readManifestIn(join(dataDir, folder));
  const journal = await readJournal(join(dataDir, folder));
  return journal ? { ...manifest, documents: journal.documents } : manifest;
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

/** The folder under `dataDir` that `current.json` points at; null when there is no index yet. */
export async function currentFolder(dataDir: string): Promise<string | null> {
  const text = await readTextIfPresent(join(dataDir, POINTER));
  if (text === null) return null;
  const { folder } = parsing(POINTER, () => JSON.parse(text) as { folder: unknown });
  if (typeof folder !== "string" || !/^index-[\w-]+$/.test(folder)) damaged(POINTER, "it names no index folder");
  return folder;
}

/** Long checks run in slices of this many vectors, with a turn of the event loop between them. */
const SLICE_VECTORS = 2048;

/** The index of the first NaN in `values`, or -1; a plain loop, ten times as fast as `findIndex` here. */
function firstNaN(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) if (Number.isNaN(values[i])) return i;
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
async function checkSentenceVectors(bytes: Buffer, sentences: number, dimensions: number): Promise<void> {
  const expected = sentences * dimensions * 4;
  if (bytes.byteLength !== expected) {
    damaged(
      SENTENCE_VECTORS,
      `expected ${expected} bytes for ${sentences} sentences of ${dimensions} dimensions, found ${bytes.byteLength}`,
    );
  }
  const aligned = bytes.byteOffset % Float32Array.BYTES_PER_ELEMENT === 0;
  const vectors = aligned
    ? new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / Float32Array.BYTES_PER_ELEMENT)
    : new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const slice = SLICE_VECTORS * dimensions;
  for (let at = 0; at < vectors.length; at += slice) {
    const nan = firstNaN(vectors.subarray(at, at + slice));
    if (nan >= 0) damaged(SENTENCE_VECTORS, `the vector of sentence ${Math.floor((at + nan) / dimensions)} holds NaN`);
    await nextTurn();
  }
}

function assemble(
  manifest: Manifest,
  content: IndexContent,
  vectors: HNSWLib,
  keywords: MiniSearch<Passage>,
  sentenceVectors: SentenceVectorFile,
  folder: string,
): FilesIndex {
  // Passages' texts are made slices of their documents' by HeldDocuments.
  const documents = new Map(content.documents.map((d) => [d.id, d]));
  for (const sentence of content.sentences) {
    const document = documents.get(sentence.documentId);
    if (document) sentence.text = textIn(document, sentence);
  }
  const documentSentences = new Map(content.documents.map((d): [string, Sentence[]] => [d.id, []]));
  for (const sentence of content.sentences) documentSentences.get(sentence.documentId)?.push(sentence);
  withSearchBreadth(vectors);
  return {
    manifest,
    documents: HeldDocuments.of(content.documents, content.passages),
    sentences: HeldSentences.of(content.sentences, documentSentences, sentenceVectors),
    vectors,
    keywords: new Bm25Keywords(keywords),
    // A built index's passages were added to the HNSW index in order.
    passageLabels: new Map(content.passages.map((p, label) => [p.id, label])),
    saved: filesVersion(folder, null),
  };
}

async function removeOtherIndexes(dataDir: string, keep: string): Promise<void> {
  const entries = await readdir(dataDir);
  await Promise.all(
    entries
      .filter((name) => name.startsWith("index-") && name !== keep)
      .map((name) => rm(join(dataDir, name), { recursive: true, force: true })),
  );
}
