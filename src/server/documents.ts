import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AskPipeline } from "../answer/ask.js";
import { byPath } from "../index/manifest.js";
import { PageImages } from "../ingest/page-images.js";
import { UnreadableDocumentError } from "../ingest/extracted.js";
import { SUPPORTED_EXTENSIONS } from "../ingest/formats.js";
import { DocumentTooLargeError, megabytes } from "../ingest/limits.js";
import { InvalidFileNameError, UnsupportedFormatError } from "../ingest/uploads.js";
import { DocumentNotFoundError, type DocumentLibrary, type UploadedFile } from "../library.js";
import { ApiError } from "./errors.js";

export interface DocumentRoutesOptions {
  ready: () => AskPipeline;
  /** Changes the documents; undefined until the index is ready, and in servers that never change them. */
  library?: () => DocumentLibrary | undefined;
  /** Whether some credential could add or delete documents (the admin token, a write key); who may is checked before these routes. */
  writesPossible: () => boolean;
  maxUploadBytes: number;
}

/** The form field that carries the files of `POST /documents`. */
const FILES_FIELD = "files";

/** `/documents`: the list, each document's text, and, for a write key or the admin token, uploads and deletions. */
export function documentRoutes(options: DocumentRoutesOptions): Hono {
  const app = new Hono();

  // In the order of their paths, as the corpus folder lists them, however they were added.
  app.get("/", (c) => {
    const { index } = options.ready();
    const uploads = options.writesPossible() && options.library !== undefined;
    return c.json({
      documents: [...index.documents.catalog.values()]
        .sort(byPath)
        .map(({ id, title, path, format, bytes, passages }) => ({ id, title, path, format, bytes, passages })),
      uploads,
      // What an upload may be, so a client can refuse a file before sending it.
      ...(uploads && { maxUploadBytes: options.maxUploadBytes, formats: SUPPORTED_EXTENSIONS }),
    });
  });

  app.get("/:id", async (c) => {
    const doc = await options.ready().index.documents.read(c.req.param("id"));
    if (!doc) throw new ApiError(404, "not_found", `no document with id "${c.req.param("id")}"`);
    return c.json({
      id: doc.id,
      title: doc.title,
      path: doc.path,
      format: doc.format,
      text: doc.text,
      ...(doc.pageStarts && { pageStarts: doc.pageStarts }),
      ...(doc.ocrPages && { ocrPages: doc.ocrPages }),
      pageView: PageImages.shows(doc),
    });
  });

  const writable = (): DocumentLibrary => {
    options.ready();
    const library = options.library?.();
    if (!library) throw new ApiError(503, "not_ready", "the index is still being built; try again in a moment");
    return library;
  };

  app.post("/", uploadLimit(options.maxUploadBytes), async (c) => {
    const library = writable();
    const files = await readFiles(c.req.raw);
    try {
      return c.json({ documents: await library.add(files) }, 201);
    } catch (error) {
      throw asApiError(error);
    }
  });

  app.delete("/:id", async (c) => {
    try {
      return c.json(await writable().remove(c.req.param("id")));
    } catch (error) {
      throw asApiError(error);
    }
  });

  return app;
}

function uploadLimit(maxSize: number) {
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new ApiError(
        413,
        "payload_too_large",
        `an upload may be at most ${megabytes(maxSize)} (MAX_UPLOAD_BYTES); send large files one at a time`,
      );
    },
  });
}

/** The files of a `multipart/form-data` body, in the `files` field. */
async function readFiles(request: Request): Promise<UploadedFile[]> {
  if (!/^multipart\/form-data\b/i.test(request.headers.get("content-type") ?? "")) {
    throw new ApiError(415, "unsupported_media_type", `send the files as multipart/form-data, in the field "${FILES_FIELD}"`);
  }
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    throw new ApiError(400, "invalid_request", "the multipart body cannot be read");
  }
  const files = form.getAll(FILES_FIELD).filter((value): value is File => typeof value !== "string");
  if (files.length === 0) throw new ApiError(400, "invalid_request", `no file in the field "${FILES_FIELD}"`);
  return Promise.all(files.map(async (file) => ({ name: file.name, bytes: Buffer.from(await file.arrayBuffer()) })));
}

/** What the client should see of a document that was not taken. */
function asApiError(error: unknown): unknown {
  if (error instanceof UnsupportedFormatError) return new ApiError(415, "unsupported_media_type", error.message);
  if (error instanceof UnreadableDocumentError) return new ApiError(422, "unreadable_document", error.message);
  if (error instanceof DocumentTooLargeError) return new ApiError(413, "payload_too_large", error.message);
  if (error instanceof InvalidFileNameError) return new ApiError(400, "invalid_request", error.message);
  if (error instanceof DocumentNotFoundError) return new ApiError(404, "not_found", error.message);
  return error;
}
