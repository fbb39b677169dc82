import { extname } from "node:path";
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { JobThread } from "../workers/job-thread.js";
import { startModuleWorker } from "../workers/module-worker.js";
import type { ReadingLimits } from "./limits.js";
import type { SourceDocument } from "./types.js";

/** A page as a picture, for the page view. */
export interface PageImage {
  bytes: Uint8Array;
  contentType: string;
}

/** Why a page cannot be drawn: its file fails to draw, or took too long. */
export class PageUnavailableError extends Error {}

/** PDF pages are drawn at 144 dots per inch (a PDF counts 72 points an inch): sharp on a high-density phone screen at the panel's width. */
const PDF_SCALE = 2;

/** Photos are shown as they are, in the formats browsers show. */
const IMAGE_TYPES: Record<string, string> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".webp": "image/webp",
};

/** How many bytes of drawn pages are kept for the next request of the same page. */
const CACHE_BYTES = 64 * 1024 * 1024;

type ToPainter = { bytes: Uint8Array; page: number };
type FromPainter = { ok: true; png: Uint8Array } | { ok: false; message: string };

/**
 * The pages of PDFs and photos as pictures, for showing a cited span on its page. A PDF's page is drawn in a
 * worker thread of its own, within READ_TIMEOUT_MS and READ_MEMORY_MB (a hostile file costs that thread, as
 * in reading), one page at a time; the last pages drawn are kept, up to 64 MB.
 */
export class PageImages {
  private readonly thread: JobThread<ToPainter, FromPainter>;
  private readonly cache = new Map<string, { document: SourceDocument; image: PageImage }>();
  private cachedBytes = 0;

  constructor(limits: Pick<ReadingLimits, "timeoutMs" | "memoryMb">) {
    this.thread = new JobThread(
      () => startModuleWorker(import.meta.url, { drawPages: true }, { resourceLimits: { maxOldGenerationSizeMb: limits.memoryMb } }),
      limits.timeoutMs,
    );
  }

  /** Whether `document`'s pages can be shown: it is a PDF or a photo whose text has a place on its pages. */
  static shows(document: SourceDocument): boolean {
    return document.layout !== undefined && (document.format === "pdf" || extname(document.path).toLowerCase() in IMAGE_TYPES);
  }

  /** Page `page` (1 for the first, one it has) of `document`, one that `shows`, drawn from `file`, the file it was read from. */
  async image(document: SourceDocument, file: Uint8Array, page: number): Promise<PageImage> {
    if (document.format !== "pdf") return { bytes: file, contentType: IMAGE_TYPES[extname(document.path).toLowerCase()]! };
    const key = `${document.id}\0${page}`;
    const cached = this.cache.get(key);
    if (cached?.document === document) {
      this.cache.delete(key);
      this.cache.set(key, cached);
      return cached.image;
    }
    const drawn = await this.thread.run(
      { bytes: file, page },
      {
        timedOut: () => new PageUnavailableError("drawing the page took longer than READ_TIMEOUT_MS"),
        failed: (error) => new PageUnavailableError(`the page cannot be drawn (${error.message})`),
        exited: (code) => new PageUnavailableError(`drawing the page stopped unexpectedly (exit code ${code})`),
      },
    );
    if (!drawn.ok) throw new PageUnavailableError(`the page cannot be drawn (${drawn.message})`);
    const image: PageImage = { bytes: drawn.png, contentType: "image/png" };
    this.keep(key, document, image);
    return image;
  }

  close(): Promise<void> {
    return this.thread.close();
  }

  private keep(key: string, document: SourceDocument, image: PageImage): void {
    const old = this.cache.get(key);
    if (old) this.cachedBytes -= old.image.bytes.length;
    this.cache.delete(key);
    this.cache.set(key, { document, image });
    this.cachedBytes += image.bytes.length;
    for (const [oldest, entry] of this.cache) {
      if (this.cachedBytes <= CACHE_BYTES) break;
      this.cache.delete(oldest);
      this.cachedBytes -= entry.image.bytes.length;
    }
  }
}

/** The worker's side: draw each page it is asked for with pdf.js (through unpdf) onto @napi-rs/canvas. */
async function servePages(): Promise<void> {
  const port = parentPort!;
  // pdf.js 5 draws text with ArrayBuffer's transferToFixedLength, which Node 20 lacks (Node 21 has it):
  // without it every glyph is left out of the picture. A copy serves as well as a transfer here.
  const buffers = ArrayBuffer.prototype as { transferToFixedLength?: (length?: number) => ArrayBuffer };
  buffers.transferToFixedLength ??= function (this: ArrayBuffer, length = this.byteLength) {
    const copy = new ArrayBuffer(length);
    new Uint8Array(copy).set(new Uint8Array(this, 0, Math.min(length, this.byteLength)));
    return copy;
  };
  const { getDocumentProxy, renderPageAsImage } = await import("unpdf");
  const { PDFJS_DATA } = await import("./pdf.js");
  port.on("message", async ({ bytes, page }: ToPainter) => {
    let reply: FromPainter;
    try {
      const pdf = await getDocumentProxy(new Uint8Array(bytes), PDFJS_DATA);
      const png = await renderPageAsImage(pdf, page, { canvasImport: () => import("@napi-rs/canvas"), scale: PDF_SCALE });
      await pdf.destroy();
      reply = { ok: true, png: new Uint8Array(png) };
    } catch (error) {
      reply = { ok: false, message: error instanceof Error ? error.message : String(error) };
    }
    port.postMessage(reply);
  });
}

if (!isMainThread && (workerData as { drawPages?: boolean } | null)?.drawPages) await servePages();
