import type { Span } from "../text/span.js";
import type { DocumentFormat, OcrPageInfo } from "./extracted.js";
import type { PageLayout } from "./page-layout.js";

/**
 * A file of the corpus as this service reads it: every offset points into `text`, which is the file as
 * decoded (text, Markdown) or the text extracted from it (HTML's main content, a PDF's pages).
 */
export interface SourceDocument {
  id: string;
  title: string;
  /** Path relative to the corpus directory. */
  path: string;
  text: string;
  format: DocumentFormat;
  /** The size of the file, in bytes. */
  bytes: number;
  /** For a PDF or a slide deck: where each page (slide) starts in `text` (page 1 at index 0). */
  pageStarts?: number[];
  /** For a deck, a workbook or an e-book: the headings it declares, one line each (see `ExtractedText`). */
  headings?: Span[];
  /** For Markdown: what is markup, never indexed or quoted, and what is code, indexed though not prose (see `ExtractedText`). */
  markup?: Span[];
  code?: Span[];
  /** For a scan or a photo: the pages whose text was read by OCR, with tesseract's mean confidence in each. */
  ocrPages?: OcrPageInfo[];
  /** For a PDF or a photo: where each page's text is drawn (see `ExtractedText`). */
  layout?: PageLayout[];
}

/** A sentence that may be quoted in an answer. */
export interface Sentence extends Span {
  /** Its position in its store: in the embedded index's table of sentences, or in its document in the database. */
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
