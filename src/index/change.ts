import { setImmediate as nextTurn } from "node:timers/promises";
import { HNSWLib } from "@langchain/community/vectorstores/hnswlib";
import { Document } from "@langchain/core/documents";
import type { EmbeddingModel } from "../embeddings/index.js";
import { splitDocument, type ChunkingSettings } from "../ingest/passages.js";
import type { Passage, Sentence, SourceDocument } from "../ingest/types.js";
import { embedCorpus } from "./embed-corpus.js";
import { byPath, sha256, type Manifest } from "./manifest.js";
import type { Bm25Keywords } from "./keywords.js";
import { withSearchBreadth } from "./search-breadth.js";
import type { Progress } from "./progress.js";
import type { CorpusIndex } from "./store.js";

/** One document as the index holds it: its pieces and their unit vectors, rows in the pieces' order. */
export interface IndexedDocument {
  document: SourceDocument;
  passages: Passage[];
  /** In document order; `Sentence.index` is given when the document joins an index. */
  sentences: Omit<Sentence, "index">[];
  sentenceVectors: Float32Array;
  passageVectors: Float32Array;
}

/**
 * What one update does to an index: documents added (one whose id the index holds replaces it) and
 * documents removed, by id. Applied whole or not at all.
 */
export interface IndexChange {
  added: IndexedDocument[];
  removed: string[];
}

/** Splits and embeds `documents` for an index: the work of adding them, in proportion to their size. */
export async function indexDocuments(
  documents: SourceDocument[],
  model: EmbeddingModel,
  chunking: ChunkingSettings,
  progress: Progress,
): Promise<IndexedDocument[]> {
  const pieces = documents.map((document) => ({ document, ...splitDocument(document, chunking) }));
  const passages = pieces.flatMap((p) => p.passages);
  const sentences = pieces.flatMap((p) => p.sentences.map((s, index) => ({ ...s, index })));
  if (documents.length > 0) progress(`${documents.length} documents, ${passages.length} passages, ${sentences.length} sentences.`);
  const { sentenceVectors, passageVectors } = await embedCorpus(passages, sentences, model, progress);
  const dimensions = sentenceVectors.dimensions || passageVectors.dimensions;
  const at = { sentences: 0, passages: 0 };
  return pieces.map(({ document, passages: own, sentences: ownSentences }) => {
    const indexed: IndexedDocument = {
      document,
      passages: own,
      sentences: ownSentences,
      sentenceVectors: sentenceVectors.vectors.slice(at.sentences * dimensions, (at.sentences + ownSentences.length) * dimensions),
      passageVectors: passageVectors.vectors.slice(at.passages * dimensions, (at.passages + own.length) * dimensions),
    };
    at.sentences += ownSentences.length;
    at.passages += own.length;
    return indexed;
  });
}

/**
 * The index after `change`. Questions may be answered from `index` meanwhile and after, so nothing it
 * holds is changed in a way its reader would notice: the maps are new; the sentence table and its vectors
 * only grow past what `index` reads; the HNSW and keyword indexes are updated in place, and a reader of
 * `index` drops hits it does not know. New points join the HNSW graph first, in slices, so a large change
 * does not hold up the questions answered meanwhile; then the rest (removals marked deleted, keywords, the
 * maps) runs without a turn of the event loop, so a question sees the index before or after, never between.
 */
export async function applyChange(index: CorpusIndex, change: IndexChange): Promise<CorpusIndex> {
  const dimensions = checkChange(index, change);
  const newPassages = change.added.flatMap((a) => a.passages);
  const newRows = change.added.flatMap((a) => a.passages.map((_, i) => a.passageVectors.subarray(i * dimensions, (i + 1) * dimensions)));
  const passageLabels = new Map(index.passageLabels);
  let vectors = index.vectors as HNSWLib;
  if (vectors._index === undefined) {
    // An index that never held a passage has no graph yet: the added passages start a new store.
    vectors = await storeOf(vectors, change, dimensions);
    newPassages.forEach((passage, label) => passageLabels.set(passage.id, label));
  } else {
    await addPassageVectors(vectors, newPassages, newRows, passageLabels);
  }
  // Every await is above: from here on, one synchronous stretch.
  const keywords = (index.keywords as Bm25Keywords).miniSearch;
  const replaced = replacedBy(change);
  for (const passage of index.passages.values()) {
    if (!replaced.has(passage.documentId)) continue;
    keywords.discard(passage.id);
    const label = index.passageLabels.get(passage.id)!;
    vectors.index.markDelete(label);
    // A passage of a replaced document with the same id has its new label already.
    if (passageLabels.get(passage.id) === label) passageLabels.delete(passage.id);
  }
  keywords.addAll(newPassages);
  return { ...indexAfter(index, change, dimensions), passageLabels, vectors };
}

/**
 * What an index knows of its documents after `change`, in new maps, with no turn of the event loop: the part
 * of applying a change that every store shares. The passages' vectors and keywords are the store's to update.
 */
export function indexAfter(index: CorpusIndex, change: IndexChange, dimensions: number): CorpusIndex {
  const replaced = replacedBy(change);
  const documents = new Map(index.documents);
  const passages = new Map(index.passages);
  const documentSentences = new Map(index.documentSentences);
  for (const passage of index.passages.values()) if (replaced.has(passage.documentId)) passages.delete(passage.id);
  for (const id of replaced) {
    documents.delete(id);
    documentSentences.delete(id);
  }

  const { sentences } = index;
  let sentenceVectors = index.sentenceVectors;
  for (const added of change.added) {
    documents.set(added.document.id, added.document);
    const own = added.sentences.map((s, i): Sentence => ({ ...s, index: sentences.length + i }));
    for (const sentence of own) sentences.push(sentence);
    documentSentences.set(added.document.id, own);
    sentenceVectors = appendRows(sentenceVectors, added.sentenceVectors);
    for (const passage of added.passages) passages.set(passage.id, passage);
  }
  const manifest = { ...index.manifest, embeddings: { ...index.manifest.embeddings, dimensions }, documents: manifestDocuments(documents.values()) };
  return { ...index, manifest, documents, passages, documentSentences, sentenceVectors };
}

/** The ids of the documents `change` takes out of an index: those it removes, and those it replaces. */
function replacedBy(change: IndexChange): Set<string> {
  return new Set([...change.removed, ...change.added.map((a) => a.document.id)]);
}

/** What the manifest records of the documents an index holds after `change`. */
export function documentsAfter(index: CorpusIndex, change: IndexChange): Manifest["documents"] {
  const replaced = replacedBy(change);
  return manifestDocuments([...[...index.documents.values()].filter((d) => !replaced.has(d.id)), ...change.added.map((a) => a.document)]);
}

function manifestDocuments(documents: Iterable<SourceDocument>): Manifest["documents"] {
  return [...documents].map((doc) => ({ id: doc.id, path: doc.path, sha256: sha256(doc.text) })).sort(byPath);
}

/** Throws, naming the document, unless every added piece is its document's text at its offsets with a vector of the index's size; returns that size. */
export function checkChange(index: CorpusIndex, change: IndexChange): number {
  const dimensions = index.manifest.embeddings.dimensions || dimensionsOf(change);
  for (const added of change.added) checkShape(added, dimensions);
  return dimensions;
}

function dimensionsOf(change: IndexChange): number {
  const first = change.added.find((a) => a.sentences.length > 0);
  return first ? first.sentenceVectors.length / first.sentences.length : 0;
}

function checkShape(added: IndexedDocument, dimensions: number): void {
  const { document, sentences, passages, sentenceVectors, passageVectors } = added;
  if (sentenceVectors.length !== sentences.length * dimensions || passageVectors.length !== passages.length * dimensions) {
    throw new Error(`the vectors of ${document.path} do not match its ${sentences.length} sentences and ${passages.length} passages`);
  }
  for (const piece of [...passages, ...sentences]) {
    if (piece.documentId !== document.id || document.text.slice(piece.start, piece.end) !== piece.text) {
      throw new Error(`a piece of ${document.path} is not its text at its offsets`);
    }
  }
}

/** A new HNSW store holding the passages `change` adds, labelled in order. */
async function storeOf(empty: HNSWLib, change: IndexChange, dimensions: number): Promise<HNSWLib> {
  const store = new HNSWLib(empty.embeddings, { space: "cosine", numDimensions: dimensions });
  const passages = change.added.flatMap((a) => a.passages);
  const rows = change.added.flatMap((a) => a.passages.map((_, i) => Array.from(a.passageVectors.subarray(i * dimensions, (i + 1) * dimensions))));
  await store.addVectors(rows, passages.map(passageDocument));
  return withSearchBreadth(store);
}

/** What the vector store keeps of a passage: its text under its heading, and its id. */
export function passageDocument(passage: Passage): Document {
  return new Document({ pageContent: `${passage.heading}\n\n${passage.text}`, metadata: { passageId: passage.id } });
}

/** Points added between turns of the event loop: about 0.1 s of graph insertion at 512 dimensions. */
const POINTS_PER_SLICE = 256;

/** Adds each passage's vector under the next free label (labels of deleted points are never reused), in slices. */
async function addPassageVectors(store: HNSWLib, passages: Passage[], rows: Float32Array[], labels: Map<string, number>): Promise<void> {
  if (passages.length === 0) return;
  const { index } = store;
  const first = index.getCurrentCount();
  const needed = first + passages.length;
  // Room for half as many again, so a run of small additions does not resize the graph each time.
  if (needed > index.getMaxElements()) index.resizeIndex(Math.max(needed, Math.ceil(index.getMaxElements() * 1.5)));
  for (const [i, passage] of passages.entries()) {
    const label = first + i;
    // The document store first: a search that finds the point must find its passage.
    store.docstore._docs.set(String(label), passageDocument(passage));
    index.addPoint(Array.from(rows[i]!), label);
    labels.set(passage.id, label);
    if ((i + 1) % POINTS_PER_SLICE === 0) await nextTurn();
  }
}

/**
 * `rows` after the rows of `table`, in a new view that shares `table`'s buffer while it has room: `table`
 * itself still reads as before. The buffer grows by half when full, so adding costs in proportion to what is added.
 */
function appendRows(table: Float32Array, rows: Float32Array): Float32Array {
  const length = table.length + rows.length;
  const room = (table.buffer.byteLength - table.byteOffset) / Float32Array.BYTES_PER_ELEMENT;
  let target: Float32Array;
  if (length <= room && !(table.buffer instanceof SharedArrayBuffer)) {
    target = new Float32Array(table.buffer, table.byteOffset, length);
  } else {
    target = new Float32Array(new ArrayBuffer(Math.ceil(length * 1.5) * Float32Array.BYTES_PER_ELEMENT), 0, length);
    target.set(table);
  }
  target.set(rows, table.length);
  return target;
}
