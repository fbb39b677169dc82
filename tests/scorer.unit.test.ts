import { mkdtemp, rm, stat, writeFile, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FEATURE_NAMES } from "../src/answer/extractive/features.js";
import { fitLogistic, logit } from "../src/answer/extractive/logistic.js";
import { AnswerScorer } from "../src/answer/extractive/scorer.js";
import {
  chooseDirectRule,
  chooseThreshold,
  DIRECT_PRECISION,
  heldOutFigures,
  supportFigures,
  type Prediction,
} from "../src/answer/extractive/train.js";
import { supportOf } from "../src/answer/support.js";
import { rocAuc } from "../src/eval/metrics.js";

/** A fixed pseudo-random sequence, so the data is the same on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
}

describe("logistic regression", () => {
  it("learns which feature tells positives from negatives, and gives the same weights every time", () => {
    const next = random(7);
    const rows: number[][] = [];
    const labels: number[] = [];
    for (let i = 0; i < 400; i++) {
      const label = i % 3 === 0 ? 1 : 0;
      rows.push([label + (next() - 0.5) * 1.2, next() * 10]);
      labels.push(label);
    }
    const model = fitLogistic(rows, labels, { l2: 0.001 });
    expect(model.weights[0]).toBeGreaterThan(2);
    expect(Math.abs(model.weights[1]!)).toBeLessThan(model.weights[0]! / 5);
    expect(logit(model, [1, 5])).toBeGreaterThan(0);
    expect(logit(model, [0, 5])).toBeLessThan(0);
    expect(fitLogistic(rows, labels, { l2: 0.001 })).toEqual(model);
  });
});

describe("ROC AUC", () => {
  it("is 1 when every positive scores above every negative, 0.5 for ties, and counts pairs in between", () => {
    expect(rocAuc([0.9, 0.8], [0.1, 0.2])).toBe(1);
    expect(rocAuc([0.5, 0.5], [0.5])).toBe(0.5);
    expect(rocAuc([0.9, 0.3], [0.5, 0.1])).toBe(0.75);
  });
});

describe("held-out figures and the default threshold", () => {
  const prediction = (
    unanswerable: boolean,
    confidence: number,
    positive: boolean,
    second?: { lead: number; positive: boolean },
  ): Prediction => ({
    id: "",
    group: "a",
    unanswerable,
    confidence,
    top: [
      { logit: 2, positive, mentions: positive, unmatchedRarity: 0, lacksKind: false },
      ...(second
        ? [{ logit: 2 - second.lead, positive: second.positive, mentions: second.positive, unmatchedRarity: 0, lacksKind: false }]
        : []),
    ],
  });
  const predictions = [
    prediction(false, 0.9, true),
    prediction(false, 0.7, false, { lead: 0.5, positive: true }),
    prediction(false, 0.3, false, { lead: 3, positive: true }),
    prediction(true, 0.6, false),
    prediction(true, 0.2, false),
    prediction(true, 0.1, false),
  ];

  it("counts a runner-up within the margin as quoted, and one beyond it as not", () => {
    expect(heldOutFigures(predictions, 0.5, 0).sentenceHit).toBeCloseTo(1 / 3);
    expect(heldOutFigures(predictions, 0.5, 1).sentenceHit).toBeCloseTo(2 / 3);
    expect(heldOutFigures(predictions, 0.5, 1).answeredRight).toBeCloseTo(2 / 3);
  });

  it("chooses the threshold that declines the most unanswerable questions within the allowed share of answerable ones", () => {
    const { threshold, curve } = chooseThreshold(predictions, 1, 0.34);
    const chosen = heldOutFigures(predictions, threshold, 1);
    expect(chosen.answerableDeclined).toBeLessThanOrEqual(0.34);
    expect(chosen.unanswerableDeclined).toBe(1);
    expect(curve.every((p) => p.answerableDeclined > 0.34 || p.unanswerableDeclined <= chosen.unanswerableDeclined)).toBe(true);
  });
});

describe("support levels", () => {
  const settings = { directConfidence: 0.6, directUnmatchedRarity: 0.7 };

  it("calls a confident answer direct, a less confident one related, and a decline none", () => {
    const sure = { confidence: 0.8, unmatched: [], lacksAskedKind: false };
    expect(supportOf(true, sure, settings)).toBe("direct");
    expect(supportOf(true, { ...sure, confidence: 0.4 }, settings)).toBe("related");
    expect(supportOf(false, { ...sure, confidence: 0.9 }, settings)).toBe("none");
  });

  it("never calls an answer direct that lacks the date, number or name the question asks for", () => {
    expect(supportOf(true, { confidence: 0.95, unmatched: [], lacksAskedKind: true }, settings)).toBe("related");
  });

  it("never calls an answer direct while its quote lacks a rare question word, however confident", () => {
    const sure = { confidence: 0.95, lacksAskedKind: false };
    expect(supportOf(true, { ...sure, unmatched: [{ word: "injured", rarity: 1 }] }, settings)).toBe("related");
    // A common word the quote lacks does not stand in the way.
    expect(supportOf(true, { ...sure, unmatched: [{ word: "people", rarity: 0.2 }] }, settings)).toBe("direct");
  });

  const held = (unanswerable: boolean, confidence: number, positive: boolean, unmatchedRarity = 0): Prediction => ({
    id: "",
    group: "a",
    unanswerable,
    confidence,
    top: [{ logit: 2, positive, mentions: positive, unmatchedRarity, lacksKind: false }],
  });

  it("chooses the lowest direct threshold at which held-out direct answers are right often enough", () => {
    // Right answers at 0.9, 0.8 and 0.7; wrong ones at 0.65 and 0.5: above 0.65, every direct answer is right.
    const predictions = [
      held(false, 0.9, true),
      held(false, 0.8, true),
      held(true, 0.65, false),
      held(false, 0.7, true),
      held(false, 0.5, false),
    ];
    const { rule, reached } = chooseDirectRule(predictions, 0.1, 1);
    expect(reached).toBe(true);
    const figures = supportFigures(predictions, 0.1, rule, 1);
    expect(figures.directPrecision).toBeGreaterThanOrEqual(DIRECT_PRECISION);
    expect(rule.threshold).toBeGreaterThan(0.65);
    expect(rule.threshold).toBeLessThanOrEqual(0.7);
    expect(figures.directCoverage).toBeCloseTo(3 / 4);
  });

  it("uses the unmatched words when they tell right answers from wrong ones that the confidence cannot", () => {
    // Every wrong answer lacks a rare question word; confidence alone cannot separate them.
    const predictions = [held(false, 0.9, true), held(true, 0.9, false, 1), held(false, 0.8, true, 0.2), held(true, 0.8, false, 0.95)];
    const { rule, reached } = chooseDirectRule(predictions, 0.1, 1);
    expect(reached).toBe(true);
    expect(rule.unmatchedRarity).toBeLessThanOrEqual(0.9);
    expect(supportFigures(predictions, 0.1, rule, 1)).toMatchObject({ directPrecision: 1, directCoverage: 1, unanswerableNotDirect: 1 });
  });
});

describe("the shipped answer scorer", () => {
  const path = "models/answer-scorer.json";

  it("is small, matches the features the code computes, and says what it was trained with and how it did held out", async () => {
    expect((await stat(path)).size).toBeLessThan(5 * 1024 * 1024);
    const { file } = await AnswerScorer.load(path);
    expect(file.features).toEqual([...FEATURE_NAMES]);
    expect(file.embeddings).toEqual({ provider: "local", model: "universal-sentence-encoder-lite" });
    expect(file.threshold).toBeGreaterThan(0);
    expect(file.threshold).toBeLessThan(1);
    expect(file.direct.threshold).toBeGreaterThanOrEqual(file.threshold);
    expect(file.heldOut).toHaveProperty("support");
    expect(file.heldOut).toMatchObject({ method: "leave one article out" });
    expect(Object.keys(file.heldOut.perArticle as object).length).toBeGreaterThanOrEqual(2);
  });

  it("is refused with a clear message when it is missing or was trained on other features", async () => {
    const dir = await mkdtemp(join(tmpdir(), "grounded-qa-scorer-"));
    try {
      await expect(AnswerScorer.load(join(dir, "none.json"))).rejects.toThrow(/npm run train/);
      const other = JSON.parse(await readFile(path, "utf8")) as { features: string[] };
      other.features = other.features.slice(1);
      await writeFile(join(dir, "other.json"), JSON.stringify(other));
      await expect(AnswerScorer.load(join(dir, "other.json"))).rejects.toThrow(/retrain it with npm run train/);
      await writeFile(join(dir, "bad.json"), JSON.stringify({ format: 1 }));
      await expect(AnswerScorer.load(join(dir, "bad.json"))).rejects.toThrow(/not an answer scorer file/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
