import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import type { CorpusIndex } from "../index/corpus-index.js";
import type { Passage } from "../ingest/types.js";
import { contentTerms } from "../text/terms.js";
import { truncateAtWord } from "../text/truncate.js";

export interface RankedPassage extends Passage {
  /** Reciprocal rank fusion of the vector and keyword ranks, scaled so 1 means first in both. */
  score: number;
}

export interface Retrieval {
  question: string;
  /** The question's embedding, kept for scoring sentences without embedding it twice. */
  questionVector: number[];
  passages: RankedPassage[];
}

/** The usual constant of reciprocal rank fusion: damps the gap between the first few ranks. */
const RRF_K = 60;
export const CANDIDATES = 20;

/**
 * How much of a question the sentence encoder reads. Its time grows with the text (measured here, p50 on an
 * idle 2-core machine: 15-25 ms for 100 characters, 35 ms for 300, 55-60 ms for 500, 90 ms for 2,000; about
 * twice that when busy), and it is one stretch the server cannot interrupt. 300 keeps that stretch near a
 * normal question's cost while every normal question (the golden set's longest is 84) is embedded whole.
 */
export const MAX_EMBEDDED_CHARS = 300;
/**
 * BM25 scores every query term, fuzzily for longer ones; a 2,000-character question has ~150 distinct
 * terms. Normal questions have under a dozen; a longer one is searched by its first 32 distinct terms.
 */
export const MAX_KEYWORD_TERMS = 32;

/** What of a question (or a part of one) is embedded: at most `maxChars` characters, cut at a word boundary. */
export function embeddedText(question: string, maxChars = MAX_EMBEDDED_CHARS): string {
  return truncateAtWord(question, maxChars);
}

/** The terms a question is searched by: all of them, or the first 32 distinct. */
export function keywordTerms(question: string): string[] {
  const terms = contentTerms(question);
  const distinct = [...new Set(terms)];
  return distinct.length > MAX_KEYWORD_TERMS ? distinct.slice(0, MAX_KEYWORD_TERMS) : terms;
}

/** Vector and BM25 candidates, fused by reciprocal rank, so exact terms the model does not know still count. */
export class HybridRetriever {
  constructor(
    private readonly index: CorpusIndex,
    private readonly embeddings: EmbeddingsInterface,
  ) {}

  async retrieve(question: string, k: number): Promise<Retrieval> {
    // Bounded work per request: the question is embedded at most MAX_EMBEDDED_CHARS long, and searched by at
    // most MAX_KEYWORD_TERMS terms, so a question costs no more beyond them however long it is.
    const questionVector = await this.embeddings.embedQuery(embeddedText(question));
    const size = this.index.documents.passageCount;
    // Side by side: with the database store, each is a query of its own.
    const [vectorHits, keywordHits] = await Promise.all([
      size === 0 ? [] : this.index.vectors.similaritySearchVectorWithScore(questionVector, Math.min(CANDIDATES, size)),
      this.index.keywords.search(keywordTerms(question), CANDIDATES),
    ]);

    const fused = new Map<string, number>();
    const add = (id: string, rank: number) => fused.set(id, (fused.get(id) ?? 0) + 1 / (RRF_K + rank + 1));
    vectorHits.forEach(([doc], rank) => add(doc.metadata.passageId as string, rank));
    keywordHits.forEach((id, rank) => add(id, rank));

    const best = 2 / (RRF_K + 1);
    // The vector and keyword indexes are shared with later versions of the index, which may have added passages.
    const held = await this.index.documents.passages(fused.keys());
    const passages = [...fused]
      .filter(([id]) => held.has(id))
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([id, score]) => ({ ...held.get(id)!, score: round(score / best) }));
    return { question, questionVector, passages };
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
