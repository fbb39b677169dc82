import type { HNSWLib } from "@langchain/community/vectorstores/hnswlib";
import type { CorpusIndex, StoreVersion } from "../corpus-index.js";
import type { HeldDocuments } from "../held-documents.js";
import type { HeldSentences } from "./held-sentences.js";
import type { Journal } from "./journal.js";
import type { Bm25Keywords } from "./keywords.js";

/** An index kept under DATA_DIR: its folder, and the changes committed on top of it. */
export interface SavedInFiles extends StoreVersion {
  folder: string;
  journal: Journal | null;
}

/** The label of the version of an index kept under DATA_DIR: its folder and how many changes it has applied. */
export function filesVersion(folder: string, journal: Journal | null): SavedInFiles {
  return { label: `${folder}+${journal?.changes.length ?? 0}`, folder, journal };
}

/** An index the embedded store loaded or built: its vectors in an HNSW graph, its version a folder and journal. */
export type FilesIndex = CorpusIndex<SavedInFiles> & {
  documents: HeldDocuments;
  vectors: HNSWLib;
  keywords: Bm25Keywords;
  sentences: HeldSentences;
  /** Each passage's label in the HNSW graph. */
  passageLabels: Map<string, number>;
};
