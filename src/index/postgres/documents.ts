import { LRUCache } from "lru-cache";
import type pg from "pg";
import { reaching } from "../../database/connection.js";
import type { Passage, SourceDocument } from "../../ingest/types.js";
import { catalogEntryOf } from "../catalog.js";
import type { AddedPassages, CatalogEntry, DocumentSpan, IndexDocuments, PassageHeading } from "../corpus-index.js";

/** What `qa_documents.entry` holds of a document: its catalog entry but for what has columns of its own. */
export type StoredEntry = Pick<CatalogEntry, "title" | "format" | "bytes" | "characters"> & { pageStarts: number[] | null };

/** The most documents, and characters of their JSON, a server keeps of those it read whole (a page view, `GET /documents/:id`). */
export const DOCUMENT_CACHE = { documents: 16, characters: 32_000_000 };

/** A document as read whole, with the fingerprint and length of the JSON it was read from. */
interface ReadDocument {
  document: SourceDocument;
  fingerprint: string;
  characters: number;
}

/**
 * The database store's documents: their catalog in memory, everything else read from Postgres when a request
 * needs it. A passage or text read is this version's only when its document's fingerprint is this catalog's:
 * another server may have replaced the document since.
 */
export class PostgresDocuments implements IndexDocuments {
  readonly passageCount: number;

  constructor(
    private readonly pool: pg.Pool,
    readonly catalog: Map<string, CatalogEntry>,
    /** Documents read whole, by id and fingerprint: shared by the versions of one server's index, as a key is one version's. */
    private readonly cache = new LRUCache<string, ReadDocument>({
      max: DOCUMENT_CACHE.documents,
      maxSize: DOCUMENT_CACHE.characters,
      sizeCalculation: (read) => Math.max(1, read.characters),
    }),
  ) {
    let passages = 0;
    for (const entry of catalog.values()) passages += entry.passages;
    this.passageCount = passages;
  }

  async read(id: string): Promise<SourceDocument | undefined> {
    const entry = this.catalog.get(id);
    if (!entry) return undefined;
    return (await this.readWhole(entry))?.document;
  }

  async passages(ids: Iterable<string>): Promise<Map<string, Passage>> {
    const asked = [...ids];
    if (asked.length === 0) return new Map();
    const { rows } = await reaching(() =>
      this.pool.query<{
        id: string;
        document_id: string;
        start_offset: number;
        end_offset: number;
        heading: string;
        text: string;
        fingerprint: string;
      }>(
        `SELECT p.id, p.document_id, p.start_offset, p.end_offset, p.heading, p.text, d.fingerprint
         FROM qa_passages p JOIN qa_documents d ON d.id = p.document_id WHERE p.id = ANY($1)`,
        [asked],
      ),
    );
    const found = new Map<string, Passage>();
    for (const row of rows) {
      if (this.catalog.get(row.document_id)?.fingerprint !== row.fingerprint) continue;
      found.set(row.id, {
        id: row.id,
        documentId: row.document_id,
        start: row.start_offset,
        end: row.end_offset,
        heading: row.heading,
        text: row.text,
      });
    }
    return found;
  }

  /** From the passage that holds each span (its text was checked to be the document's when written), else from the whole document. */
  async textsAt(spans: readonly DocumentSpan[]): Promise<(string | undefined)[]> {
    const texts: (string | undefined)[] = spans.map(() => undefined);
    if (spans.length === 0) return texts;
    const { rows } = await reaching(() =>
      this.pool.query<{ n: string; start_offset: number; text: string; fingerprint: string }>(
        `SELECT s.n, p.start_offset, p.text, d.fingerprint
         FROM unnest($1::text[], $2::int[], $3::int[]) WITH ORDINALITY AS s (document_id, span_start, span_end, n)
         JOIN qa_documents d ON d.id = s.document_id
         JOIN LATERAL (
           SELECT start_offset, text FROM qa_passages p
           WHERE p.document_id = s.document_id AND p.start_offset <= s.span_start AND p.end_offset >= s.span_end LIMIT 1
         ) p ON true`,
        [spans.map((s) => s.documentId), spans.map((s) => s.start), spans.map((s) => s.end)],
      ),
    );
    for (const row of rows) {
      const i = Number(row.n) - 1;
      const span = spans[i]!;
      if (this.catalog.get(span.documentId)?.fingerprint !== row.fingerprint) continue;
      texts[i] = row.text.slice(span.start - row.start_offset, span.end - row.start_offset);
    }
    for (const [i, span] of spans.entries()) {
      const entry = this.catalog.get(span.documentId);
      if (texts[i] !== undefined || !entry) continue;
      const read = await this.readWhole(entry);
      if (read?.fingerprint === entry.fingerprint && span.end <= read.document.text.length)
        texts[i] = read.document.text.slice(span.start, span.end);
    }
    return texts;
  }

  async questionHeadings(): Promise<PassageHeading[]> {
    const { rows } = await reaching(() =>
      this.pool.query<{ document_id: string; heading: string }>(
        `SELECT document_id, heading FROM qa_passages WHERE heading ~ '\\?\\s*$' ORDER BY document_id, position`,
      ),
    );
    return rows.filter((row) => this.catalog.has(row.document_id)).map((row) => ({ documentId: row.document_id, heading: row.heading }));
  }

  after(added: AddedPassages[], replaced: Set<string>): PostgresDocuments {
    const catalog = new Map(this.catalog);
    for (const id of replaced) catalog.delete(id);
    for (const { document, passages } of added) catalog.set(document.id, catalogEntryOf(document, passages.length));
    return new PostgresDocuments(this.pool, catalog, this.cache);
  }

  /** These documents with the entries `read` (the database's now) in place of those of `touched`. */
  following(read: CatalogEntry[], touched: string[]): PostgresDocuments {
    const catalog = new Map(this.catalog);
    for (const id of touched) catalog.delete(id);
    for (const entry of read) catalog.set(entry.id, entry);
    return new PostgresDocuments(this.pool, catalog, this.cache);
  }

  /**
   * The document of `entry` as the database holds it now: this version's, or (for the moment until this
   * server follows) the one another server replaced it with.
   */
  private async readWhole(entry: CatalogEntry): Promise<ReadDocument | undefined> {
    const cached = this.cache.get(`${entry.id}\0${entry.fingerprint}`);
    if (cached) return cached;
    const { rows } = await reaching(() =>
      this.pool.query<{ json: string; fingerprint: string }>("SELECT document::text AS json, fingerprint FROM qa_documents WHERE id = $1", [
        entry.id,
      ]),
    );
    const row = rows[0];
    if (!row) return undefined;
    const read: ReadDocument = {
      document: JSON.parse(row.json) as SourceDocument,
      fingerprint: row.fingerprint,
      characters: row.json.length,
    };
    this.cache.set(`${entry.id}\0${row.fingerprint}`, read);
    return read;
  }
}

/** The catalog entries of the documents `ids` (all, with null), as the database holds them. */
export async function readCatalog(client: pg.PoolClient, ids: string[] | null): Promise<CatalogEntry[]> {
  const { rows } = await client.query<{
    id: string;
    path: string;
    sha256: string;
    fingerprint: string;
    entry: StoredEntry;
    passages: number;
  }>(
    `SELECT d.id, d.path, d.sha256, d.fingerprint, d.entry, c.passages
     FROM qa_documents d, LATERAL (SELECT count(*)::int AS passages FROM qa_passages p WHERE p.document_id = d.id) c
     ${ids === null ? "" : "WHERE d.id = ANY($1)"} ORDER BY d.id`,
    ids === null ? [] : [ids],
  );
  return rows.map(({ id, path, sha256, fingerprint, entry, passages }) => ({
    id,
    title: entry.title,
    path,
    format: entry.format,
    bytes: entry.bytes,
    sha256,
    fingerprint,
    characters: entry.characters,
    passages,
    ...(entry.pageStarts && { pageStarts: entry.pageStarts }),
  }));
}

/** What `qa_documents.entry` holds of `document`. */
export function storedEntryOf(document: SourceDocument): StoredEntry {
  const { title, format, bytes, pageStarts } = document;
  return { title, format, bytes, characters: document.text.length, pageStarts: pageStarts ?? null };
}
