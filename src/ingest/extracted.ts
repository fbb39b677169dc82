import type { Span } from "../text/span.js";
import type { PageLayout } from "./page-layout.js";

/** The formats a corpus document can come in. */
export type DocumentFormat = "text" | "markdown" | "html" | "pdf" | "docx" | "pptx" | "xlsx" | "csv" | "epub" | "image";

/** A page whose text was read by OCR (a scanned PDF's page, a photo), and tesseract's mean confidence in it (0–100). */
export interface OcrPageInfo {
  page: number;
  confidence: number;
}

/** What a file's text is for this service: offsets of passages, sentences and citations count into `text`. */
export interface ExtractedText {
  text: string;
  format: DocumentFormat;
  /** Where each page starts in `text`, for formats that have pages (a PDF's pages, a deck's slides). */
  pageStarts?: number[];
  /**
   * The headings the file itself declares (a slide's title, a sheet's name, an e-book's headings), for
   * formats that say what their headings are: then these are the headings, and every other block is text.
   */
  headings?: Span[];
  /** Spans that are markup, not content (a Markdown file's front matter, fences, tag-only lines): never indexed or quoted. */
  markup?: Span[];
  /** Spans of code (between a Markdown file's fences): indexed as text, though not prose. */
  code?: Span[];
  /** The pages read by OCR, when any were. */
  ocrPages?: OcrPageInfo[];
  /** For a PDF or an image: where each page's text is drawn on the page, for showing a span on the page itself. */
  layout?: PageLayout[];
  /** The title the file declares (a PDF's metadata, an HTML `<title>`, a Word document's properties), when it has one. */
  title?: string;
  /** Something a reader of the log should know of a file that was read all the same: text that was lost. */
  notice?: string;
}

/** A file that cannot be turned into text: encrypted, corrupt, or holding no text at all. The message says which. */
export class UnreadableDocumentError extends Error {}
