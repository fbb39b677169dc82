import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { loadConfig } from "../../src/config.js";
import { openPipeline } from "../../src/service.js";

declare module "vitest" {
  export interface ProvidedContext {
    articleDataDir: string;
  }
}

/** Builds the article's index once, so each test file loads it instead of embedding the corpus again. */
export default async function setup(project: TestProject) {
  const dataDir = await mkdtemp(join(tmpdir(), "grounded-qa-test-"));
  await openPipeline(loadConfig({ DATA_DIR: dataDir }));
  project.provide("articleDataDir", dataDir);
  return () => rm(dataDir, { recursive: true, force: true });
}
