import type { Config } from "../config.js";
import type { ApiKeyStore } from "./api-key.js";
import { ApiKeyFile } from "./file-store.js";
import { ApiKeyTable } from "./table-store.js";

/** Keys live beside the index: in the database with VECTOR_STORE=pgvector, under DATA_DIR otherwise. */
export function openApiKeyStore(config: Config): ApiKeyStore {
  return config.store.kind === "pgvector" ? new ApiKeyTable(config.store.databaseUrl) : new ApiKeyFile(config.dataDir);
}
