import { defineConfig } from "vitest/config";

/** Tests over small fixtures only: no encoder, word vectors, server process or browser. Seconds, not minutes. */
const UNIT = [
  "tests/config.test.ts",
  "tests/configuration-doc.unit.test.ts",
  "tests/docx.test.ts",
  "tests/feedback.test.ts",
  "tests/formats.test.ts",
  "tests/ingest.test.ts",
  "tests/ingest-progress.test.ts",
  "tests/scorer.test.ts",
  "tests/short-documents.test.ts",
  "tests/wordnet.test.ts",
  "tests/pdf-reading.test.ts",
  "tests/llm/prompts.test.ts",
  "tests/llm/protocol.test.ts",
  "tests/llm/quotes.test.ts",
  "tests/openai-mapping.test.ts",
  "tests/api-keys.test.ts",
  "tests/client-address.test.ts",
  "tests/module-worker.test.ts",
];

/**
 * Tests that measure how fast the server answers while it works (under load, during a build): run one at a
 * time when nothing else does, since whatever runs beside them moves what they measure.
 */
const ALONE = ["tests/load.test.ts", "tests/build-worker.test.ts"];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: more workers only make the embedding model and the browser fight for them.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: "unit", include: UNIT } },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["tests/**/*.test.ts"],
          exclude: [...UNIT, ...ALONE],
          // Builds the article's index once for every file that needs it.
          globalSetup: ["tests/support/global-setup.ts"],
        },
      },
      {
        extends: true,
        test: {
          name: "alone",
          include: ALONE,
          globalSetup: ["tests/support/global-setup.ts"],
          sequence: { groupOrder: 1 },
          fileParallelism: false,
        },
      },
    ],
  },
});
