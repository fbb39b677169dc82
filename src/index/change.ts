import type { Span } from "../text/span.js";
import type { BulkEmbeddings, EmbeddingModel } from "../embeddings/index.js";
import { splitDocument, type ChunkingSettings } from "../ingest/passages.js";
import type { Passage, Sentence, SourceDocument } from "../ingest/types.js";
import type { CatalogEntry, CorpusIndex } from "./corpus-index.js";
import { embedCorpusWith, textsToEmbed } from "./embed-corpus.js";
import { byPath, sha256, type Manifest } from "./manifest.js";
import type { Progress } from "../progress.js";

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

/** A document split into the pieces an index holds, before they are embedded. */
interface SplitDocument {
  document: SourceDocument;
  passages: Passage[];
  sentences: Omit<Sentence, "index">[];
}

/** Characters of text that `indexInBatches` splits off to embed at a time: about 15 MB of vectors with a 384-wide model. */
const CHARACTERS_PER_BATCH = 1_000_000;

/** Splits and embeds `documents` for an index: the work of adding them, in proportion to their size. */
export async function indexDocuments(
  documents: SourceDocument[],
  model: EmbeddingModel,
  chunking: ChunkingSettings,
  progress: Progress,
): Promise<IndexedDocument[]> {
  const split = splitDocuments(documents, chunking, progress);
  const all = piecesOf(split);
  const bulk = model.openBulk(textsToEmbed(all.passages, all.sentences).length);
  try {
    return await embedSplit(split, bulk, progress);
  } finally {
    await bulk.close();
  }
}

/**
 * `indexDocuments`, a batch of documents at a time (about CHARACTERS_PER_BATCH of text each), in order: a store
 * that writes each batch as it comes holds one batch's vectors at a time, not a whole build's. The next batch
 * is embedded while the caller writes the one it was given. Progress counts across the batches.
 */
export async function* indexInBatches(
  documents: SourceDocument[],
  model: EmbeddingModel,
  chunking: ChunkingSettings,
  progress: Progress,
  characters: number = CHARACTERS_PER_BATCH,
): AsyncGenerator<IndexedDocument[]> {
  const batches = batchesOf(splitDocuments(documents, chunking, progress), characters);
  const counts = batches.map((batch) => {
    const { passages, sentences } = piecesOf(batch);
    return textsToEmbed(passages, sentences).length;
  });
  const total = counts.reduce((sum, count) => sum + count, 0);
  const bulk = model.openBulk(total);
  let before = 0;
  const embed = (i: number) => {
    const offset = before;
    before += counts[i]!;
    const counted: Progress = (event) => progress(event.phase === "embedding" ? { ...event, done: offset + event.done, total } : event);
    const embedded = embedSplit(batches[i]!, bulk, counted);
    embedded.catch(() => {}); // Awaited in turn; a batch the caller stopped before must not count as unhandled.
    return embedded;
  };
  try {
    let next = batches.length > 0 ? embed(0) : undefined;
    for (let i = 0; next; i++) {
      const current = await next;
      batches[i] = []; // Let this batch's pieces go once written.
      next = i + 1 < batches.length ? embed(i + 1) : undefined;
      yield current;
    }
  } finally {
    await bulk.close();
  }
}

function splitDocuments(documents: SourceDocument[], chunking: ChunkingSettings, progress: Progress): SplitDocument[] {
  const split = documents.map((document) => ({ document, ...splitDocument(document, chunking) }));
  const { passages, sentences } = piecesOf(split);
  if (documents.length > 0)
    progress({ phase: "split", documents: documents.length, passages: passages.length, sentences: sentences.length });
  return split;
}

/** `split` in runs of whole documents of about `characters` of text each. */
function batchesOf(split: SplitDocument[], characters: number): SplitDocument[][] {
  const batches: SplitDocument[][] = [];
  let size = Infinity;
  for (const piece of split) {
    if (size >= characters) {
      batches.push([]);
      size = 0;
    }
    batches.at(-1)!.push(piece);
    size += piece.document.text.length;
  }
  return batches;
}

function piecesOf(split: SplitDocument[]): { passages: Passage[]; sentences: Sentence[] } {
  return {
    passages: split.flatMap((p) => p.passages),
    sentences: split.flatMap((p) => p.sentences.map((s, index) => ({ ...s, index }))),
  };
}

async function embedSplit(split: SplitDocument[], bulk: BulkEmbeddings, progress: Progress): Promise<IndexedDocument[]> {
  const { passages, sentences } = piecesOf(split);
  const { sentenceVectors, passageVectors } = await embedCorpusWith(bulk, passages, sentences, progress);
  const dimensions = sentenceVectors.dimensions || passageVectors.dimensions;
  const at = { sentences: 0, passages: 0 };
  return split.map(({ document, passages: own, sentences: ownSentences }) => {
    const indexed: IndexedDocument = {
      document,
      passages: own,
      sentences: ownSentences,
      sentenceVectors: sentenceVectors.vectors.subarray(at.sentences * dimensions, (at.sentences + ownSentences.length) * dimensions),
      passageVectors: passageVectors.vectors.subarray(at.passages * dimensions, (at.passages + own.length) * dimensions),
    };
    at.sentences += ownSentences.length;
    at.passages += own.length;
    return indexed;
  });
}

/**
 * What an index knows of its documents after `change`, with no turn of the event loop: the part of applying a
 * change that every store shares. The passages' vectors and keywords are the store's to update.
 */
export function indexAfter<Index extends CorpusIndex>(index: Index, change: IndexChange, dimensions: number): Index {
  const replaced = replacedBy(change);
  const documents = index.documents.after(change.added, replaced) as Index["documents"];
  const manifest = {
    ...index.manifest,
    embeddings: { ...index.manifest.embeddings, dimensions },
    documents: manifestDocuments(documents.catalog.values()),
  };
  const sentences = index.sentences.after(change.added, replaced, dimensions) as Index["sentences"];
  return { ...index, manifest, documents, sentences };
}

/**
 * `span`'s text (a passage's or a sentence's) as a slice of its document's: V8 keeps a slice of 13 characters
 * or more as a view of the document's string, so each text is held once rather than three times (as read
 * back, each is a copy of its own). Should they differ, the span's own text stays.
 */
export function textIn(document: SourceDocument, span: Span & { text: string }): string {
  const slice = document.text.slice(span.start, span.end);
  return slice === span.text ? slice : span.text;
}

/** The ids of the documents `change` takes out of an index: those it removes, and those it replaces. */
export function replacedBy(change: IndexChange): Set<string> {
  return new Set([...change.removed, ...change.added.map((a) => a.document.id)]);
}

/** What the manifest records of the documents an index holds after `change`. */
export function documentsAfter(index: CorpusIndex, change: IndexChange): Manifest["documents"] {
  const replaced = replacedBy(change);
  const kept = [...index.documents.catalog.values()].filter((d) => !replaced.has(d.id));
  return manifestDocuments([...kept, ...change.added.map((a) => ({ ...a.document, sha256: sha256(a.document.text) }))]);
}

/** What the manifest records of `documents`. */
export function manifestDocuments(documents: Iterable<Pick<CatalogEntry, "id" | "path" | "sha256">>): Manifest["documents"] {
  return [...documents].map(({ id, path, sha256: hash }) => ({ id, path, sha256: hash })).sort(byPath);
}

/** Throws, naming the document, unless every added piece is its document's text at its offsets with a vector of the index's size; returns that size. */
export function checkChange(index: CorpusIndex, change: IndexChange): number {
  const dimensions = index.manifest.embeddings.dimensions || dimensionsOf(change);
  checkAdded(change.added, dimensions);
  return dimensions;
}

/** Throws, naming the document, unless every piece of `added` is its document's text at its offsets with a vector of `dimensions`. */
export function checkAdded(added: IndexedDocument[], dimensions: number): void {
  for (const document of added) checkShape(document, dimensions);
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
