import type { Span } from "../text/span.js";
import type { EmbeddingModel } from "../embeddings/index.js";
import { splitDocument, type ChunkingSettings } from "../ingest/passages.js";
import type { Passage, Sentence, SourceDocument } from "../ingest/types.js";
import type { CatalogEntry, CorpusIndex } from "./corpus-index.js";
import { embedCorpus } from "./embed-corpus.js";
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
  if (documents.length > 0)
    progress({ phase: "split", documents: documents.length, passages: passages.length, sentences: sentences.length });
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
