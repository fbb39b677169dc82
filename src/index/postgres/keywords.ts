import type pg from "pg";
import type { KeywordSearch } from "../keywords.js";
import { reaching } from "./database.js";

/**
 * Postgres full-text search over the passages' terms, made by the service's own analyser (so a question's
 * terms meet the passages' as they do in BM25): `ts_rank` with the text weighted 1 and the heading 0.4,
 * as BM25 boosts them, and its length normalisation (divided by 1 + the log of the passage's length).
 */
export class PostgresKeywords implements KeywordSearch {
  constructor(private readonly pool: pg.Pool) {}

  async search(terms: string[], limit: number): Promise<string[]> {
    const query = [...new Set(terms)].map(quoted).join(" | ");
    if (query === "") return [];
    const { rows } = await reaching(() =>
      this.pool.query<{ id: string }>(
        `SELECT id FROM qa_passages, to_tsquery('simple', $1) AS q
         WHERE terms @@ q ORDER BY ts_rank('{0.1, 0.2, 0.4, 1.0}', terms, q, 1) DESC, id LIMIT $2`,
        [query, limit],
      ),
    );
    return rows.map((row) => row.id);
  }
}

/** A term as one lexeme of a tsquery: quoted, with its quotes and backslashes escaped, so no term is read as an operator. */
function quoted(term: string): string {
  return `'${term.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
}

/** The `terms` column of a passage: its text's terms weighted A, its heading's B. */
export const TERMS_SQL = "setweight(to_tsvector('simple', text_terms), 'A') || setweight(to_tsvector('simple', heading_terms), 'B')";
