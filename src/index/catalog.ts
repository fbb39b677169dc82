import type { SourceDocument } from "../ingest/types.js";
import type { CatalogEntry, IndexDocuments } from "./corpus-index.js";
import { sha256 } from "./manifest.js";

/** Fingerprints made, by document: a document read from a file is compared, written and catalogued, each needing it. */
const fingerprints = new WeakMap<SourceDocument, string>();

/**
 * The SHA-256 of `document` as JSON: what the catalog keeps of a document, and compares a file read again
 * with. Made once per document object (documents are never changed in place).
 */
export function fingerprintOf(document: SourceDocument): string {
  let fingerprint = fingerprints.get(document);
  if (fingerprint === undefined) {
    fingerprint = sha256(JSON.stringify(document));
    fingerprints.set(document, fingerprint);
  }
  return fingerprint;
}

/** What the catalog holds of `document`, which has `passages` passages. */
export function catalogEntryOf(document: SourceDocument, passages: number): CatalogEntry {
  const { id, title, path, format, bytes, pageStarts } = document;
  return {
    id,
    title,
    path,
    format,
    bytes,
    sha256: sha256(document.text),
    fingerprint: fingerprintOf(document),
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
