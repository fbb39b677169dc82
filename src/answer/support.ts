import type { UnmatchedWord } from "./extractive/features.js";
import type { ExtractiveSettings } from "./extractive/answerer.js";
import type { Support } from "./types.js";

/** What the support of a grounded answer is judged on. */
export interface Evidence {
  confidence: number;
  /** The question's words the quotes and their passages lack. */
  unmatched: UnmatchedWord[];
  /** The question asks for a date, a number or a name, and no quote holds one it does not already say. */
  lacksAskedKind: boolean;
}

/**
 * How a reader should take an answer. A grounded one is `direct` only when the scorer is confident enough,
 * the quote lacks none of the question's rare words ("injured" of a quote about the killed), and it holds
 * the kind of thing asked for (a date for "when"); the rest is the closest the documents come, `related`.
 */
export function supportOf(
  grounded: boolean,
  evidence: Evidence,
  settings: Pick<ExtractiveSettings, "directConfidence" | "directUnmatchedRarity">,
): Support {
  if (!grounded) return "none";
  const lacksRareWord = evidence.unmatched.some((w) => w.rarity >= settings.directUnmatchedRarity);
  return evidence.confidence >= settings.directConfidence && !lacksRareWord && !evidence.lacksAskedKind ? "direct" : "related";
}
