import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import type { DocumentInterface } from "@langchain/core/documents";
import { PGVectorStore } from "@langchain/community/vectorstores/pgvector";
import type pg from "pg";
import { reaching } from "../../database/connection.js";
import { PASSAGE_VECTORS } from "../../database/schema.js";

/**
 * LangChain's pgvector store over the passages' vectors (the view `qa_passage_vectors`), searched by cosine
 * distance through the HNSW index. The index's rows are written by the store's own SQL, with their passages,
 * keywords and sentences in one transaction; this only searches.
 */
export class PostgresPassageVectors extends PGVectorStore {
  constructor(embeddings: EmbeddingsInterface, pool: pg.Pool) {
    super(embeddings, { pool, tableName: PASSAGE_VECTORS, distanceStrategy: "cosine", skipInitializationCheck: true });
  }

  override similaritySearchVectorWithScore(
    query: number[],
    k: number,
    filter?: this["FilterType"],
  ): Promise<[DocumentInterface, number][]> {
    return reaching(() => super.similaritySearchVectorWithScore(query, k, filter));
  }
}
