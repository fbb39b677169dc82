import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AnswerScorer } from "../src/answer/extractive/scorer.js";

/** `npm run train` on a small SQuAD 2.0 file: what a user retraining on their own labelled data runs. */
describe("npm run train", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "grounded-qa-train-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const train = (out: string) =>
    promisify(execFile)(
      process.execPath,
      // The second run reads the first one's question features from the cache: fitting is what must repeat exactly.
      [
        "--import",
        "tsx",
        "src/cli/train.ts",
        "--data",
        "tests/fixtures/squad-sample.json",
        "--out",
        out,
        "--cache",
        join(dir, "features.json"),
      ],
      { env: { ...process.env, DATA_DIR: join(dir, "data"), LLM_PROVIDER: "none" } },
    );

  it("writes a scorer the service loads, with held-out figures per article, and the same weights on a second run", async () => {
    const { stdout } = await train(join(dir, "first.json"));
    expect(stdout).toMatch(/Held out/);
    expect(stdout).toMatch(/ANSWER_MIN_CONFIDENCE/);
    const first = await AnswerScorer.load(join(dir, "first.json"));
    expect(Object.keys(first.file.heldOut.perArticle as object)).toHaveLength(3);
    expect(first.file.training.data).toEqual([expect.objectContaining({ path: "tests/fixtures/squad-sample.json", articles: 3 })]);

    await train(join(dir, "second.json"));
    const second = await AnswerScorer.load(join(dir, "second.json"));
    expect(second.file.ranker).toEqual(first.file.ranker);
    expect(second.file.answerability).toEqual(first.file.answerability);
    expect(second.file.threshold).toBe(first.file.threshold);
  }, 240_000);
});
