import { createHash } from "node:crypto";
import type { ChunkingSettings } from "../ingest/passages.js";
import type { SourceDocument } from "../ingest/types.js";

/** Bumped whenever the on-disk layout or the splitting rules change, so old indexes are rebuilt. */
export const INDEX_FORMAT_VERSION = 13;

/** What an index was built from: if any of it differs from now, the index is stale. */
export interface Manifest {
  formatVersion: number;
  embeddings: { provider: string; model: string; dimensions: number };
  chunking: ChunkingSettings;
  documents: { id: string; path: string; sha256: string }[];
  builtAt: string;
  /**
   * Every file of the index folder but the manifest, as written: checked before anything is parsed, so a
   * damaged file rebuilds the index instead of being served. Always written; an index without it is damaged.
   */
  files?: IndexFile[];
}

/** One file of an index folder: its path relative to the folder (with `/`), its size and its SHA-256. */
export interface IndexFile {
  path: string;
  bytes: number;
  sha256: string;
}

export type ManifestKey = Omit<Manifest, "builtAt" | "embeddings" | "files"> & { embeddings: Omit<Manifest["embeddings"], "dimensions"> };

export function manifestKeyFor(
  documents: SourceDocument[],
  embeddings: { provider: string; model: string },
  chunking: ChunkingSettings,
): ManifestKey {
  return {
    formatVersion: INDEX_FORMAT_VERSION,
    embeddings: { provider: embeddings.provider, model: embeddings.model },
    chunking,
    documents: documents.map((doc) => ({ id: doc.id, path: doc.path, sha256: sha256(doc.text) })),
  };
}

/** Why `manifest` does not describe an index built from `key`, or null when it does. */
export function stalenessReason(manifest: Manifest | null, key: ManifestKey): string | null {
  if (!manifest) return "no index yet";
  if (manifest.formatVersion !== key.formatVersion) return "index format changed";
  if (manifest.embeddings.provider !== key.embeddings.provider || manifest.embeddings.model !== key.embeddings.model) {
    return `embedding model changed (${manifest.embeddings.provider}/${manifest.embeddings.model} → ${key.embeddings.provider}/${key.embeddings.model})`;
  }
  if (JSON.stringify(manifest.chunking) !== JSON.stringify(key.chunking)) return "chunking settings changed";
  if (JSON.stringify([...manifest.documents].sort(byPath)) !== JSON.stringify([...key.documents].sort(byPath))) return "corpus changed";
  return null;
}

/** Whether an index of `manifest` can become the index of `key` by adding and removing documents: all else is the same. */
export function differsOnlyInDocuments(manifest: Manifest, key: ManifestKey): boolean {
  return stalenessReason(manifest, { ...key, documents: manifest.documents }) === null;
}

/** One order for a set of documents, whatever order they were added in: that of their paths, as the corpus is read. */
export function byPath(a: { path: string }, b: { path: string }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

export function sha256(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}
