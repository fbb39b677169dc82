import { Hono } from "hono";
import type { AskPipeline } from "../answer/ask.js";
import { PageImages, PageUnavailableError } from "../ingest/page-images.js";
import { rectsOfSpan } from "../ingest/page-layout.js";
import type { SourceDocument } from "../ingest/types.js";
import type { DocumentLibrary } from "../library.js";
import type { Span } from "../text/span.js";
import { ApiError } from "./errors.js";

export interface PageRoutesOptions {
  ready: () => AskPipeline;
  /** Where a document's file is kept; undefined until the index is ready. */
  library?: () => DocumentLibrary | undefined;
  /** Draws the pages; without it no page can be shown. */
  pageImages?: PageImages;
}

/** A whole number written as digits only, as a page number or an offset must be. */
const DIGITS = /^\d{1,9}$/;

/**
 * `/documents/:id/pages/:page`: a PDF's or a photo's page as it looks, and where a span of the document's
 * text is on it (`?start=&end=`, offsets as in citations), so a reader can see a citation on the page itself.
 */
export function pageRoutes(options: PageRoutesOptions): Hono {
  const app = new Hono();

  app.get("/:id/pages/:page", async (c) => {
    const { document, page } = await pageOf(options, c.req.param("id"), c.req.param("page"));
    const layout = document.layout!.find((l) => l.page === page);
    const span = spanOf(document, c.req.query("start"), c.req.query("end"));
    return c.json({
      documentId: document.id,
      page,
      pages: document.pageStarts?.length ?? 1,
      width: layout?.width,
      height: layout?.height,
      image: `/documents/${encodeURIComponent(document.id)}/pages/${page}/image`,
      highlights: span && layout ? rectsOfSpan(layout, span) : [],
    });
  });

  app.get("/:id/pages/:page/image", async (c) => {
    const { document, page } = await pageOf(options, c.req.param("id"), c.req.param("page"));
    const library = options.library?.();
    if (!library || !options.pageImages) throw new ApiError(503, "not_ready", "the index is still being built; try again in a moment");
    const file = await library.fileOf(document);
    if (!file) {
      throw new ApiError(
        404,
        "not_found",
        `the file "${document.path}" is no longer kept as it was read, so its pages cannot be shown; its text can`,
      );
    }
    try {
      const image = await options.pageImages.image(document, file, page);
      return c.body(new Uint8Array(image.bytes), 200, { "content-type": image.contentType, "cache-control": "private, max-age=300" });
    } catch (error) {
      if (error instanceof PageUnavailableError) throw new ApiError(422, "unreadable_document", error.message);
      throw error;
    }
  });

  return app;
}

/** The document and page a request names, when the document has a page view and that page. */
async function pageOf(options: PageRoutesOptions, id: string, pageParam: string): Promise<{ document: SourceDocument; page: number }> {
  const document = await options.ready().index.documents.read(id);
  if (!document) throw new ApiError(404, "not_found", `no document with id "${id}"`);
  if (!PageImages.shows(document)) {
    throw new ApiError(404, "not_found", `"${document.path}" has no page view: only PDFs and PNG, JPEG and WebP images have`);
  }
  if (!DIGITS.test(pageParam)) throw new ApiError(400, "invalid_request", "page must be a page number: 1 for the first");
  const page = Number(pageParam);
  const pages = document.pageStarts?.length ?? 1;
  if (page < 1 || page > pages)
    throw new ApiError(404, "not_found", `"${document.path}" has ${pages} page${pages === 1 ? "" : "s"}, not a page ${page}`);
  return { document, page };
}

/** The span `?start=&end=` names in `document`'s text; undefined when neither is given. */
function spanOf(document: SourceDocument, start: string | undefined, end: string | undefined): Span | undefined {
  if (start === undefined && end === undefined) return undefined;
  const [from, to] = [start, end].map((value) => (value !== undefined && DIGITS.test(value) ? Number(value) : Number.NaN));
  if (!(from! < to!) || to! > document.text.length) {
    throw new ApiError(
      400,
      "invalid_request",
      `start and end must be offsets into the document's text with start < end <= ${document.text.length}, as a citation's are`,
    );
  }
  return { start: from!, end: to! };
}
