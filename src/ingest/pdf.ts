import { createRequire } from "node:module";
import { dirname, join, sep } from "node:path";
import { getDocumentProxy, renderPageAsImage } from "unpdf";
import { UnreadableDocumentError, type ExtractedText, type OcrPageInfo } from "./extracted.js";
import type { ReadingLimits } from "./limits.js";
import { type OcrProgress, readPagesByOcr } from "./ocr.js";
import { withoutPageFurniture } from "./page-furniture.js";
import { type PageLayout, type PlacedText, placeText } from "./page-layout.js";
import { unreadableCount } from "./unreadable-text.js";

/**
 * The CMaps (character maps of CJK fonts that are not embedded) and standard fonts pdf.js reads text with,
 * from pdfjs-dist on disk, the same pdf.js version unpdf bundles. As paths: pdf.js reads them with
 * `fs.readFile`, which takes a `file://` string (what unpdf passes by default) for a file name, and fails.
 */
const PDFJS = dirname(createRequire(import.meta.url).resolve("pdfjs-dist/package.json"));
export const PDFJS_DATA = {
  cMapUrl: join(PDFJS, "cmaps") + sep,
  cMapPacked: true,
  standardFontDataUrl: join(PDFJS, "standard_fonts") + sep,
};

type PDFDocumentProxy = Awaited<ReturnType<typeof getDocumentProxy>>;

/** A page as pdf.js reads it: its text runs joined (a line break after each run that ends a line), and where each run is drawn. */
interface PdfPage {
  text: string;
  runs: PlacedText[];
  /** In PDF points. */
  width: number;
  height: number;
}

/** A run's box reaches this far below its baseline and above it, in font heights: descenders to capitals. */
const BOX_BELOW = 0.25;
const BOX_ABOVE = 0.9;

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
  const pages = result.pages.map((page) => page.text);
  const pieces = result.pages.map((page) => page.runs);
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
      pieces[scanned[i]!] = page.words;
      ocrPages.push({ page: scanned[i]! + 1, confidence: page.confidence });
    });
  }
  const pageStarts: number[] = [];
  let text = "";
  const kept = withoutPageFurniture(pages).map((p) => p.trim());
  for (const page of kept) {
    // A sentence that runs onto the next page stays one paragraph: a line break, not a blank line, between them.
    if (pageStarts.length > 0) text += RUNS_ON.test(text) && /^\p{Ll}/u.test(page) ? "\n" : "\n\n";
    pageStarts.push(text.length);
    text += page;
  }
  const layout: PageLayout[] = result.pages.map(({ width, height }, i) => ({
    page: i + 1,
    width,
    height,
    boxes: placeText(text, pageStarts[i]!, pageStarts[i]! + kept[i]!.length, pieces[i]!),
  }));
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
  return {
    text,
    format: "pdf",
    pageStarts,
    title,
    layout,
    ...(ocrPages.length > 0 && { ocrPages }),
    ...(notice && { notice }),
  };
}

async function readPages(bytes: Uint8Array): Promise<{ pdf: PDFDocumentProxy; pages: PdfPage[]; title?: string }> {
  try {
    const pdf = await getDocumentProxy(new Uint8Array(bytes), PDFJS_DATA);
    const metadata = await pdf.getMetadata().catch(() => undefined);
    const info = metadata?.info as { Title?: unknown } | undefined;
    const title = typeof info?.Title === "string" && info.Title.trim() !== "" ? info.Title.trim() : undefined;
    const pages: PdfPage[] = [];
    for (let n = 1; n <= pdf.numPages; n++) pages.push(await readPage(pdf, n));
    return { pdf, pages, title };
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === "PasswordException")
      throw new UnreadableDocumentError("the PDF is encrypted: save it without a password and add it again");
    throw new UnreadableDocumentError(`the PDF cannot be read (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** Page `n`'s text, its runs joined as unpdf's `extractText` joins them, and each run's box on the page. */
async function readPage(pdf: PDFDocumentProxy, n: number): Promise<PdfPage> {
  const page = await pdf.getPage(n);
  const viewport = page.getViewport({ scale: 1 });
  const content = await page.getTextContent();
  let text = "";
  const runs: PlacedText[] = [];
  for (const item of content.items) {
    if (!("str" in item)) continue;
    text += item.str + (item.hasEOL ? "\n" : "");
    if (item.str.trim() === "") continue;
    const [, , c, d, e, f] = item.transform as number[];
    const size = item.height || Math.hypot(c!, d!);
    const [x1, y1, x2, y2] = viewport.convertToViewportRectangle([e!, f! - BOX_BELOW * size, e! + item.width, f! + BOX_ABOVE * size]);
    runs.push({
      text: item.str,
      rect: {
        x: Math.min(x1!, x2!) / viewport.width,
        y: Math.min(y1!, y2!) / viewport.height,
        width: Math.abs(x2! - x1!) / viewport.width,
        height: Math.abs(y2! - y1!) / viewport.height,
      },
    });
  }
  return { text, runs, width: viewport.width, height: viewport.height };
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
