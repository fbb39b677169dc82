import { mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createWorker, OEM, type Worker } from "tesseract.js";
import { DocumentTooLargeError, type OcrSettings } from "./limits.js";
import { languageModelPath } from "./ocr-languages.js";
import type { PlacedText } from "./page-layout.js";

/**
 * A page read by OCR: its text (paragraphs separated by a blank line, lines by a line break), tesseract's
 * mean confidence (0–100), the image's size in pixels, and each word with its box on the page (neither when
 * the image's size cannot be read).
 */
export interface OcrPage {
  text: string;
  confidence: number;
  size?: { width: number; height: number };
  words: PlacedText[];
}

/**
 * Reads images of pages with tesseract.js in a worker thread of its own (its WASM build, from npm). The
 * models are read from their npm packages through `langPath`, and nothing is cached: with no `langPath`,
 * tesseract.js would download them from a CDN. One folder must hold every language's model, so several
 * languages are linked into a temporary folder of their own.
 */
export class PageReader {
  private constructor(
    private readonly worker: Worker,
    private readonly linked: string | undefined,
  ) {}

  static async open(settings: OcrSettings): Promise<PageReader> {
    const models = settings.languages.map((code) => {
      const path = languageModelPath(code);
      if (!path) throw new Error(`the OCR language ${code} is not installed (npm install @tesseract.js-data/${code})`);
      return { code, path };
    });
    let langPath = dirname(models[0]!.path);
    let linked: string | undefined;
    if (models.length > 1) {
      linked = langPath = await mkdtemp(join(tmpdir(), "ocr-languages-"));
      for (const { code, path } of models) await symlink(path, join(linked, `${code}.traineddata.gz`));
    }
    try {
      const worker = await createWorker(settings.languages.join("+"), OEM.LSTM_ONLY, { langPath, cacheMethod: "none", gzip: true });
      return new PageReader(worker, linked);
    } catch (error) {
      if (linked) await rm(linked, { recursive: true, force: true });
      throw error;
    }
  }

  /** The text of one page's image (PNG, JPEG, WebP, TIFF, BMP), in reading order as tesseract finds it. */
  async read(image: Uint8Array): Promise<OcrPage> {
    const { data } = await this.worker.recognize(Buffer.from(image), {}, { text: true, blocks: true });
    const paragraphs = (data.blocks ?? []).flatMap((block) =>
      block.paragraphs.map((paragraph) =>
        paragraph.lines
          .map((line) => line.text.replace(/\s+/g, " ").trim())
          .filter((line) => line !== "")
          .join("\n"),
      ),
    );
    const size = await imageSize(image);
    const lines = (data.blocks ?? []).flatMap((block) => block.paragraphs.flatMap((paragraph) => paragraph.lines));
    const words = size
      ? lines.flatMap((line) =>
          line.words.map(({ text, bbox }) => ({
            text,
            rect: {
              x: bbox.x0 / size.width,
              y: bbox.y0 / size.height,
              width: (bbox.x1 - bbox.x0) / size.width,
              height: (bbox.y1 - bbox.y0) / size.height,
            },
          })),
        )
      : [];
    return { text: paragraphs.filter((p) => p !== "").join("\n\n"), confidence: data.confidence, ...(size && { size }), words };
  }

  async close(): Promise<void> {
    await this.worker.terminate();
    if (this.linked) await rm(this.linked, { recursive: true, force: true });
  }
}

/** Where an extractor says how many of a file's pages it has read by OCR, so the reader can tell it is still going. */
export type OcrProgress = (done: number, total: number) => void;

/**
 * The text of `count` pages, each image made by `imageOf(i)` only when its turn comes (a rendered page is
 * megabytes), read one after another by one tesseract thread: one core for OCR, the other left to answering.
 * Refuses, before reading any, a file with more pages than OCR_MAX_PAGES.
 */
export async function readPagesByOcr(
  count: number,
  imageOf: (page: number) => Promise<Uint8Array>,
  settings: OcrSettings,
  progress: OcrProgress,
): Promise<OcrPage[]> {
  if (count > settings.maxPages) {
    throw new DocumentTooLargeError(
      `it has ${count.toLocaleString("en")} pages to read by OCR, over the ${settings.maxPages.toLocaleString("en")} a file may have (OCR_MAX_PAGES)`,
    );
  }
  const reader = await PageReader.open(settings);
  try {
    const pages: OcrPage[] = [];
    progress(0, count);
    for (let i = 0; i < count; i++) {
      pages.push(await reader.read(await imageOf(i)));
      progress(i + 1, count);
    }
    return pages;
  } finally {
    await reader.close();
  }
}

/** An image's size in pixels, as @napi-rs/canvas decodes it (PNG, JPEG, WebP); undefined for one it cannot (TIFF). */
async function imageSize(image: Uint8Array): Promise<{ width: number; height: number } | undefined> {
  const { loadImage } = await import("@napi-rs/canvas");
  try {
    const { width, height } = await loadImage(Buffer.from(image));
    return width > 0 && height > 0 ? { width, height } : undefined;
  } catch {
    return undefined;
  }
}
