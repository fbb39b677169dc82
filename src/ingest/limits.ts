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
}

/** A file over one of the reading limits; the message says which, by its setting's name. */
export class DocumentTooLargeError extends Error {}

export function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MB`;
}
