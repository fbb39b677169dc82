import { extname } from "node:path";
import { documentIdFor, titleOf } from "./document-names.js";
import { extractCsv } from "./csv.js";
import { extractDocx } from "./docx.js";
import { extractEpub } from "./epub.js";
import { UnreadableDocumentError, type DocumentFormat, type ExtractedText } from "./extracted.js";
import { FORMAT_OF_EXTENSION } from "./formats.js";
import { extractHtml } from "./html.js";
import { extractImage } from "./image.js";
import { extractMarkdown } from "./markdown.js";
import { DocumentTooLargeError, type ReadingLimits } from "./limits.js";
import type { OcrProgress } from "./ocr.js";
import { extractPdf } from "./pdf.js";
import { extractPptx } from "./pptx.js";
import type { SourceDocument } from "./types.js";
import { MAX_UNREADABLE_SHARE, unreadableShare } from "./unreadable-text.js";
import { extractXlsx } from "./xlsx.js";

/** A file read: its document, and what the log should say of it (text lost on the way), if anything. */
export interface ReadDocument {
  document: SourceDocument;
  notice?: string;
}

/** How each format is turned into text. */
const EXTRACTORS: Record<
  DocumentFormat,
  (bytes: Buffer, limits: ReadingLimits, progress: OcrProgress) => ExtractedText | Promise<ExtractedText>
> = {
  text: (bytes) => ({ text: bytes.toString("utf8"), format: "text" }),
  markdown: (bytes) => extractMarkdown(bytes.toString("utf8")),
  html: (bytes) => extractHtml(bytes.toString("utf8")),
  pdf: (bytes, limits, progress) => extractPdf(bytes, limits, progress),
  docx: (bytes, limits) => extractDocx(bytes, limits),
  pptx: (bytes, limits) => extractPptx(bytes, limits),
  xlsx: (bytes, limits) => extractXlsx(bytes, limits),
  csv: (bytes) => extractCsv(bytes.toString("utf8")),
  epub: (bytes, limits) => extractEpub(bytes, limits),
  image: (bytes, limits, progress) => extractImage(bytes, limits, progress),
};

/**
 * The document a file at `path` (relative to the corpus folder, with `/`) holding `bytes` is. Throws
 * `UnreadableDocumentError` when it holds no text or mostly unreadable characters, `DocumentTooLargeError` when its text is
 * longer than MAX_DOCUMENT_CHARS. Runs in the reading thread (`reader.ts`), never on the server's; `progress`
 * hears of each page read by OCR.
 */
export async function extractDocument(
  path: string,
  bytes: Buffer,
  limits: ReadingLimits,
  progress: OcrProgress = () => {},
): Promise<ReadDocument> {
  const format = FORMAT_OF_EXTENSION[extname(path).toLowerCase()];
  if (!format) throw new UnreadableDocumentError(`${extname(path) || "a file without an extension"} is not a format the corpus takes`);
  const { text, pageStarts, headings, markup, code, ocrPages, layout, title, notice } = await EXTRACTORS[format](bytes, limits, progress);
  if (text.trim() === "") throw new UnreadableDocumentError("it holds no text");
  const unreadable = unreadableShare(text);
  if (unreadable > MAX_UNREADABLE_SHARE) {
    throw new UnreadableDocumentError(
      `its text is mostly unreadable: ${Math.round(unreadable * 100)}% of its characters are control characters or glyphs with no known letter (a PDF whose fonts do not say which letters they draw reads this way)`,
    );
  }
  if (text.length > limits.maxDocumentChars) {
    throw new DocumentTooLargeError(
      `its text is ${text.length.toLocaleString("en")} characters, over the ${limits.maxDocumentChars.toLocaleString("en")} a document may hold (MAX_DOCUMENT_CHARS)`,
    );
  }
  const document: SourceDocument = {
    id: documentIdFor(path),
    title: title ?? titleOf(text, path),
    path,
    text,
    format,
    bytes: bytes.length,
    ...(pageStarts ? { pageStarts } : {}),
    ...(headings ? { headings } : {}),
    ...(markup ? { markup } : {}),
    ...(code ? { code } : {}),
    ...(ocrPages ? { ocrPages } : {}),
    ...(layout ? { layout } : {}),
  };
  return { document, ...(notice && { notice }) };
}
