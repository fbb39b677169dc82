import type { EmbeddingModel } from "../../embeddings/index.js";
import type { ChunkingSettings } from "../../ingest/passages.js";
import type { SourceDocument } from "../../ingest/types.js";
import type { Progress } from "../progress.js";
import type { CorpusIndex } from "../store.js";
import { isEmpty, prepareChange, retryingWhenMoved } from "../updates.js";
import { PostgresIndexStore } from "./store.js";

/**
 * The database's index, brought up to date with the corpus folder's `documents`: re-indexed whole when it
 * was made with another embedding model or chunking (or with `rebuild`), and otherwise only what changed
 * embedded. Servers starting at once take turns: one embeds, the others find it done (or, where the lock does
 * not exclude them, find their commit refused, and look again).
 */
export async function openDatabaseIndex(
  url: string,
  documents: SourceDocument[],
  model: EmbeddingModel,
  chunking: ChunkingSettings,
  progress: Progress,
  { rebuild = false }: { rebuild?: boolean } = {},
): Promise<{ index: CorpusIndex; store: PostgresIndexStore }> {
  const store = await PostgresIndexStore.open(url, model, chunking, progress);
  const update = async (): Promise<CorpusIndex> => {
    await store.fitSettings({ rebuild });
    rebuild = false;
    const index = await store.load();
    const diff = await store.corpusDiff(index, documents);
    return isEmpty(diff) ? index : store.commit(index, await prepareChange(diff, model, chunking, progress), "corpus");
  };
  try {
    const index = await store.exclusively(() => retryingWhenMoved(update));
    progress(`Index in the database: ${index.documents.size} documents, ${index.passages.size} passages.`);
    return { index, store };
  } catch (error) {
    await store.close().catch(() => {});
    throw error;
  }
}
