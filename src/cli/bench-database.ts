import pg from "pg";
import { servePglite } from "../dev/pglite.js";

/** The database a benchmark's servers share: DATABASE_URL's, emptied (every table of this service dropped), or PGlite kept in `dir`. */
export async function openBenchDatabase(dir: string): Promise<{ url: string; sizeMb: () => Promise<number>; close: () => Promise<void> }> {
  const given = process.env.DATABASE_URL;
  const pglite = given ? undefined : await servePglite(0, { dataDir: dir });
  const url = given ?? pglite!.url;
  const query = async <T extends pg.QueryResultRow>(sql: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<T>(sql)).rows;
    } finally {
      await client.end();
    }
  };
  if (given)
    await query(
      "DROP TABLE IF EXISTS qa_schema, qa_state, qa_documents, qa_passages, qa_sentences, qa_terms, qa_sentence_terms, qa_feedback, qa_changes, qa_api_keys, qa_files CASCADE",
    );
  return {
    url,
    sizeMb: async () => Number((await query<{ size: string }>("SELECT pg_database_size(current_database()) AS size"))[0]!.size) / 1e6,
    close: async () => pglite?.close(),
  };
}
