import type { RankedPassage } from "../retrieve/hybrid.js";
import type { Span } from "../text/span.js";

type Located = Span & { documentId: string };

/** SQuAD's answer normalization: lower case, no punctuation, no articles, single spaces. */
export function normalizeAnswer(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\p{P}\p{S}]/gu, " ")
    .replace(/\b(a|an|the)\b/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** True when some normalized gold answer appears, as whole words, in the normalized answer. */
export function answerContains(answer: string, golds: string[]): boolean {
  const padded = ` ${normalizeAnswer(answer)} `;
  return golds.some((gold) => {
    const g = normalizeAnswer(gold);
    return g !== "" && padded.includes(` ${g} `);
  });
}

export function covers(outer: Located, inner: Located): boolean {
  return outer.documentId === inner.documentId && outer.start <= inner.start && inner.end <= outer.end;
}

/** 1-based rank of the first passage that contains a gold span, or null. */
export function goldRank(passages: RankedPassage[], spans: Located[]): number | null {
  const i = passages.findIndex((p) => spans.some((s) => covers(p, s)));
  return i < 0 ? null : i + 1;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** A share as a percentage with one decimal: 0.7451 is "74.5%". */
export function pct(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

export function share(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}

/** The probability that a random positive scores above a random negative (ties count half); 0.5 is chance. */
export function rocAuc(positives: number[], negatives: number[]): number {
  if (positives.length === 0 || negatives.length === 0) return 0.5;
  const all = [...positives.map((score) => ({ score, positive: true })), ...negatives.map((score) => ({ score, positive: false }))];
  all.sort((a, b) => a.score - b.score);
  let rankSum = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j]!.score === all[i]!.score) j++;
    const averageRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (all[k]!.positive) rankSum += averageRank;
    i = j;
  }
  return (rankSum - (positives.length * (positives.length + 1)) / 2) / (positives.length * negatives.length);
}
