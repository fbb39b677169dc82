import type { HNSWLib } from "@langchain/community/vectorstores/hnswlib";
import type { SourceDocument } from "../../ingest/types.js";
import { sha256 } from "../manifest.js";
import type { PackedVectors } from "../embed-corpus.js";
import type { FilesIndex } from "./files-index.js";

/** One document's vectors in an index: its sentences' and its passages', each in document order. */
export interface DocumentVectors {
  sentences: Float32Array;
  passages: Float32Array;
}

/**
 * What a document's vectors depend on besides the model and the chunking (which the manifest checks):
 * its text, and its title, which heads its first section. Equal keys split into equal passages and sentences.
 */
export function reuseKey(doc: SourceDocument): string {
  return sha256(`${doc.title}\n${doc.text}`);
}

/** Every document's vectors in `index`, by `reuseKey`. */
export function vectorsByDocument(index: FilesIndex): Map<string, DocumentVectors> {
  const dimensions = index.manifest.embeddings.dimensions;
  const passageRows = new Map<string, number[]>();
  for (const passage of index.documents.held.passages.values())
    rowsOf(passageRows, passage.documentId).push(index.passageLabels.get(passage.id)!);
  const hnsw = (index.vectors as HNSWLib).index;
  const byKey = new Map<string, DocumentVectors>();
  for (const doc of index.documents.held.documents.values()) {
    const sentences = index.sentences.byDocument.get(doc.id) ?? [];
    const passages = passageRows.get(doc.id) ?? [];
    const vectors: DocumentVectors = {
      sentences: new Float32Array(sentences.length * dimensions),
      passages: new Float32Array(passages.length * dimensions),
    };
    sentences.forEach(({ index: row }, i) => vectors.sentences.set(index.sentences.row(row), i * dimensions));
    passages.forEach((label, i) => vectors.passages.set(hnsw.getPoint(label), i * dimensions));
    byKey.set(reuseKey(doc), vectors);
  }
  return byKey;
}

/**
 * The vectors of every document of the corpus, in corpus order: copied from `earlier` for a document
 * whose key it has, from `fresh` (the rest, embedded now, in the same order) otherwise.
 */
export function mergeVectors(
  documents: { doc: SourceDocument; sentences: number; passages: number }[],
  earlier: Map<string, DocumentVectors>,
  fresh: { sentences: PackedVectors; passages: PackedVectors },
  dimensions: number,
): { sentences: PackedVectors; passages: PackedVectors } {
  const total = (what: "sentences" | "passages") => documents.reduce((sum, d) => sum + d[what], 0);
  const sentences: PackedVectors = { vectors: new Float32Array(total("sentences") * dimensions), dimensions };
  const passages: PackedVectors = { vectors: new Float32Array(total("passages") * dimensions), dimensions };
  const at = { sentences: 0, passages: 0 };
  const fromFresh = { sentences: 0, passages: 0 };
  for (const { doc, ...counts } of documents) {
    const reused = earlier.get(reuseKey(doc));
    for (const what of ["sentences", "passages"] as const) {
      const length = counts[what] * dimensions;
      const source = reused ? reused[what] : fresh[what].vectors.subarray(fromFresh[what], fromFresh[what] + length);
      if (source.length !== length) throw new Error(`the vectors of ${doc.path} do not match its ${what}`);
      (what === "sentences" ? sentences : passages).vectors.set(source, at[what]);
      at[what] += length;
      if (!reused) fromFresh[what] += length;
    }
  }
  return { sentences, passages };
}

function rowsOf(map: Map<string, number[]>, key: string): number[] {
  let rows = map.get(key);
  if (!rows) map.set(key, (rows = []));
  return rows;
}
