/** What reading one file may take: past any of these it is refused, and the reading ended. */
export interface ReadingLimits {
  /** MAX_DOCUMENT_CHARS: the longest text a file may hold once extracted. */
  maxDocumentChars: number;
  /** MAX_UNPACKED_BYTES: how large the XML parts of a Word document, deck, workbook or e-book may be together once unzipped. */
  maxUnpackedBytes: number;
  /** READ_TIMEOUT_MS: how long reading one file may take. */
  timeoutMs: number;
  /** READ_MEMORY_MB: the heap the thread that reads files may use. */
  memoryMb: number;
  /** OCR, OCR_LANGUAGES, OCR_MAX_PAGES: how scans and photos are read; undefined with OCR=off (they are then left out). */
  ocr: OcrSettings | undefined;
}

/** A file over one of the reading limits; the message says which, by its setting's name. */
export class DocumentTooLargeError extends Error {}

export function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MB`;
}

/** How scans and photos are read: OCR on, in these tesseract languages, for at most this many pages a file. */
export interface OcrSettings {
  /** Tesseract language codes (`eng`, `deu`, `chi_sim`), each from its installed `@tesseract.js-data/<code>` package. */
  languages: string[];
  /** OCR_MAX_PAGES: a file with more pages to read by OCR than this is refused. */
  maxPages: number;
}
