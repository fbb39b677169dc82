import type { CorpusIndex } from "../index/store.js";
import type { Sentence } from "../ingest/types.js";
import { contentTerms } from "../retrieve/terms.js";
import { NOT_FOUND_ANSWER, type AnswerRequest, type Answerer, type Citation, type Draft } from "./types.js";

/**
 * How sentence scores combine, and the score below which the answerer declines. Calibrated with
 * `npm run eval -- --calibrate` on the golden set (tests/golden/article.jsonl); see the README.
 */
export interface ExtractiveSettings {
  minScore: number;
  /** A second sentence is added when it scores within this margin of the best. */
  secondSentenceMargin: number;
}

export const DEFAULT_EXTRACTIVE_SETTINGS: ExtractiveSettings = { minScore: 0.5, secondSentenceMargin: 0.06 };

export interface ScoredSentence {
  sentence: Sentence;
  score: number;
  semantic: number;
  coverage: number;
}

/** Answers with the sentences of the retrieved passages that best answer the question, quoted exactly. */
export class ExtractiveAnswerer implements Answerer {
  readonly mode = "extractive" as const;

  constructor(
    private readonly index: CorpusIndex,
    private readonly settings: ExtractiveSettings = DEFAULT_EXTRACTIVE_SETTINGS,
  ) {}

  async answer(request: AnswerRequest): Promise<Draft> {
    const ranked = scoreSentences(this.index, request);
    const best = ranked[0];
    if (!best || best.score < this.settings.minScore) {
      request.onDelta?.(NOT_FOUND_ANSWER);
      return { answer: NOT_FOUND_ANSWER, grounded: false, mode: this.mode, citations: [] };
    }
    const chosen = ranked
      .slice(0, 2)
      .filter((s) => s === best || best.score - s.score <= this.settings.secondSentenceMargin)
      .map((s) => s.sentence)
      .sort((a, b) => a.index - b.index);

    const citations: Citation[] = chosen.map((sentence, i) => ({
      id: i + 1,
      documentId: sentence.documentId,
      title: this.index.documents.get(sentence.documentId)!.title,
      start: sentence.start,
      end: sentence.end,
      quote: sentence.text,
    }));
    const parts = citations.map((c) => `${c.quote} [${c.id}]`);
    parts.forEach((part, i) => request.onDelta?.(i === 0 ? part : ` ${part}`));
    return { answer: parts.join(" "), grounded: true, mode: this.mode, citations };
  }
}

/**
 * Every sentence of the retrieved passages, best first. A sentence's score mixes how close its
 * meaning is to the question (embeddings, with its section heading as context) with how much of
 * the question's rare vocabulary it contains (IDF-weighted term coverage).
 */
export function scoreSentences(index: CorpusIndex, request: Pick<AnswerRequest, "question" | "passages" | "questionVector">): ScoredSentence[] {
  const question = unit(request.questionVector);
  const terms = [...new Set(contentTerms(request.question))];
  const weights = terms.map((t) => index.terms.idf(t));
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const passageIds = new Set(request.passages.map((p) => p.id));

  const scored: ScoredSentence[] = [];
  for (const sentence of index.sentences) {
    if (!passageIds.has(sentence.passageId)) continue;
    const heading = index.passages.get(sentence.passageId)!.heading;
    const semantic = dot(question, index.sentenceVectors[sentence.index]!);
    const headingSemantic = dot(question, index.headingVectors.get(heading)!);
    const own = new Set(contentTerms(sentence.text));
    const context = new Set(contentTerms(heading));
    let covered = 0;
    terms.forEach((term, i) => {
      if (matches(term, own)) covered += weights[i]!;
      else if (matches(term, context)) covered += weights[i]! / 2;
    });
    const coverage = totalWeight > 0 ? covered / totalWeight : 0;
    const score = 0.55 * semantic + 0.15 * headingSemantic + 0.3 * coverage;
    scored.push({ sentence, score, semantic, coverage });
  }
  return scored.sort((a, b) => b.score - a.score);
}

/** Exact term match, or one typo away for longer words ("peple" finds "people"). */
function matches(term: string, terms: Set<string>): boolean {
  if (terms.has(term)) return true;
  if (term.length < 4 || /\d/.test(term)) return false;
  for (const candidate of terms) if (Math.abs(candidate.length - term.length) <= 1 && withinOneEdit(term, candidate)) return true;
  return false;
}

function withinOneEdit(a: string, b: string): boolean {
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    if (++edits > 1) return false;
    if (a.length > b.length) i++;
    else if (b.length > a.length) j++;
    else {
      i++;
      j++;
    }
  }
  return edits + (a.length - i) + (b.length - j) <= 1;
}

function unit(vector: number[]): number[] {
  const norm = Math.hypot(...vector) || 1;
  return vector.map((x) => x / norm);
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}
