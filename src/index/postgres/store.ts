import type pg from "pg";
import type { EmbeddingModel } from "../../embeddings/index.js";
import type { ChunkingSettings } from "../../ingest/passages.js";
import type { CorpusRead } from "../../ingest/documents.js";
import type { SourceDocument } from "../../ingest/types.js";
import { contentTerms } from "../../text/terms.js";
import { connectDatabase, describeFailure, reaching } from "../../database/connection.js";
import { analyzeIndexTables, fitVectorColumn, indexVectors, LOCKS, migrate, releaseLock } from "../../database/schema.js";
import { CorpusFolder } from "../../ingest/corpus-folder.js";
import {
  checkAdded,
  checkChange,
  indexAfter,
  indexInBatches,
  manifestDocuments,
  type IndexChange,
  type IndexedDocument,
} from "../change.js";
import { diffCorpus, IndexMovedError, isEmpty, retryingWhenMoved, type CorpusDiff } from "../corpus-diff.js";
import type { CatalogEntry, CorpusIndex, StoreVersion } from "../corpus-index.js";
import { INDEX_FORMAT_VERSION, sha256 } from "../manifest.js";
import type { Progress } from "../../progress.js";
import { StoreUnavailableError } from "../../database/unavailable.js";
import type { ChangeSource, DocumentFile, DocumentOrigin, IndexStore, OpenOptions } from "../store.js";
import { fingerprintOf } from "../catalog.js";
import { PostgresDocuments, readCatalog, storedEntryOf } from "./documents.js";
import { PostgresKeywords, TERMS_SQL } from "./keywords.js";
import { PostgresPassageVectors } from "./vectors.js";
import { heldTerms, PostgresCorpusTerms, PostgresSentences, recordTerms, tallyTerms, type TermTally } from "./sentences.js";

/** An index read from the database: the number of changes committed to it when it was read. */
interface SavedInDatabase extends StoreVersion {
  version: number;
}

function databaseVersion(version: number): SavedInDatabase {
  return { label: `postgres+${version}`, version };
}

type DatabaseIndex = CorpusIndex<SavedInDatabase> & { documents: PostgresDocuments };

/** What the database's vectors and passages were made with (`qa_state`). */
interface Settings {
  embeddings: { provider: string; model: string; dimensions: number } | null;
  chunking: ChunkingSettings | null;
}

/** The state row: the index's version and count of sentences (NULL until its terms are counted), and its settings. */
type State = Settings & { version: number; sentences: string | null };

/** Documents whose terms are counted at once, when a database's counts are made for what it holds. */
const DOCUMENTS_PER_COUNT = 200;

/** Rows written per INSERT: a large document's sentences go in several. */
const ROWS_PER_INSERT = 500;

/**
 * The index kept in Postgres with pgvector, shared by every server of one DATABASE_URL. Passages are
 * searched in the database (HNSW and full-text), and a server reads from it per question the retrieved
 * passages, their sentences and vectors, the term counts and the cited spans' text; it holds a catalog of the
 * documents (no text) and follows the database's version.
 */
export class PostgresIndexStore implements IndexStore<DatabaseIndex> {
  private constructor(
    private readonly pool: pg.Pool,
    private readonly model: EmbeddingModel,
    private readonly chunking: ChunkingSettings,
    private readonly progress: Progress,
    private readonly corpus: CorpusFolder,
    private readonly charactersPerBatch: number | undefined,
  ) {}

  /**
   * Connects to `url` and brings its schema up to date. Throws StoreUnavailableError when that fails, whether
   * the database cannot be reached or cannot take the schema (an extension missing, a newer schema): both
   * are the database's to fix, and a server waits for that rather than exit. `charactersPerBatch` is how much text
   * a large change splits and embeds at a time (`indexInBatches`' default unless given).
   */
  static async connect(
    url: string,
    model: EmbeddingModel,
    chunking: ChunkingSettings,
    progress: Progress,
    corpusDir: string,
    { charactersPerBatch }: { charactersPerBatch?: number } = {},
  ): Promise<PostgresIndexStore> {
    const pool = connectDatabase(url);
    try {
      await migrate(pool);
    } catch (error) {
      await pool.end().catch(() => {});
      throw new StoreUnavailableError(`cannot use the database at DATABASE_URL: ${describeFailure(error)}`);
    }
    return new PostgresIndexStore(pool, model, chunking, progress, new CorpusFolder(corpusDir), charactersPerBatch);
  }

  /**
   * The database's index, brought up to date with the corpus folder's `documents`: re-indexed whole when it
   * was made with another embedding model or chunking (or with `rebuild`), and otherwise only what changed
   * embedded. Servers starting at once take turns: one embeds, the others find it done (or, where the lock does
   * not exclude them, find their commit refused, and look again).
   */
  async open(corpus: CorpusRead, { rebuild = false }: OpenOptions = {}): Promise<DatabaseIndex> {
    const update = async (): Promise<DatabaseIndex> => {
      await this.countTermsOnce();
      await this.fitSettings({ rebuild });
      rebuild = false;
      const index = await this.load();
      const diff = await this.corpusDiff(index, corpus);
      await this.recordReadings(corpus, diff);
      if (isEmpty(diff)) return index;
      return this.writeInBatches(index, diff, corpus.readings);
    };
    const index = await this.exclusively(() => retryingWhenMoved(update));
    this.progress({
      phase: "note",
      message: `Index in the database: ${index.documents.catalog.size} documents, ${index.documents.passageCount} passages.`,
    });
    return index;
  }

  /** Nothing answers before the database's index is opened: it is brought up to date in place, and quickly when little changed. */
  async saved(): Promise<undefined> {
    return undefined;
  }

  build(corpus: CorpusRead): Promise<DatabaseIndex> {
    return this.open(corpus);
  }

  async readings(): Promise<ReadonlyMap<string, string>> {
    const { rows } = await reaching(() =>
      this.pool.query<{ path: string; reading: string }>(
        "SELECT path, reading FROM qa_documents WHERE origin = 'corpus' AND reading IS NOT NULL",
      ),
    );
    return new Map(rows.map((row) => [row.path, row.reading]));
  }

  async exclusively<T>(work: () => Promise<T>): Promise<T> {
    const client = await reaching(() => this.pool.connect());
    try {
      await reaching(() => client.query("SELECT pg_advisory_lock($1)", [LOCKS.change]));
      return await work();
    } finally {
      await releaseLock(client, LOCKS.change);
    }
  }

  /**
   * Makes the database's index one of this embedding model and chunking: when it was made with others, every
   * document it holds (the corpus's and uploads) is split and embedded again and replaces what it held, in one
   * transaction. Only called by `exclusively`'s work.
   */
  async fitSettings({ rebuild = false } = {}): Promise<void> {
    const { progress } = this;
    const settings = await this.settings();
    const sameModel = settings.embeddings?.provider === this.model.provider && settings.embeddings.model === this.model.model;
    const sameChunking = canonicalJson(settings.chunking) === canonicalJson(this.chunking);
    if (settings.embeddings === null || (sameModel && sameChunking && !rebuild)) return;
    progress(
      rebuild
        ? { phase: "reindexing", cause: "rebuild" }
        : {
            phase: "reindexing",
            cause: "stale",
            reason:
              sameModel && settings.chunking?.maxChars === this.chunking.maxChars
                ? "it was split by older rules"
                : `it was indexed with ${settings.embeddings.model}, chunks of ${settings.chunking?.maxChars} characters`,
          },
    );
    const index = await this.load();
    const sources = await this.sources();
    const documents = await this.snapshot((client) => readWholeDocuments(client));
    await this.write(async (client, state) => {
      if (state.version !== savedVersion(index)) throw new IndexMovedError("the database was changed while it was re-indexed");
      await client.query("DELETE FROM qa_documents");
      await client.query("DELETE FROM qa_terms");
      await client.query("DELETE FROM qa_sentence_terms");
      await client.query("UPDATE qa_state SET sentences = 0");
      // Recorded with the first vectors, in the new model's dimensions.
      await client.query("UPDATE qa_state SET embeddings = NULL, chunking = NULL");
      await this.insertInBatches(client, documents, 0, (id) => sources.get(id) ?? { origin: "corpus", reading: null });
      return { added: documents.map((d) => d.id), removed: [] };
    });
  }

  /**
   * Counts the terms of what the database holds when its counts were never made (a database indexed before
   * the answerer read them from it). Only called by `exclusively`'s work.
   */
  private async countTermsOnce(): Promise<void> {
    await this.transaction("BEGIN", "FOR UPDATE", async (client, state) => {
      if (state.sentences !== null) return;
      this.progress({ phase: "note", message: "Counting the terms of the indexed sentences, once." });
      await client.query("DELETE FROM qa_sentence_terms");
      await client.query("UPDATE qa_state SET sentences = 0");
      // A few documents at a time, so what is read at once does not grow with the database.
      const { rows } = await client.query<{ id: string }>("SELECT id FROM qa_documents ORDER BY id");
      for (let from = 0; from < rows.length; from += DOCUMENTS_PER_COUNT) {
        const held = await heldTerms(
          client,
          rows.slice(from, from + DOCUMENTS_PER_COUNT).map((row) => row.id),
        );
        await recordTerms(client, held.tally, held.sentences, 1);
      }
    });
  }

  async load(): Promise<DatabaseIndex> {
    return this.snapshot(async (client, version, state) => this.indexOf(state, version, await readCatalog(client, null)));
  }

  async follow(index: DatabaseIndex): Promise<DatabaseIndex | undefined> {
    const known = savedVersion(index);
    return this.snapshot(async (client, version, settings) => {
      if (version === known) return index;
      if (settings.embeddings && (settings.embeddings.provider !== this.model.provider || settings.embeddings.model !== this.model.model)) {
        throw new Error(
          `another server re-indexed the database with ${settings.embeddings.model}: every server of one database needs the same EMBEDDINGS_PROVIDER and EMBEDDINGS_MODEL`,
        );
      }
      const { rows } = await client.query<{ added: string[]; removed: string[] }>(
        "SELECT added, removed FROM qa_changes WHERE version > $1 ORDER BY version",
        [known],
      );
      if (rows.length !== version - known) return undefined;
      const touched = [...new Set(rows.flatMap((row) => [...row.added, ...row.removed]))];
      const documents = index.documents.following(await readCatalog(client, touched), touched);
      const manifest = {
        ...index.manifest,
        embeddings: { ...index.manifest.embeddings, dimensions: settings.embeddings?.dimensions ?? 0 },
        documents: manifestDocuments(documents.catalog.values()),
      };
      return {
        ...index,
        manifest,
        documents,
        sentences: new PostgresSentences(this.pool, Number(settings.sentences)),
        saved: databaseVersion(version),
      };
    });
  }

  /**
   * The database holds each document's text, which is what is cited; of an upload's files it keeps those
   * whose pages the page view shows (PDFs, images), and lets go of a removed or replaced document's.
   */
  async commit(index: DatabaseIndex, change: IndexChange, source: ChangeSource): Promise<DatabaseIndex> {
    const { origin } = source;
    // Every piece its document's text at its offsets: what a server reads back takes passages' texts from there.
    const dimensions = checkChange(index, change);
    const { version, sentences } = await this.write(async (client, state) => {
      if (state.version !== savedVersion(index)) throw new IndexMovedError("the database was changed by another server since it was read");
      const first = state.embeddings === null && dimensions > 0;
      if (first) await this.recordSettings(client, dimensions);
      await deleteDocuments(client, [...change.removed, ...change.added.map((a) => a.document.id)]);
      for (const document of change.added) await insertDocument(client, document, { origin, reading: null });
      if (first) await indexVectors(client);
      if (source.origin === "upload") await insertPagedFiles(client, change, source.files);
      await recordTerms(client, tallyTerms(change.added), sentencesIn(change.added), 1);
      await countTerms(
        client,
        change.added.map((a) => a.document.id),
        1,
      );
      return { added: change.added.map((a) => a.document.id), removed: change.removed };
    });
    this.progress({ phase: "updated", added: change.added.length, removed: change.removed.length });
    return {
      ...indexAfter(index, change, dimensions),
      sentences: new PostgresSentences(this.pool, sentences),
      saved: databaseVersion(version),
    };
  }

  /**
   * `diff` applied in one transaction, its documents split, embedded and written a batch at a time
   * (`indexInBatches`): a first build of a large corpus holds one batch's vectors at a time, not the corpus's.
   * The transaction is open while the batches are embedded; other servers go on reading the version before.
   */
  private async writeInBatches(index: DatabaseIndex, diff: CorpusDiff, readings: ReadonlyMap<string, string>): Promise<DatabaseIndex> {
    await this.write(async (client, state) => {
      if (state.version !== savedVersion(index)) throw new IndexMovedError("the database was changed by another server since it was read");
      await deleteDocuments(client, [...diff.removed, ...diff.added.map((d) => d.id)]);
      await this.insertInBatches(client, diff.added, index.manifest.embeddings.dimensions, (id) => ({
        origin: "corpus",
        reading: readings.get(id) ?? null,
      }));
      return { added: diff.added.map((d) => d.id), removed: diff.removed };
    });
    this.progress({ phase: "updated", added: diff.added.length, removed: diff.removed.length });
    return this.load();
  }

  /**
   * Splits, embeds and writes `documents` with their term counts, a batch at a time, checking each batch's pieces
   * and vectors; with no `dimensions` yet (0), the first vectors fix them and this server's settings.
   */
  private async insertInBatches(
    client: pg.PoolClient,
    documents: SourceDocument[],
    dimensions: number,
    sourceOf: (id: string) => DocumentSource,
  ): Promise<void> {
    const tally = new Map<string, TermTally>();
    const first = dimensions === 0;
    let sentences = 0;
    for await (const batch of indexInBatches(documents, this.model, this.chunking, this.progress, this.charactersPerBatch)) {
      const width = dimensions || dimensionsOf(batch);
      checkAdded(batch, width);
      if (dimensions === 0 && width > 0) {
        await this.recordSettings(client, width);
        dimensions = width;
      }
      for (const document of batch) await insertDocument(client, document, sourceOf(document.document.id));
      tallyTerms(batch, tally);
      sentences += sentencesIn(batch);
    }
    if (first && dimensions > 0) await indexVectors(client);
    await recordTerms(client, tally, sentences, 1);
    await countTerms(
      client,
      documents.map((d) => d.id),
      1,
    );
    await analyzeIndexTables(client);
  }

  async corpusDiff(index: DatabaseIndex, corpus: CorpusRead): Promise<CorpusDiff> {
    const sources = await this.sources();
    const diff = diffCorpus(index, corpus);
    return { ...diff, removed: diff.removed.filter((id) => sources.get(id)?.origin !== "upload") };
  }

  /**
   * Records how each document read and found unchanged was read, where the database has it otherwise (read
   * under other settings, or before readings were kept): the next start then need not read its file.
   */
  private async recordReadings(corpus: CorpusRead, diff: CorpusDiff): Promise<void> {
    const added = new Set(diff.added.map((d) => d.id));
    const same = corpus.documents.filter((d) => !added.has(d.id) && corpus.readings.has(d.id));
    if (same.length === 0) return;
    await reaching(() =>
      this.pool.query(
        `UPDATE qa_documents d SET reading = r.reading
         FROM unnest($1::text[], $2::text[], $3::text[]) AS r (id, fingerprint, reading)
         WHERE d.id = r.id AND d.origin = 'corpus' AND d.fingerprint = r.fingerprint AND d.reading IS DISTINCT FROM r.reading`,
        [same.map((d) => d.id), same.map((d) => fingerprintOf(d)), same.map((d) => corpus.readings.get(d.id)!)],
      ),
    );
  }

  async fileOf(document: SourceDocument): Promise<Uint8Array | undefined> {
    const { rows } = await reaching(() =>
      this.pool.query<{ bytes: Buffer }>("SELECT bytes FROM qa_files WHERE document_id = $1", [document.id]),
    );
    return rows[0]?.bytes ?? this.corpus.fileOf(document);
  }

  /** A file of the corpus folder that was left out (unreadable) keeps its name, as with the embedded store. */
  holdsFile(path: string): boolean {
    return this.corpus.has(path);
  }

  /** Postgres reclaims deleted rows itself, and pgvector's HNSW index skips them. */
  compactionDue(): boolean {
    return false;
  }

  compact(): Promise<DatabaseIndex> {
    return this.load();
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async settings(): Promise<Settings> {
    const { rows } = await reaching(() => this.pool.query<Settings>("SELECT embeddings, chunking FROM qa_state"));
    return rows[0]!;
  }

  private async sources(): Promise<Map<string, DocumentSource>> {
    const { rows } = await reaching(() => this.pool.query<{ id: string } & DocumentSource>("SELECT id, origin, reading FROM qa_documents"));
    return new Map(rows.map(({ id, origin, reading }) => [id, { origin, reading }]));
  }

  /** Runs `read` on one consistent view of the database, with the version and settings of that view. */
  private snapshot<T>(read: (client: pg.PoolClient, version: number, state: State) => Promise<T>): Promise<T> {
    return this.transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "", (client, state) => read(client, state.version, state));
  }

  /**
   * Gives the vector column `dimensions`, and records this server's embedding model and chunking as the
   * database's; the caller makes the vector index (`indexVectors`) once its rows are in.
   */
  private async recordSettings(client: pg.PoolClient, dimensions: number): Promise<void> {
    await fitVectorColumn(client, dimensions);
    const embeddings = { provider: this.model.provider, model: this.model.model, dimensions };
    await client.query("UPDATE qa_state SET embeddings = $1, chunking = $2", [embeddings, this.chunking]);
  }

  /** Runs `change` in one transaction that also takes the next version and records what it added and removed. */
  private write(
    change: (client: pg.PoolClient, state: State) => Promise<{ added: string[]; removed: string[] }>,
  ): Promise<{ version: number; sentences: number }> {
    return this.transaction("BEGIN", "FOR UPDATE", async (client, state) => {
      const recorded = await change(client, state);
      const version = state.version + 1;
      const { rows } = await client.query<{ sentences: string | null }>(
        "UPDATE qa_state SET version = $1, passages = (SELECT count(*) FROM qa_passages) RETURNING sentences",
        [version],
      );
      await client.query("INSERT INTO qa_changes (version, added, removed) VALUES ($1, $2, $3)", [
        version,
        recorded.added,
        recorded.removed,
      ]);
      return { version, sentences: Number(rows[0]!.sentences) };
    });
  }

  /**
   * Runs `work` in a transaction opened by `begin`, with the state row as the transaction sees it (read `lock`,
   * e.g. FOR UPDATE); commits when it returns, rolls back when it throws. Failures to reach the database are
   * StoreUnavailableError.
   */
  private async transaction<T>(begin: string, lock: string, work: (client: pg.PoolClient, state: State) => Promise<T>): Promise<T> {
    const client = await reaching(() => this.pool.connect());
    try {
      return await reaching(async () => {
        await client.query(begin);
        try {
          const { rows } = await client.query<Settings & { version: string; sentences: string | null }>(
            `SELECT version, sentences, embeddings, chunking FROM qa_state ${lock}`,
          );
          const result = await work(client, { ...rows[0]!, version: Number(rows[0]!.version) });
          await client.query("COMMIT");
          return result;
        } catch (error) {
          await client.query("ROLLBACK").catch(() => {});
          throw error;
        }
      });
    } finally {
      client.release();
    }
  }

  /** The index of the documents `catalog` at `version`. */
  private indexOf(settings: State, version: number, catalog: CatalogEntry[]): DatabaseIndex {
    const embeddings = settings.embeddings ?? { provider: this.model.provider, model: this.model.model, dimensions: 0 };
    return {
      manifest: {
        formatVersion: INDEX_FORMAT_VERSION,
        embeddings,
        chunking: settings.chunking ?? this.chunking,
        documents: manifestDocuments(catalog),
        builtAt: new Date().toISOString(),
      },
      documents: new PostgresDocuments(this.pool, new Map(catalog.map((entry) => [entry.id, entry]))),
      vectors: new PostgresPassageVectors(this.model.embeddings, this.pool),
      keywords: new PostgresKeywords(this.pool),
      sentences: new PostgresSentences(this.pool, Number(settings.sentences)),
      saved: databaseVersion(version),
      terms: new PostgresCorpusTerms(this.pool),
    };
  }
}

function savedVersion(index: DatabaseIndex): number {
  return index.saved.version;
}

/**
 * `value` as JSON with every object's keys in order: jsonb gives keys back in an order of its own (shortest
 * first), so settings read from it compare equal to the same settings written only when both are put so.
 */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_, inner: unknown) =>
    inner && typeof inner === "object" && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

function sentencesIn(added: IndexedDocument[]): number {
  return added.reduce((sum, a) => sum + a.sentences.length, 0);
}

function dimensionsOf(added: IndexedDocument[]): number {
  const first = added.find((a) => a.sentences.length > 0);
  return first ? first.sentenceVectors.length / first.sentences.length : 0;
}

/** Takes `ids`' documents out of the database, with their passages, sentences, files and term counts. */
async function deleteDocuments(client: pg.PoolClient, ids: string[]): Promise<void> {
  const held = await heldTerms(client, ids);
  await recordTerms(client, held.tally, held.sentences, -1);
  await countTerms(client, ids, -1);
  await client.query("DELETE FROM qa_documents WHERE id = ANY($1)", [ids]);
  await client.query("DELETE FROM qa_files WHERE document_id = ANY($1)", [ids]);
}

/** Adds (`sign` 1) or takes away (-1) the passages of `documents` to or from each term's count of passages. */
async function countTerms(client: pg.PoolClient, documents: string[], sign: 1 | -1): Promise<void> {
  await client.query(
    `INSERT INTO qa_terms (term, passages)
     SELECT lexeme, $2 * count(*) FROM qa_passages p JOIN qa_passage_terms t ON t.passage_id = p.id, unnest(t.terms)
     WHERE p.document_id = ANY($1) GROUP BY lexeme
     ON CONFLICT (term) DO UPDATE SET passages = qa_terms.passages + excluded.passages`,
    [documents, sign],
  );
  if (sign < 0) await client.query("DELETE FROM qa_terms WHERE passages <= 0");
}

/** Keeps the files of `change`'s added documents that have pages to show. */
async function insertPagedFiles(client: pg.PoolClient, change: IndexChange, files: DocumentFile[]): Promise<void> {
  for (const { document } of change.added) {
    const file = document.layout && files.find((f) => f.path === document.path);
    if (file) await client.query("INSERT INTO qa_files (document_id, bytes) VALUES ($1, $2)", [document.id, file.bytes]);
  }
}

/** Where a document in the database came from, and how its file was read (`readingOf`; null for an upload). */
interface DocumentSource {
  origin: DocumentOrigin;
  reading: string | null;
}

/** Writes one document with its passages (vector and terms) and sentences (vector). */
async function insertDocument(client: pg.PoolClient, indexed: IndexedDocument, { origin, reading }: DocumentSource): Promise<void> {
  const { document, passages, sentences, passageVectors, sentenceVectors } = indexed;
  const dimensions = passages.length > 0 ? passageVectors.length / passages.length : 0;
  // The JSON written is the one fingerprinted, so the catalog's fingerprint tells the document read again from it.
  await client.query(
    "INSERT INTO qa_documents (id, origin, path, sha256, fingerprint, entry, document, reading) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    [
      document.id,
      origin,
      document.path,
      sha256(document.text),
      fingerprintOf(document),
      storedEntryOf(document),
      JSON.stringify(document),
      reading,
    ],
  );
  for (let from = 0; from < passages.length; from += ROWS_PER_INSERT) {
    const rows = passages.slice(from, from + ROWS_PER_INSERT);
    await client.query(
      `INSERT INTO qa_passages (id, document_id, position, start_offset, end_offset, heading, text, embedding)
       SELECT id, $1, position, start_offset, end_offset, heading, text, embedding::vector
       FROM unnest($2::text[], $3::int[], $4::int[], $5::int[], $6::text[], $7::text[], $8::text[])
         AS row (id, position, start_offset, end_offset, heading, text, embedding)`,
      [
        document.id,
        rows.map((p) => p.id),
        rows.map((_, i) => from + i),
        rows.map((p) => p.start),
        rows.map((p) => p.end),
        rows.map((p) => p.heading),
        rows.map((p) => p.text),
        rows.map((_, i) => `[${passageVectors.subarray((from + i) * dimensions, (from + i + 1) * dimensions).join(",")}]`),
      ],
    );
    await client.query(
      `INSERT INTO qa_passage_terms (passage_id, terms)
       SELECT id, ${TERMS_SQL} FROM unnest($1::text[], $2::text[], $3::text[]) AS row (id, text_terms, heading_terms)`,
      [rows.map((p) => p.id), rows.map((p) => contentTerms(p.text).join(" ")), rows.map((p) => contentTerms(p.heading).join(" "))],
    );
  }
  const width = sentences.length > 0 ? sentenceVectors.length / sentences.length : 0;
  for (let from = 0; from < sentences.length; from += ROWS_PER_INSERT) {
    const rows = sentences.slice(from, from + ROWS_PER_INSERT);
    await client.query(
      `INSERT INTO qa_sentences (document_id, position, passage_id, start_offset, end_offset, text, embedding)
       SELECT $1, * FROM unnest($2::int[], $3::text[], $4::int[], $5::int[], $6::text[], $7::bytea[])`,
      [
        document.id,
        rows.map((_, i) => from + i),
        rows.map((s) => s.passageId),
        rows.map((s) => s.start),
        rows.map((s) => s.end),
        rows.map((s) => s.text),
        rows.map((_, i) => {
          const row = sentenceVectors.subarray((from + i) * width, (from + i + 1) * width);
          return Buffer.from(row.buffer, row.byteOffset, row.byteLength);
        }),
      ],
    );
  }
}

/** Every document the database holds, whole: what re-indexing splits and embeds again. */
async function readWholeDocuments(client: pg.PoolClient): Promise<SourceDocument[]> {
  const { rows } = await client.query<{ document: SourceDocument }>("SELECT document FROM qa_documents ORDER BY id");
  return rows.map((row) => row.document);
}
