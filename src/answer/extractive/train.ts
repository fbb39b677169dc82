import type { EvalQuestion } from "../../eval/dataset.js";
import { answerContains, covers, rocAuc, share } from "../../eval/metrics.js";
import type { HybridRetriever, RankedPassage } from "../../retrieve/hybrid.js";
import { CandidateData, type AnswererResources } from "./candidate-data.js";
import { analyzeQuestion, candidatesOf, FEATURE_NAMES, featureRows, unmatchedWords, type FeatureResources } from "./features.js";
import { contentTerms } from "../../text/terms.js";
import { fitConditionalLogit, fitLogistic, logit, sigmoid, type LogisticModel } from "./logistic.js";
import { answerabilityRow, rankRows } from "./scorer.js";

/** A question turned into what the scorer learns from: one feature row per candidate sentence. */
export interface TrainingQuestion {
  id: string;
  /** The article it is about: held-out figures never score a question with a model fitted on its article. */
  group: string;
  unanswerable: boolean;
  rows: number[][];
  /** Per row: whether that sentence contains a gold answer span: what the scorer learns. */
  positives: boolean[];
  /** Per row: whether that sentence's text contains a gold answer text, as `npm run eval` counts an answer hit. */
  mentions: boolean[];
  /** Per row: the rarity of the rarest question word that sentence and its passage lack (0 for none), as `support` judges a quote. */
  unmatchedRarity: number[];
  /** Asked of the other articles only: unanswerable by construction, learned from but never counted in figures. */
  offTopic?: boolean;
}

/**
 * Every this many questions about an article, the question is also asked of the other articles alone:
 * a question about something the documents never mention, which SQuAD's unanswerable questions (all
 * written about the article at hand) never show. Few enough not to swamp the real questions.
 */
const OFF_TOPIC_EVERY = 4;

/** Retrieves each question's passages as `POST /ask` does and computes the features of their sentences. */
export async function collectTrainingQuestions(
  questions: EvalQuestion[],
  group: (q: EvalQuestion) => string,
  retriever: HybridRetriever,
  retrieveK: number,
  resources: AnswererResources,
  onProgress: (done: number) => void = () => {},
): Promise<TrainingQuestion[]> {
  const out: TrainingQuestion[] = [];
  for (const [i, q] of questions.entries()) {
    // Retrieved deeper than answering does, so the off-topic question still finds passages of other articles.
    const retrieval = await retriever.retrieve(q.question, retrieveK * 4);
    const data = await CandidateData.read(retrieval.passages, [q.question], resources);
    const features: FeatureResources = { data, wordVectors: resources.wordVectors, wordNet: resources.wordNet };
    const analyzed = analyzeQuestion(q.question, retrieval.questionVector, features);
    const example = (passages: RankedPassage[], offTopic: boolean) => {
      const candidates = candidatesOf(passages.slice(0, retrieveK), data);
      if (candidates.length === 0) return;
      out.push({
        id: offTopic ? `${q.id}:off-topic` : q.id,
        group: group(q),
        unanswerable: q.unanswerable || offTopic,
        rows: featureRows(analyzed, candidates, features),
        positives: candidates.map((c) => !offTopic && q.answerSpans.some((span) => covers(c.sentence, span))),
        mentions: candidates.map((c) => !offTopic && answerContains(c.sentence.text, q.answers)),
        unmatchedRarity: candidates.map((c) => {
          const terms = new Set([...data.passageTerms.get(c.passage.id)!, ...contentTerms(c.sentence.text)]);
          return Math.max(0, ...unmatchedWords(analyzed, terms).map((w) => w.rarity));
        }),
        ...(offTopic && { offTopic }),
      });
    };
    example(retrieval.passages, false);
    if (q.documentId && i % OFF_TOPIC_EVERY === 0)
      example(rankAgain(retrieval.passages.filter((p) => p.documentId !== q.documentId)), true);
    onProgress(i + 1);
  }
  return out;
}

/** Passages with their ranks renumbered from the top, as retrieval would rank them in a corpus without the rest. */
function rankAgain(passages: RankedPassage[]): RankedPassage[] {
  const best = passages[0]?.score ?? 1;
  return passages.map((p) => ({ ...p, score: Math.round((p.score / best) * 1000) / 1000 }));
}

/** The two models of the scorer, fitted together. */
export interface FittedScorer {
  ranker: LogisticModel;
  answerability: LogisticModel;
}

/**
 * The ranker learns which sentence of an answerable question holds the answer; the answerability
 * model learns, from the ranker's best sentence, whether it really answers (false for every
 * unanswerable question, and for answerable ones whose best sentence is wrong).
 */
export function fitScorer(questions: TrainingQuestion[], l2: number): FittedScorer {
  const answerable = questions.filter((q) => !q.unanswerable);
  const ranker = fitConditionalLogit(answerable, { l2 });
  const rows: number[][] = [];
  const labels: number[] = [];
  for (const q of questions) {
    const ranked = rankRows(ranker, q.rows);
    rows.push(answerabilityRow(q.rows, ranked));
    labels.push(q.positives[ranked[0]!.row] ? 1 : 0);
  }
  return { ranker, answerability: fitLogistic(rows, labels, { l2 }) };
}

/** What a fitted scorer makes of one question it was not fitted to. */
export interface Prediction {
  id: string;
  group: string;
  unanswerable: boolean;
  confidence: number;
  /** The ranker's two best sentences: its score, whether it contains a gold answer span and text, and what of the question it lacks. */
  top: { logit: number; positive: boolean; mentions: boolean; unmatchedRarity: number; lacksKind: boolean }[];
}

const KIND_ASKED = FEATURE_NAMES.indexOf("kindAsked");
const KIND_NEW = FEATURE_NAMES.indexOf("kindNew");

export function predict(scorer: FittedScorer, q: TrainingQuestion): Prediction {
  const ranked = rankRows(scorer.ranker, q.rows);
  return {
    id: q.id,
    group: q.group,
    unanswerable: q.unanswerable,
    confidence: sigmoid(logit(scorer.answerability, answerabilityRow(q.rows, ranked))),
    top: ranked.slice(0, 2).map((r) => ({
      logit: r.logit,
      positive: q.positives[r.row]!,
      mentions: q.mentions[r.row]!,
      unmatchedRarity: q.unmatchedRarity[r.row]!,
      lacksKind: q.rows[r.row]![KIND_ASKED]! === 1 && q.rows[r.row]![KIND_NEW]! === 0,
    })),
  };
}

/** Each group's questions predicted by a scorer fitted on all the other groups (leave one article out). */
export function crossValidate(questions: TrainingQuestion[], l2: number): Prediction[] {
  const groups = [...new Set(questions.map((q) => q.group))];
  return groups.flatMap((group) => {
    const scorer = fitScorer(
      questions.filter((q) => q.group !== group),
      l2,
    );
    return questions.filter((q) => q.group === group && !q.offTopic).map((q) => predict(scorer, q));
  });
}

/** Figures of held-out predictions at a decline threshold and a second-sentence margin. */
export interface HeldOutFigures {
  questions: number;
  answerable: number;
  unanswerable: number;
  /** Answerable questions whose quoted sentences (best, and runner-up within the margin) contain the answer span, declined or not. */
  sentenceHit: number;
  /** The same, counted as `npm run eval` counts an answer hit: the gold answer's text appears in a quoted sentence. */
  answerHit: number;
  /** Answerable questions answered (not declined) with a sentence containing the answer. */
  answeredRight: number;
  unanswerableDeclined: number;
  answerableDeclined: number;
  answerabilityAuc: number;
}

export function heldOutFigures(predictions: Prediction[], threshold: number, margin: number): HeldOutFigures {
  const answerable = predictions.filter((p) => !p.unanswerable);
  const unanswerable = predictions.filter((p) => p.unanswerable);
  const quoted = (p: Prediction) => p.top.filter((t) => p.top[0]!.logit - t.logit <= margin);
  const hit = (p: Prediction) => quoted(p).some((t) => t.positive);
  return {
    questions: predictions.length,
    answerable: answerable.length,
    unanswerable: unanswerable.length,
    sentenceHit: share(answerable.filter(hit).length, answerable.length),
    answerHit: share(answerable.filter((p) => quoted(p).some((t) => t.mentions)).length, answerable.length),
    answeredRight: share(answerable.filter((p) => hit(p) && p.confidence >= threshold).length, answerable.length),
    unanswerableDeclined: share(unanswerable.filter((p) => p.confidence < threshold).length, unanswerable.length),
    answerableDeclined: share(answerable.filter((p) => p.confidence < threshold).length, answerable.length),
    answerabilityAuc: rocAuc(
      answerable.map((p) => p.confidence),
      unanswerable.map((p) => p.confidence),
    ),
  };
}

/** Decline thresholds tried when choosing the default: every 0.025 from 0.05 to 0.95. */
const THRESHOLDS = Array.from({ length: 37 }, (_, i) => Math.round((0.05 + i * 0.025) * 1000) / 1000);

/**
 * The default decline threshold: on held-out predictions, the one that best separates answerable from
 * unanswerable questions (declined minus wrongly declined) among those that decline at most
 * `maxAnswerableDeclined` of the answerable ones, since a wrongly declined answer is what users notice most.
 */
export function chooseThreshold(
  predictions: Prediction[],
  margin: number,
  maxAnswerableDeclined: number,
): { threshold: number; curve: (HeldOutFigures & { threshold: number })[] } {
  const curve = THRESHOLDS.map((threshold) => ({ threshold, ...heldOutFigures(predictions, threshold, margin) }));
  const allowed = curve.filter((p) => p.answerableDeclined <= maxAnswerableDeclined);
  const j = (p: HeldOutFigures) => p.unanswerableDeclined - p.answerableDeclined;
  const best = (allowed.length > 0 ? allowed : curve.slice(0, 1)).reduce((a, b) => (j(b) > j(a) ? b : a));
  return { threshold: best.threshold, curve };
}

/** How often the best sentence was right among held-out questions of each confidence band: calibrated means the two agree. */
export function reliability(
  predictions: Prediction[],
): { from: number; to: number; questions: number; meanConfidence: number; right: number }[] {
  const edges = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1];
  return edges.slice(1).map((to, i) => {
    const from = edges[i]!;
    const band = predictions.filter((p) => p.confidence >= from && (p.confidence < to || (to === 1 && p.confidence <= 1)));
    return {
      from,
      to,
      questions: band.length,
      meanConfidence: share(
        band.reduce((sum, p) => sum + p.confidence, 0),
        band.length,
      ),
      right: share(band.filter((p) => !p.unanswerable && p.top[0]!.positive).length, band.length),
    };
  });
}

/** The share of held-out `direct` answers that must be right: the direct threshold is the lowest that reaches it. */
export const DIRECT_PRECISION = 0.8;

/** Rarities tried for the rule that a quote lacking a question word this rare is not direct; above 1, no such rule. */
const UNMATCHED_RARITIES = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01];

/** How held-out answers fall into the support levels, at given thresholds. */
export interface SupportFigures {
  /** Share of answerable questions answered `direct`, and right. */
  directCoverage: number;
  /** Share of `direct` answers that are right (an unanswerable question answered direct is wrong). */
  directPrecision: number;
  directAnswers: number;
  /** The same for `related`: shown as the closest passage, which may not answer. */
  relatedCoverage: number;
  relatedPrecision: number;
  relatedAnswers: number;
  /** Share of unanswerable questions that are not `direct` (declined or related). */
  unanswerableNotDirect: number;
}

export interface DirectRule {
  threshold: number;
  unmatchedRarity: number;
}

export function supportFigures(predictions: Prediction[], minConfidence: number, rule: DirectRule, margin: number): SupportFigures {
  const quoted = (p: Prediction) => p.top.filter((t) => p.top[0]!.logit - t.logit <= margin);
  const right = (p: Prediction) => !p.unanswerable && quoted(p).some((t) => t.positive);
  const grounded = predictions.filter((p) => p.confidence >= minConfidence);
  const isDirect = (p: Prediction) =>
    p.confidence >= rule.threshold &&
    Math.max(...quoted(p).map((t) => t.unmatchedRarity)) < rule.unmatchedRarity &&
    quoted(p).some((t) => !t.lacksKind);
  const direct = grounded.filter(isDirect);
  const related = grounded.filter((p) => !isDirect(p));
  const answerable = predictions.filter((p) => !p.unanswerable).length;
  const unanswerable = predictions.filter((p) => p.unanswerable);
  return {
    directCoverage: share(direct.filter(right).length, answerable),
    directPrecision: share(direct.filter(right).length, direct.length),
    directAnswers: direct.length,
    relatedCoverage: share(related.filter(right).length, answerable),
    relatedPrecision: share(related.filter(right).length, related.length),
    relatedAnswers: related.length,
    unanswerableNotDirect: share(unanswerable.filter((p) => !direct.includes(p)).length, unanswerable.length),
  };
}

/** At most this share of held-out unanswerable questions may be answered `direct`: a wrong answer dressed as a right one. */
export const MAX_UNANSWERABLE_DIRECT = 0.05;

/**
 * The direct rule, chosen on `reference` (held-out predictions of questions like the ones users ask): for
 * each unmatched-word rarity, the lowest threshold at which at least DIRECT_PRECISION of direct answers are
 * right and at most MAX_UNANSWERABLE_DIRECT of unanswerable questions are direct; of those, the pair that
 * answers the most questions directly and right (of equals, the one that lets more words go unmatched).
 * When no pair gets there, the most precise one that still answers some directly.
 */
export function chooseDirectRule(reference: Prediction[], minConfidence: number, margin: number): { rule: DirectRule; reached: boolean } {
  const tried = [...UNMATCHED_RARITIES].reverse().flatMap((unmatchedRarity) =>
    THRESHOLDS.filter((t) => t >= minConfidence).map((threshold) => ({
      rule: { threshold, unmatchedRarity },
      figures: supportFigures(reference, minConfidence, { threshold, unmatchedRarity }, margin),
    })),
  );
  const good = (f: SupportFigures) =>
    f.directAnswers > 0 && f.directPrecision >= DIRECT_PRECISION && 1 - f.unanswerableNotDirect <= MAX_UNANSWERABLE_DIRECT;
  const reaching = UNMATCHED_RARITIES.flatMap((r) => tried.find((t) => t.rule.unmatchedRarity === r && good(t.figures)) ?? []);
  if (reaching.length > 0) {
    const ordered = [...reaching].reverse();
    return { rule: ordered.reduce((a, b) => (b.figures.directCoverage > a.figures.directCoverage ? b : a)).rule, reached: true };
  }
  const answering = tried.filter((t) => t.figures.directAnswers > 0);
  return { rule: answering.reduce((a, b) => (b.figures.directPrecision > a.figures.directPrecision ? b : a)).rule, reached: false };
}
