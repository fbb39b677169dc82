import type pg from "pg";
import type { KeywordSearch } from "../corpus-index.js";
import { reaching } from "../../database/connection.js";

/**
 * Postgres full-text search over the passages' terms, made by the service's own analyser (so a question's
 * terms meet the passages' as they do in BM25), ranked the way the embedded store's BM25 ranks:
 * - each question term counts with the corpus terms it matches: itself, and, for a term over 4 characters,
 *   those within a fifth of its length in edits ("atack" finds "attack"), at 0.45 × length / (length + edits)
 *   of the weight, as MiniSearch weighs its fuzzy matches;
 * - each matched term is weighted by BM25's inverse document frequency, from the passage counts of `qa_terms`;
 * - a passage scores the sum, over matched terms, of that weight times the term's `ts_rank` in it (the text
 *   weighted 1 and the heading 0.4, as BM25 boosts them; divided by 1 + the log of the passage's length).
 * Plain `ts_rank` over the question, without these, put hybrid recall@5 on the golden set 3.9 points below the
 * embedded store's (`npm run bench:pgvector`).
 */
export class PostgresKeywords implements KeywordSearch {
  constructor(private readonly pool: pg.Pool) {}

  async search(terms: string[], limit: number): Promise<string[]> {
    if (terms.length === 0) return [];
    const { rows } = await reaching(() =>
      this.pool.query<{ id: string }>(
        `WITH asked AS (
           SELECT lexeme AS term FROM unnest(to_tsvector('simple', $1))
         ), matched AS (
           SELECT t.term, t.passages, 1.0 AS weight FROM asked a JOIN qa_terms t ON t.term = a.term
           UNION ALL
           SELECT t.term, t.passages, 0.45 * length(a.term) / (length(a.term) + levenshtein(t.term, a.term))
           FROM asked a JOIN qa_terms t
             ON length(a.term) > 4 AND t.term % a.term AND t.term <> a.term
            AND levenshtein(t.term, a.term) <= least(6, round(0.2 * length(a.term)))
         ), weighted AS (
           SELECT plainto_tsquery('simple', term) AS q,
                  sum(weight) * ln(1 + ((SELECT passages FROM qa_state) - passages + 0.5) / (passages + 0.5)) AS w
           FROM matched GROUP BY term, passages
         )
         SELECT p.passage_id AS id FROM qa_passage_terms p JOIN weighted ON p.terms @@ weighted.q
         GROUP BY p.passage_id ORDER BY sum(weighted.w * ts_rank('{0.1, 0.2, 0.4, 1.0}', p.terms, weighted.q, 1)) DESC, p.passage_id
         LIMIT $2`,
        [terms.join(" "), limit],
      ),
    );
    return rows.map((row) => row.id);
  }
}

/** A passage's `qa_passage_terms.terms`: its text's terms weighted A, its heading's B. */
export const TERMS_SQL = "setweight(to_tsvector('simple', text_terms), 'A') || setweight(to_tsvector('simple', heading_terms), 'B')";
