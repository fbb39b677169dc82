import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Config } from "../config.js";
import type { Dataset } from "./dataset.js";

/**
 * Runs `work` with the settings pointed at the dataset's own articles (SQuAD brings them), written
 * and indexed in a temporary folder that is removed afterwards, so DATA_DIR is never touched. A
 * dataset without articles (the golden set) is asked of the configured corpus.
 */
export async function withDatasetCorpus<T>(config: Config, dataset: Dataset, work: (config: Config) => Promise<T>): Promise<T> {
  if (!dataset.documents) return work(config);
  const scratch = await mkdtemp(join(tmpdir(), "grounded-qa-dataset-"));
  try {
    const corpusDir = join(scratch, "corpus");
    for (const doc of dataset.documents) {
      await mkdir(dirname(join(corpusDir, doc.path)), { recursive: true });
      await writeFile(join(corpusDir, doc.path), doc.text);
    }
    return await work({ ...config, corpusDir, dataDir: join(scratch, "data") });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
