import type { SourceDocument } from "../ingest/types.js";
import type { CatalogEntry, IndexDocuments } from "./corpus-index.js";
import { sha256 } from "./manifest.js";

/** The SHA-256 of `document` as JSON: what the database keeps beside a document, and compares a file read again with. */
export function fingerprintOf(document: SourceDocument): string {
  return sha256(JSON.stringify(document));
}

/** What the catalog holds of `document`, which has `passages` passages. */
export function catalogEntryOf(document: SourceDocument, passages: number, fingerprint = fingerprintOf(document)): CatalogEntry {
  const { id, title, path, format, bytes, pageStarts } = document;
  return {
    id,
    title,
    path,
    format,
    bytes,
    sha256: sha256(document.text),
    fingerprint,
    characters: document.text.length,
    passages,
    ...(pageStarts && { pageStarts }),
  };
}

/** Every document of `documents`, read one at a time: for commands that go through the whole corpus (eval, train). */
export async function readEveryDocument(documents: IndexDocuments): Promise<SourceDocument[]> {
  const read: SourceDocument[] = [];
  for (const id of documents.catalog.keys()) {
    const document = await documents.read(id);
    if (document) read.push(document);
  }
  return read;
}
