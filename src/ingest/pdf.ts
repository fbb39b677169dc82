import { createRequire } from "node:module";
import { dirname, join, sep } from "node:path";
import { extractText, getDocumentProxy, renderPageAsImage } from "unpdf";
import { UnreadableDocumentError, type ExtractedText, type OcrPageInfo } from "./extracted.js";
import type { ReadingLimits } from "./limits.js";
import { type OcrProgress, readPagesByOcr } from "./ocr.js";
import { withoutPageFurniture } from "./page-furniture.js";
import { unreadableCount } from "./unreadable-text.js";

/**
 * The CMaps (character maps of CJK fonts that are not embedded) and standard fonts pdf.js reads text with,
 * from pdfjs-dist on disk, the same pdf.js version unpdf bundles. As paths: pdf.js reads them with
 * `fs.readFile`, which takes a `file://` string (what unpdf passes by default) for a file name, and fails.
 */
const PDFJS = dirname(createRequire(import.meta.url).resolve("pdfjs-dist/package.json"));
const PDFJS_DATA = { cMapUrl: join(PDFJS, "cmaps") + sep, cMapPacked: true, standardFontDataUrl: join(PDFJS, "standard_fonts") + sep };

type PDFDocumentProxy = Awaited<ReturnType<typeof getDocumentProxy>>;

/** A page that ends in the middle of a sentence: a letter, a digit, a comma or a hyphen last. */
const RUNS_ON = /[\p{L}\p{N},-]$/u;

/** Pages are rendered for OCR at 300 dots per inch, the resolution tesseract is trained for (a PDF counts 72 points an inch). */
const OCR_SCALE = 300 / 72;

/**
 * A PDF's text, page after page with a blank line between pages, and where each page starts in it.
 * pdf.js gives each page's text lines; a line break inside a page is kept, so hard-wrapped lines read
 * as one paragraph to the sentence splitter, as in a plain-text file. A page with no text at all (a scan)
 * is rendered and read by OCR, unless OCR is off. Running headers, footers and page numbers are left out,
 * and a sentence that runs onto the next page stays one. What pdf.js warns of (hundreds of lines for some files)
 * stays out of the log: only when text was lost does `notice` say so, once.
 */
export async function extractPdf(
  bytes: Uint8Array,
  limits: Pick<ReadingLimits, "ocr"> = { ocr: undefined },
  progress: OcrProgress = () => {},
): Promise<ExtractedText> {
  const { result, warnings } = await keepingWarnings(() => readPages(bytes));
  const { pdf, title } = result;
  const pages = [...result.pages];
  const scanned = pages.flatMap((page, i) => (page.trim() === "" ? [i] : []));
  const ocrPages: OcrPageInfo[] = [];
  if (limits.ocr && scanned.length > 0) {
    const read = await readPagesByOcr(
      scanned.length,
      async (i) =>
        new Uint8Array(await renderPageAsImage(pdf, scanned[i]! + 1, { canvasImport: () => import("@napi-rs/canvas"), scale: OCR_SCALE })),
      limits.ocr,
      progress,
    );
    read.forEach((page, i) => {
      pages[scanned[i]!] = page.text;
      ocrPages.push({ page: scanned[i]! + 1, confidence: page.confidence });
    });
  }
  const pageStarts: number[] = [];
  let text = "";
  for (const page of withoutPageFurniture(pages).map((p) => p.trim())) {
    // A sentence that runs onto the next page stays one paragraph: a line break, not a blank line, between them.
    if (pageStarts.length > 0) text += RUNS_ON.test(text) && /^\p{Ll}/u.test(page) ? "\n" : "\n\n";
    pageStarts.push(text.length);
    text += page;
  }
  if (text.trim() === "") {
    throw new UnreadableDocumentError(
      limits.ocr
        ? "the PDF has no text, and OCR found none on its pages"
        : "the PDF has no text (a scan holds only images, and reading text from images is turned off: OCR=off)",
    );
  }
  const lost = unreadableCount(text);
  const notice =
    lost > 0
      ? `${lost.toLocaleString("en")} of its characters came out as glyphs with no known letter${warnings[0] ? ` (pdf.js: ${warnings[0].replace(/^Warning: /, "")})` : ""}`
      : undefined;
  return { text, format: "pdf", pageStarts, title, ...(ocrPages.length > 0 && { ocrPages }), ...(notice && { notice }) };
}

async function readPages(bytes: Uint8Array): Promise<{ pdf: PDFDocumentProxy; pages: string[]; title?: string }> {
  try {
    const pdf = await getDocumentProxy(new Uint8Array(bytes), PDFJS_DATA);
    const metadata = await pdf.getMetadata().catch(() => undefined);
    const info = metadata?.info as { Title?: unknown } | undefined;
    const title = typeof info?.Title === "string" && info.Title.trim() !== "" ? info.Title.trim() : undefined;
    return { pdf, pages: (await extractText(pdf, { mergePages: false })).text, title };
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === "PasswordException")
      throw new UnreadableDocumentError("the PDF is encrypted: save it without a password and add it again");
    throw new UnreadableDocumentError(`the PDF cannot be read (${error instanceof Error ? error.message : String(error)})`);
  }
}

/**
 * Runs `work` with pdf.js's `console.warn` lines kept instead of printed. The reading thread reads one
 * file at a time, so every line kept is this file's.
 */
async function keepingWarnings<T>(work: () => Promise<T>): Promise<{ result: T; warnings: string[] }> {
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...parts: unknown[]) => void warnings.push(parts.map(String).join(" "));
  try {
    return { result: await work(), warnings };
  } finally {
    console.warn = warn;
  }
}
