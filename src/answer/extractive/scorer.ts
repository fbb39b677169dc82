import { readFile } from "node:fs/promises";
import { z } from "zod";
import { FEATURE_NAMES } from "./features.js";
import { logit, sigmoid, type LogisticModel } from "./logistic.js";

const logisticSchema = z.object({
  mean: z.array(z.number()),
  scale: z.array(z.number()),
  weights: z.array(z.number()),
  bias: z.number(),
});

/** `models/answer-scorer.json`, as `npm run train` writes it. */
const scorerSchema = z.object({
  format: z.literal(1),
  features: z.array(z.string()),
  /** Scores each candidate sentence: how likely it holds the answer, relative to the others. */
  ranker: logisticSchema,
  /** From the best sentence's score, its lead over the runner-up and its features: the probability it answers. */
  answerability: logisticSchema,
  /** The default of ANSWER_MIN_CONFIDENCE, chosen on held-out articles. */
  threshold: z.number().min(0).max(1),
  /** When a grounded answer is `direct` rather than `related`, chosen on held-out articles. */
  direct: z.object({
    /** The default of ANSWER_DIRECT_CONFIDENCE. */
    threshold: z.number().min(0).max(1),
    /** A quote that lacks a question word at least this rare (IDF over the highest IDF) is never direct. */
    unmatchedRarity: z.number().min(0),
  }),
  /** A second sentence is quoted when its probability is within this of the best one's. */
  secondSentenceMargin: z.number().min(0).max(1),
  embeddings: z.object({ provider: z.string(), model: z.string() }),
  training: z.record(z.string(), z.unknown()),
  heldOut: z.record(z.string(), z.unknown()),
});

export type ScorerFile = z.infer<typeof scorerSchema>;

/** A ranked candidate: its position in the rows given, and the ranker's score. */
export interface RankedRow {
  row: number;
  logit: number;
}

/** The learned answer scorer: ranks candidate sentences and says how likely the best one answers. */
export class AnswerScorer {
  constructor(readonly file: ScorerFile) {
    const expected = FEATURE_NAMES.join(",");
    if (file.features.join(",") !== expected) {
      throw new Error(`the answer scorer was trained on other features (${file.features.join(", ")}): retrain it with npm run train`);
    }
  }

  static async load(path: string): Promise<AnswerScorer> {
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(path, "utf8"));
    } catch (error) {
      throw new Error(`cannot read the answer scorer ${path}: ${(error as Error).message}; run npm run train or set ANSWER_SCORER`);
    }
    const parsed = scorerSchema.safeParse(raw);
    if (!parsed.success) throw new Error(`${path} is not an answer scorer file: ${parsed.error.issues[0]?.message}`);
    return new AnswerScorer(parsed.data);
  }

  /** The candidates' rows, best first. */
  rank(rows: number[][]): RankedRow[] {
    return rankRows(this.file.ranker, rows);
  }

  /** The probability that the best of `ranked` answers the question. */
  confidence(rows: number[][], ranked: RankedRow[]): number {
    return sigmoid(logit(this.file.answerability, answerabilityRow(rows, ranked)));
  }
}

export function rankRows(ranker: LogisticModel, rows: number[][]): RankedRow[] {
  return rows.map((r, row) => ({ row, logit: logit(ranker, r) })).sort((a, b) => b.logit - a.logit);
}

const MISSING = (["missingExact", "missingName", "missingNumber"] as const).map((name) => FEATURE_NAMES.indexOf(name));

/**
 * What answerability is judged on: the best score, its lead over the runner-up, the best sentence's
 * features, and the least any candidate misses of the question (a name or number no passage has).
 */
export function answerabilityRow(rows: number[][], ranked: RankedRow[]): number[] {
  const [best, second] = ranked;
  if (!best) throw new Error("answerability needs at least one candidate sentence");
  const leastMissing = MISSING.map((j) => Math.min(...rows.map((row) => row[j]!)));
  return [best.logit, best.logit - (second?.logit ?? best.logit - 5), ...rows[best.row]!, ...leastMissing];
}
