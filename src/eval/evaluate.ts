import { ask, type AskPipeline } from "../answer/ask.js";
import { exactCitations } from "../answer/citations.js";
import type { Citation, Support } from "../answer/types.js";
import type { EvalQuestion } from "./dataset.js";
import { answerContains, covers, goldRank, percentile, rocAuc, share } from "./metrics.js";

export interface QuestionResult {
  id: string;
  question: string;
  kind?: string;
  article?: string;
  unanswerable: boolean;
  answer: string;
  grounded: boolean;
  answerHit: boolean;
  citationHit: boolean;
  goldRank: number | null;
  invalidCitations: Citation[];
  citations: number;
  latencyMs: number;
  /** The response's calibrated probability that the answer is right. */
  confidence: number;
  support: Support;
  unmatched: string[];
}

export interface Summary {
  questions: number;
  answerable: number;
  unanswerable: number;
  k: number;
  recallAtK: number;
  mrr: number;
  answerHit: number;
  citationHit: number;
  citationValidity: number;
  unanswerableDeclined: number;
  answerableWronglyDeclined: number;
  /** How well `confidence` ranks answerable above unanswerable questions (ROC AUC; 0.5 is chance). */
  answerabilityAuc: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
  /** For `direct` and `related` answers: how many there were, the share right (answer hit), and the share of answerable questions they answered right. */
  direct: LevelFigures;
  related: LevelFigures;
  /** Unanswerable questions shown `direct`: each is a wrong answer dressed as a right one. */
  unanswerableDirect: number;
}

export interface LevelFigures {
  answers: number;
  precision: number;
  coverage: number;
}

export interface EvaluateOptions {
  onProgress?: (done: number, total: number) => void;
}

/** Asks every question through the same path as `POST /ask` and scores the answers against the gold. */
export async function evaluate(
  pipeline: AskPipeline,
  questions: EvalQuestion[],
  options: EvaluateOptions = {},
): Promise<{ results: QuestionResult[]; summary: Summary }> {
  const results: QuestionResult[] = [];
  for (const q of questions) {
    const response = await ask(pipeline, { question: q.question });
    const exact = new Set(await exactCitations(pipeline.index, response.citations));
    results.push({
      id: q.id,
      question: q.question,
      kind: q.kind,
      article: q.article,
      unanswerable: q.unanswerable,
      answer: response.answer,
      grounded: response.grounded,
      answerHit: response.grounded && answerContains(response.answer, q.answers),
      citationHit: response.citations.some((c) => q.answerSpans.some((span) => covers(c, span))),
      goldRank: goldRank(response.passages, q.answerSpans),
      invalidCitations: response.citations.filter((c) => !exact.has(c)),
      citations: response.citations.length,
      latencyMs: response.timings.totalMs,
      confidence: response.confidence,
      support: response.support,
      unmatched: response.unmatched,
    });
    options.onProgress?.(results.length, questions.length);
  }
  return { results, summary: summarize(results, pipeline.retrieveK) };
}

export function summarize(results: QuestionResult[], k: number): Summary {
  const answerable = results.filter((r) => !r.unanswerable);
  const unanswerable = results.filter((r) => r.unanswerable);
  const citations = results.reduce((n, r) => n + r.citations, 0);
  const invalid = results.reduce((n, r) => n + r.invalidCitations.length, 0);
  const latencies = results.map((r) => r.latencyMs);
  return {
    questions: results.length,
    answerable: answerable.length,
    unanswerable: unanswerable.length,
    k,
    recallAtK: share(answerable.filter((r) => r.goldRank !== null).length, answerable.length),
    mrr: share(
      answerable.reduce((sum, r) => sum + (r.goldRank ? 1 / r.goldRank : 0), 0),
      answerable.length,
    ),
    answerHit: share(answerable.filter((r) => r.answerHit).length, answerable.length),
    citationHit: share(answerable.filter((r) => r.citationHit).length, answerable.length),
    citationValidity: citations === 0 ? 1 : (citations - invalid) / citations,
    unanswerableDeclined: share(unanswerable.filter((r) => !r.grounded).length, unanswerable.length),
    answerableWronglyDeclined: share(answerable.filter((r) => !r.grounded).length, answerable.length),
    answerabilityAuc: rocAuc(
      answerable.map((r) => r.confidence),
      unanswerable.map((r) => r.confidence),
    ),
    latencyP50Ms: percentile(latencies, 50),
    latencyP95Ms: percentile(latencies, 95),
    direct: levelFigures(results, "direct"),
    related: levelFigures(results, "related"),
    unanswerableDirect: unanswerable.filter((r) => r.support === "direct").length,
  };
}

function levelFigures(results: QuestionResult[], level: Support): LevelFigures {
  const at = results.filter((r) => r.support === level);
  const right = at.filter((r) => !r.unanswerable && r.answerHit).length;
  return { answers: at.length, precision: share(right, at.length), coverage: share(right, results.filter((r) => !r.unanswerable).length) };
}

/** The summary of each article's questions (SQuAD), by article title. */
export function summarizeByArticle(results: QuestionResult[], k: number): Map<string, Summary> {
  const groups = new Map<string, QuestionResult[]>();
  for (const r of results) if (r.article !== undefined) groups.set(r.article, [...(groups.get(r.article) ?? []), r]);
  return new Map([...groups].map(([article, rs]) => [article, summarize(rs, k)]));
}

/** Youden's J values this close count as equally good separations. */
const J_TOLERANCE = 0.01;

export interface ThresholdPoint {
  threshold: number;
  /** Share of unanswerable questions declined at this threshold. */
  declined: number;
  /** Share of answerable questions declined at this threshold. */
  wronglyDeclined: number;
}

/**
 * The trade-off between declining unanswerable and answerable questions as ANSWER_MIN_CONFIDENCE
 * rises, and the threshold that separates them best (Youden's J: declined minus wrongly declined;
 * the lowest of the thresholds within J_TOLERANCE of the best).
 */
export function calibrateThreshold(results: QuestionResult[]): { best: ThresholdPoint; curve: ThresholdPoint[] } {
  const answerable = results.filter((r) => !r.unanswerable).map((r) => r.confidence);
  const unanswerable = results.filter((r) => r.unanswerable).map((r) => r.confidence);
  const scores = [...new Set([...answerable, ...unanswerable])].sort((a, b) => a - b);
  // Midway between neighbouring scores, so no threshold sits on one question's score.
  const curve = scores.map((score, i): ThresholdPoint => {
    const threshold = Math.round((i === 0 ? score - 1e-3 : (scores[i - 1]! + score) / 2) * 1000) / 1000;
    return {
      threshold,
      declined: share(unanswerable.filter((s) => s < threshold).length, unanswerable.length),
      wronglyDeclined: share(answerable.filter((s) => s < threshold).length, answerable.length),
    };
  });
  const j = (p: ThresholdPoint) => p.declined - p.wronglyDeclined;
  const bestJ = Math.max(...curve.map(j));
  // Among thresholds that separate (nearly) as well, the lowest: wrongly declining is what users notice most.
  const best = curve.find((p) => j(p) >= bestJ - J_TOLERANCE)!;
  return { best, curve };
}
