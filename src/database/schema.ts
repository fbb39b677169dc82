import type pg from "pg";

/**
 * The database's tables, as numbered steps. A database holds the step it has reached in `qa_schema`; a
 * server applies the later ones at start. A step is never edited once released: a change is a new step.
 */
const MIGRATIONS: string[] = [
  `CREATE EXTENSION IF NOT EXISTS vector;
   -- For keyword search: terms that nearly match a question's misspelt one (trigrams, then edit distance).
   CREATE EXTENSION IF NOT EXISTS pg_trgm;
   CREATE EXTENSION IF NOT EXISTS fuzzystrmatch;
   -- One row: how many changes the index has had (servers poll it), how many passages it holds (for term
   -- rarity), and what its vectors and passages were made with.
   CREATE TABLE qa_state (
     singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
     version bigint NOT NULL,
     passages bigint NOT NULL DEFAULT 0,
     embeddings jsonb,
     chunking jsonb
   );
   INSERT INTO qa_state (version) VALUES (0);
   -- A document with its text: every offset below points into document->>'text'.
   CREATE TABLE qa_documents (
     id text PRIMARY KEY,
     origin text NOT NULL CHECK (origin IN ('corpus', 'upload')),
     path text NOT NULL,
     sha256 text NOT NULL,
     -- json, not jsonb: read back exactly as written, so an unchanged document compares equal.
     document json NOT NULL
   );
   CREATE TABLE qa_passages (
     id text PRIMARY KEY,
     document_id text NOT NULL REFERENCES qa_documents (id) ON DELETE CASCADE,
     position integer NOT NULL,
     start_offset integer NOT NULL,
     end_offset integer NOT NULL,
     heading text NOT NULL,
     text text NOT NULL,
     embedding vector NOT NULL,
     -- The passage's terms as the service makes them (stemmed, no stop words), the text's weighted A, the heading's B.
     terms tsvector NOT NULL
   );
   CREATE INDEX qa_passages_document ON qa_passages (document_id);
   CREATE INDEX qa_passages_terms ON qa_passages USING gin (terms);
   CREATE TABLE qa_sentences (
     document_id text NOT NULL REFERENCES qa_documents (id) ON DELETE CASCADE,
     position integer NOT NULL,
     passage_id text NOT NULL,
     start_offset integer NOT NULL,
     end_offset integer NOT NULL,
     text text NOT NULL,
     -- Float32, little-endian: the answerer reads these whole, never searches them.
     embedding bytea NOT NULL,
     PRIMARY KEY (document_id, position)
   );
   -- Every term the passages hold, and how many passages hold it: BM25's document frequency.
   CREATE TABLE qa_terms (
     term text PRIMARY KEY,
     passages integer NOT NULL
   );
   CREATE INDEX qa_terms_trigrams ON qa_terms USING gin (term gin_trgm_ops);
   -- Readers' verdicts on answers (POST /feedback), from every server.
   CREATE TABLE qa_feedback (
     id bigserial PRIMARY KEY,
     received_at timestamptz NOT NULL,
     verdict text NOT NULL,
     entry json NOT NULL
   );
   -- What each version changed, so a server that read version n loads only what changed since.
   CREATE TABLE qa_changes (
     version bigint PRIMARY KEY,
     added text[] NOT NULL,
     removed text[] NOT NULL,
     committed_at timestamptz NOT NULL DEFAULT now()
   );`,
  // API keys (npm run keys), shared by every server: each key only as its SHA-256, in hex.
  `CREATE TABLE qa_api_keys (
     name text PRIMARY KEY,
     role text NOT NULL CHECK (role IN ('read', 'write')),
     sha256 text NOT NULL UNIQUE,
     created_at timestamptz NOT NULL,
     last_used_at timestamptz
   );`,
  // The files of uploaded PDFs and images, whose pages the page view shows (the corpus folder holds the
  // corpus's own). No foreign key: re-indexing replaces every document row, and the files stay.
  `CREATE TABLE qa_files (
     document_id text PRIMARY KEY,
     bytes bytea NOT NULL
   );`,
  // What the answerer reads per question, so a server holds neither sentence vectors nor term counts: each
  // term's count of sentences (a heading's terms count in headings), and a word of the corpus for it (its
  // meaning is looked up by that word); the sentences of a retrieved passage, found by its id, and those
  // around a citation, by their offsets.
  `CREATE TABLE qa_sentence_terms (
     term text PRIMARY KEY,
     word text NOT NULL,
     sentences integer NOT NULL,
     headings integer NOT NULL
   );
   CREATE INDEX qa_sentences_passage ON qa_sentences (passage_id);
   CREATE INDEX qa_sentences_start ON qa_sentences (document_id, start_offset);
   -- How many sentences the index holds; NULL while the counts above are still to be made for what it holds.
   ALTER TABLE qa_state ADD COLUMN sentences bigint;
   UPDATE qa_state SET sentences = 0 WHERE NOT EXISTS (SELECT FROM qa_sentences);`,
  // What a server holds of each document (its catalog entry), so a start reads no document's text: its
  // title, format, size, length and page starts, and the SHA-256 of the document's JSON as written, which
  // tells whether a file read again changed. (A length made here counts code points, one made by a server
  // UTF-16 units: it only weighs a change against the corpus.) The passages whose heading is a question, for
  // the example questions, are indexed so finding them reads no other passage.
  `ALTER TABLE qa_documents ADD COLUMN fingerprint text, ADD COLUMN entry json;
   UPDATE qa_documents SET
     fingerprint = encode(sha256(convert_to(document::text, 'UTF8')), 'hex'),
     entry = json_build_object(
       'title', document->'title', 'format', document->'format', 'bytes', document->'bytes',
       'characters', length(document->>'text'), 'pageStarts', document->'pageStarts');
   ALTER TABLE qa_documents ALTER COLUMN fingerprint SET NOT NULL, ALTER COLUMN entry SET NOT NULL;
   CREATE INDEX qa_passages_question_headings ON qa_passages (document_id, position) WHERE heading ~ '\\?\\s*$';`,
  // How a corpus document's file was read (`readingOf`: its bytes and the reading settings), so a start need
  // not read a file that reads the same again. NULL for uploads, and until a start reads the file once more.
  `ALTER TABLE qa_documents ADD COLUMN reading text;`,
  // The passages' terms in a table of their own, so keyword search reads a narrow row per match: kept
  // beside the text and vector, each tsvector was stored out of line, and a search at 200,000 passages
  // spent most of its time fetching them (keyword p50 44 ms here, 22-35 ms from this table).
  `CREATE TABLE qa_passage_terms (
     passage_id text PRIMARY KEY REFERENCES qa_passages (id) ON DELETE CASCADE,
     terms tsvector NOT NULL
   );
   INSERT INTO qa_passage_terms (passage_id, terms) SELECT id, terms FROM qa_passages;
   CREATE INDEX qa_passage_terms_terms ON qa_passage_terms USING gin (terms);
   DROP INDEX qa_passages_terms;
   ALTER TABLE qa_passages DROP COLUMN terms;`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** The view the vector search reads. */
export const PASSAGE_VECTORS = "qa_passage_vectors";

/** Advisory lock keys of this service: one for migrating, one for changing the index. */
export const LOCKS = { migrate: 727_100_1, change: 727_100_2 } as const;

/**
 * Lets go of the advisory lock `key` that `client` holds and returns the connection to its pool; a connection
 * that cannot unlock (it broke) is closed instead, which lets go of the lock with it.
 */
export async function releaseLock(client: pg.PoolClient, key: number): Promise<void> {
  const unlocked = await client.query("SELECT pg_advisory_unlock($1)", [key]).then(
    () => true,
    () => false,
  );
  client.release(!unlocked);
}

/**
 * Brings the schema up to SCHEMA_VERSION. Several servers may start at once: they take turns on an
 * advisory lock, and each step runs in its own transaction, so a step is applied once, whole.
 */
export async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [LOCKS.migrate]);
    await client.query("CREATE TABLE IF NOT EXISTS qa_schema (version integer NOT NULL)");
    await client.query("INSERT INTO qa_schema (version) SELECT 0 WHERE NOT EXISTS (SELECT FROM qa_schema)");
    // Each step reads the version again inside its transaction: where the advisory lock cannot exclude
    // (PGlite serves every connection in one session), transactions still do.
    for (;;) {
      await client.query("BEGIN");
      try {
        const { rows } = await client.query<{ version: number }>("SELECT version FROM qa_schema FOR UPDATE");
        const reached = rows[0]!.version;
        if (reached > SCHEMA_VERSION) {
          throw new Error(`the database's schema is version ${reached}, newer than this server's ${SCHEMA_VERSION}: upgrade the server`);
        }
        if (reached === SCHEMA_VERSION) {
          await client.query("COMMIT");
          return;
        }
        await client.query(MIGRATIONS[reached]!);
        await client.query("UPDATE qa_schema SET version = $1", [reached + 1]);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        throw error;
      }
    }
  } finally {
    await releaseLock(client, LOCKS.migrate);
  }
}

/**
 * Gives the passages' vector column `dimensions`, with no index over it until `indexVectors` (pgvector
 * indexes only a column of fixed dimensions); the caller has emptied the table when the dimensions change.
 */
export async function fitVectorColumn(client: pg.PoolClient, dimensions: number): Promise<void> {
  await client.query(`DROP VIEW IF EXISTS ${PASSAGE_VECTORS}`);
  await client.query("DROP INDEX IF EXISTS qa_passages_embedding");
  await client.query(`ALTER TABLE qa_passages ALTER COLUMN embedding TYPE vector(${Math.trunc(dimensions)})`);
  // What LangChain's PGVectorStore reads: its id, content, metadata and vector columns, and nothing else.
  await client.query(
    `CREATE VIEW ${PASSAGE_VECTORS} AS SELECT id, text, jsonb_build_object('passageId', id) AS metadata, embedding FROM qa_passages`,
  );
}

/**
 * The HNSW index over the passages' vectors, made once the rows a first build or a re-index writes are in:
 * built over them at once rather than updated a row at a time.
 */
export async function indexVectors(client: pg.PoolClient): Promise<void> {
  await client.query("CREATE INDEX qa_passages_embedding ON qa_passages USING hnsw (embedding vector_cosine_ops)");
}

/**
 * Gathers the planner's statistics of the tables a large change fills, in its transaction, so the first
 * questions after it are planned for the rows it wrote: Postgres's autovacuum would gather them later, PGlite's
 * never does (at 200,000 passages, unanalysed, the sentences of the retrieved passages took twice as long to read).
 */
export async function analyzeIndexTables(client: pg.PoolClient): Promise<void> {
  await client.query("ANALYZE qa_documents, qa_passages, qa_passage_terms, qa_sentences, qa_terms, qa_sentence_terms");
}
