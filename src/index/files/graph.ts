import { setImmediate as nextTurn } from "node:timers/promises";
import { HNSWLib } from "@langchain/community/vectorstores/hnswlib";
import { Document } from "@langchain/core/documents";
import type { Passage } from "../../ingest/types.js";
import { checkChange, indexAfter, replacedBy, type IndexChange } from "../change.js";
import type { FilesIndex } from "./files-index.js";
import { withSearchBreadth } from "./search-breadth.js";

/**
 * The index after `change`. Questions may be answered from `index` meanwhile and after, so nothing it
 * holds is changed in a way its reader would notice: the maps are new; the sentence table and its vectors
 * only grow past what `index` reads; the HNSW and keyword indexes are updated in place, and a reader of
 * `index` drops hits it does not know. New points join the HNSW graph first, in slices, so a large change
 * does not hold up the questions answered meanwhile; then the rest (removals marked deleted, keywords, the
 * maps) runs without a turn of the event loop, so a question sees the index before or after, never between.
 */
export async function applyChange(index: FilesIndex, change: IndexChange): Promise<FilesIndex> {
  const dimensions = checkChange(index, change);
  const newPassages = change.added.flatMap((a) => a.passages);
  const newRows = change.added.flatMap((a) => a.passages.map((_, i) => a.passageVectors.subarray(i * dimensions, (i + 1) * dimensions)));
  const passageLabels = new Map(index.passageLabels);
  let { vectors } = index;
  if (vectors._index === undefined) {
    // An index that never held a passage has no graph yet: the added passages start a new store.
    vectors = await storeOf(vectors, change, dimensions);
    newPassages.forEach((passage, label) => passageLabels.set(passage.id, label));
  } else {
    await addPassageVectors(vectors, newPassages, newRows, passageLabels);
  }
  // Every await is above: from here on, one synchronous stretch.
  const keywords = index.keywords.miniSearch;
  const replaced = replacedBy(change);
  for (const passage of index.documents.held.passages.values()) {
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

/** A new HNSW store holding the passages `change` adds, labelled in order. */
async function storeOf(empty: HNSWLib, change: IndexChange, dimensions: number): Promise<HNSWLib> {
  const store = new HNSWLib(empty.embeddings, { space: "cosine", numDimensions: dimensions });
  const passages = change.added.flatMap((a) => a.passages);
  const rows = change.added.flatMap((a) =>
    a.passages.map((_, i) => Array.from(a.passageVectors.subarray(i * dimensions, (i + 1) * dimensions))),
  );
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
