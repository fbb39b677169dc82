import type { Config } from "../config.js";
import type { EmbeddingModel } from "../embeddings/index.js";
import { chunkingOf } from "../ingest/passages.js";
import { FileIndexStore } from "./files/store.js";
import { PostgresIndexStore } from "./postgres/store.js";
import type { Progress } from "../progress.js";
import type { IndexStore } from "./store.js";

/**
 * The store the settings name: files under DATA_DIR, or the Postgres database at DATABASE_URL (connected and
 * its schema brought up to date; StoreUnavailableError when it cannot be). The one place the store is chosen.
 */
export async function openStore(config: Config, model: EmbeddingModel, progress: Progress): Promise<IndexStore> {
  if (config.store.kind === "pgvector") {
    return PostgresIndexStore.connect(config.store.databaseUrl, model, chunkingOf(config), progress, config.corpusDir);
  }
  return new FileIndexStore(config, model, progress);
}
