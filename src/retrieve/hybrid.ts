import type { Embeddings } from "@langchain/core/embeddings";
import type { CorpusIndex } from "../index/store.js";
import type { Passage } from "../ingest/types.js";

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
const CANDIDATES = 20;

/** Vector and BM25 candidates, fused by reciprocal rank, so exact terms the model does not know still count. */
export class HybridRetriever {
  constructor(
    private readonly index: CorpusIndex,
    private readonly embeddings: Embeddings,
  ) {}

  async retrieve(question: string, k: number): Promise<Retrieval> {
    const questionVector = await this.embeddings.embedQuery(question);
    const size = this.index.passages.size;
    const vectorHits =
      size === 0 ? [] : await this.index.vectors.similaritySearchVectorWithScore(questionVector, Math.min(CANDIDATES, size));
    const keywordHits = this.index.keywords.search(question).slice(0, CANDIDATES);

    const fused = new Map<string, number>();
    const add = (id: string, rank: number) => fused.set(id, (fused.get(id) ?? 0) + 1 / (RRF_K + rank + 1));
    vectorHits.forEach(([doc], rank) => add(doc.metadata.passageId as string, rank));
    keywordHits.forEach((hit, rank) => add(hit.id as string, rank));

    const best = 2 / (RRF_K + 1);
    const passages = [...fused]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([id, score]) => ({ ...this.index.passages.get(id)!, score: round(score / best) }));
    return { question, questionVector, passages };
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
