import type pg from "pg";
import type { KeywordSearch } from "../keywords.js";
import { reaching } from "./database.js";

/**
 * Postgres full-text search over the passages' terms, made by the service's own analyser (so a question's
 * terms meet the passages' as they do in BM25), ranked the way BM25 ranks: each question term's `ts_rank`
 * (the text weighted 1 and the heading 0.4, as BM25 boosts them; divided by 1 + the log of the passage's
 * length) weighted by BM25's inverse document frequency of the term, and summed. Without the term weights,
 * plain `ts_rank` let a term that every passage holds outweigh a rare one: hybrid recall@5 on the golden set
 * was 3.9 points below BM25's, and is 2.0 with them (`npm run bench:pgvector`).
 */
export class PostgresKeywords implements KeywordSearch {
  constructor(private readonly pool: pg.Pool) {}

  async search(terms: string[], limit: number): Promise<string[]> {
    const distinct = [...new Set(terms)].map(quoted);
    if (distinct.length === 0) return [];
    const { rows } = await reaching(() =>
      this.pool.query<{ id: string }>(
        `WITH query AS (
           SELECT DISTINCT to_tsquery('simple', term) AS q FROM unnest($1::text[]) AS term
         ), weighted AS (
           SELECT q, ln(1 + ((SELECT passages FROM qa_state) - df + 0.5) / (df + 0.5)) AS idf
           FROM query, LATERAL (SELECT count(*) AS df FROM qa_passages WHERE terms @@ q) AS counted
         )
         SELECT p.id FROM qa_passages p JOIN weighted w ON p.terms @@ w.q
         GROUP BY p.id ORDER BY sum(w.idf * ts_rank('{0.1, 0.2, 0.4, 1.0}', p.terms, w.q, 1)) DESC, p.id LIMIT $2`,
        [distinct, limit],
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
