import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { standInSettings, type EmbeddingStandIn } from "../dev/embedding-stand-in.js";
import { writeWordNetCorpus } from "../eval/wordnet-corpus.js";

/**
 * The settings of a benchmark's server over `mb` megabytes of WordNet's prose, written under `scratch` (the
 * article's corpus for none), embedded by `standIn`, kept in `store` (the database `databaseUrl`, if given).
 */
export async function benchCorpusSettings(
  scratch: string,
  mb: number | undefined,
  standIn: EmbeddingStandIn,
  store: string,
  databaseUrl?: string,
): Promise<Record<string, string>> {
  const corpusDir = mb ? join(scratch, "corpus") : "corpus";
  if (mb) {
    await mkdir(corpusDir);
    await writeWordNetCorpus(corpusDir, mb * 1_000_000);
  }
  return {
    CORPUS_DIR: corpusDir,
    DATA_DIR: join(scratch, "data"),
    ...standInSettings(standIn),
    VECTOR_STORE: store,
    ...(databaseUrl && { DATABASE_URL: databaseUrl }),
  };
}
