import { UnreadableDocumentError, type ExtractedText } from "./extracted.js";
import type { ReadingLimits } from "./limits.js";
import { type OcrProgress, readPagesByOcr } from "./ocr.js";
import { placeText } from "./page-layout.js";

/** A photo or scan of a page (PNG, JPEG, WebP, TIFF): its text as OCR reads it, as one page. */
export async function extractImage(bytes: Uint8Array, limits: Pick<ReadingLimits, "ocr">, progress: OcrProgress): Promise<ExtractedText> {
  if (!limits.ocr) throw new UnreadableDocumentError("it is an image, and reading text from images is turned off (OCR=off)");
  const [page] = await readPagesByOcr(1, async () => bytes, limits.ocr, progress);
  const text = page?.text ?? "";
  if (text.trim() === "") throw new UnreadableDocumentError("OCR found no text in the image");
  const { size } = page!;
  const boxes = placeText(text, 0, text.length, page!.words);
  return {
    text,
    format: "image",
    pageStarts: [0],
    ocrPages: [{ page: 1, confidence: page!.confidence }],
    ...(size && boxes.length > 0 && { layout: [{ page: 1, ...size, boxes }] }),
  };
}
