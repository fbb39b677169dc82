import type pg from "pg";
import { reaching } from "../../database/connection.js";
import type { IndexedDocument } from "../change.js";
import type { CorpusTerms, IndexSentences, SentenceWithVector, TermCounts } from "../corpus-index.js";
import type { Passage, Sentence } from "../../ingest/types.js";
import { contentWords } from "../../text/terms.js";

/**
 * The index's sentences as the database holds them (`qa_sentences`), read when needed: a retrieved passage's
 * with their vectors, or the few around a citation. `Sentence.index` is the sentence's position in its document.
 */
export class PostgresSentences implements IndexSentences {
  constructor(
    private readonly pool: pg.Pool,
    readonly count: number,
  ) {}

  async ofPassages(passages: Passage[]): Promise<Map<string, SentenceWithVector[]>> {
    const byId = new Map(passages.map((p) => [p.id, p]));
    const held = new Map(passages.map((p): [string, SentenceWithVector[]] => [p.id, []]));
    if (passages.length === 0) return held;
    const { rows } = await reaching(() =>
      this.pool.query<{
        document_id: string;
        passage_id: string;
        position: number;
        start_offset: number;
        end_offset: number;
        text: string;
        embedding: Buffer;
      }>(
        `SELECT document_id, passage_id, position, start_offset, end_offset, text, embedding
         FROM qa_sentences WHERE passage_id = ANY($1) ORDER BY document_id, position`,
        [[...byId.keys()]],
      ),
    );
    for (const row of rows) {
      const passage = byId.get(row.passage_id)!;
      const text = passage.text.slice(row.start_offset - passage.start, row.end_offset - passage.start);
      // A replaced document keeps its passages' ids: only its text at the same place is this passage's sentence.
      if (row.document_id !== passage.documentId || text !== row.text) continue;
      const bytes = row.embedding;
      held.get(passage.id)!.push({
        sentence: {
          index: row.position,
          documentId: row.document_id,
          passageId: row.passage_id,
          start: row.start_offset,
          end: row.end_offset,
          text,
        },
        vector: new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)),
      });
    }
    return held;
  }

  async around(documentId: string, offset: number): Promise<{ sentence: Sentence; previous?: Sentence } | undefined> {
    const { rows } = await reaching(() =>
      this.pool.query<{ position: number; passage_id: string; start_offset: number; end_offset: number; text: string }>(
        `SELECT position, passage_id, start_offset, end_offset, text FROM qa_sentences
         WHERE document_id = $1 AND start_offset <= $2 ORDER BY start_offset DESC LIMIT 2`,
        [documentId, offset],
      ),
    );
    const [sentence, previous] = rows.map(
      (row): Sentence => ({
        index: row.position,
        documentId,
        passageId: row.passage_id,
        start: row.start_offset,
        end: row.end_offset,
        text: row.text,
      }),
    );
    if (!sentence || sentence.end <= offset) return undefined;
    return { sentence, ...(previous && { previous }) };
  }

  /** Added sentences are written with their document, and read from there; the store gives the count after. */
  after(): PostgresSentences {
    return this;
  }
}

/** The answerer's term counts as the database keeps them with each change (`qa_sentence_terms`). */
export class PostgresCorpusTerms implements CorpusTerms {
  constructor(private readonly pool: pg.Pool) {}

  async count(terms: Iterable<string>): Promise<TermCounts> {
    const { rows } = await reaching(() =>
      this.pool.query<{ total: string | null; term: string | null; word: string | null; sentences: number | null }>(
        `SELECT s.sentences AS total, t.term, t.word, t.sentences
         FROM qa_state s LEFT JOIN qa_sentence_terms t ON t.term = ANY($1)`,
        [[...new Set(terms)]],
      ),
    );
    const counts: TermCounts = { sentences: Number(rows[0]?.total ?? 0), terms: new Map() };
    for (const row of rows) if (row.term !== null) counts.terms.set(row.term, { word: row.word!, sentences: row.sentences! });
    return counts;
  }
}

/** One term's counts in some sentences and headings, and the first word of them that stands for it. */
export interface TermTally {
  word: string;
  sentences: number;
  headings: number;
}

/** The term counts of `documents`' sentences and passage headings, in their order, added to `tally`'s. */
export function tallyTerms(
  documents: {
    sentences: Pick<IndexedDocument["sentences"][number], "text">[];
    passages: Pick<IndexedDocument["passages"][number], "heading">[];
  }[],
  tally = new Map<string, TermTally>(),
): Map<string, TermTally> {
  const count = (text: string, field: "sentences" | "headings") => {
    const seen = new Set<string>();
    for (const { term, word } of contentWords(text)) {
      if (seen.has(term)) continue;
      seen.add(term);
      const known = tally.get(term) ?? { word, sentences: 0, headings: 0 };
      known[field]++;
      tally.set(term, known);
    }
  };
  for (const document of documents) {
    for (const sentence of document.sentences) count(sentence.text, "sentences");
    for (const passage of document.passages) count(passage.heading, "headings");
  }
  return tally;
}

/**
 * Adds (`sign` 1) or takes away (-1) `tally` to or from the database's term counts, and `sentences` to or
 * from its count of sentences; a term no sentence or heading holds any more goes.
 */
export async function recordTerms(client: pg.ClientBase, tally: Map<string, TermTally>, sentences: number, sign: 1 | -1): Promise<void> {
  const entries = [...tally];
  const batch = 5000;
  for (let from = 0; from < entries.length; from += batch) {
    const rows = entries.slice(from, from + batch);
    await client.query(
      `INSERT INTO qa_sentence_terms (term, word, sentences, headings)
       SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::int[])
       ON CONFLICT (term) DO UPDATE SET
         sentences = qa_sentence_terms.sentences + excluded.sentences,
         headings = qa_sentence_terms.headings + excluded.headings`,
      [
        rows.map(([term]) => term),
        rows.map(([, t]) => t.word),
        rows.map(([, t]) => sign * t.sentences),
        rows.map(([, t]) => sign * t.headings),
      ],
    );
  }
  if (sign < 0) await client.query("DELETE FROM qa_sentence_terms WHERE sentences <= 0 AND headings <= 0");
  await client.query("UPDATE qa_state SET sentences = sentences + $1", [sign * sentences]);
}

/** The term counts of what the database holds of `documents` (all, with null), and how many sentences that is. */
export async function heldTerms(
  client: pg.ClientBase,
  documents: string[] | null,
): Promise<{ tally: Map<string, TermTally>; sentences: number }> {
  const which = documents === null ? "" : "WHERE document_id = ANY($1)";
  const parameters = documents === null ? [] : [documents];
  const sentences = await client.query<{ text: string }>(
    `SELECT text FROM qa_sentences ${which} ORDER BY document_id, position`,
    parameters,
  );
  const passages = await client.query<{ heading: string }>(
    `SELECT heading FROM qa_passages ${which} ORDER BY document_id, position`,
    parameters,
  );
  return {
    tally: tallyTerms([{ sentences: sentences.rows, passages: passages.rows }]),
    sentences: sentences.rows.length,
  };
}
