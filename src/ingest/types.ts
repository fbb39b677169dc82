import type { Span } from "../text/span.js";

/** A file of the corpus, with its text exactly as decoded from disk: every offset points into `text`. */
export interface SourceDocument {
  id: string;
  title: string;
  /** Path relative to the corpus directory. */
  path: string;
  text: string;
}

/** A sentence that may be quoted in an answer. */
export interface Sentence extends Span {
  /** Position in the index's sentence table. */
  index: number;
  documentId: string;
  passageId: string;
  text: string;
}

/** A retrieval unit: a paragraph (or part of a long one) with the heading of its section. */
export interface Passage extends Span {
  id: string;
  documentId: string;
  /** The section heading the passage sits under, or the document title. */
  heading: string;
  text: string;
}
