import type { RankedPassage } from "../retrieve/hybrid.js";
import type { Prompts } from "./prompts.js";

/**
 * The passages under the short ids the model cites them by (P1, P2, … in rank order): short ids
 * are copied back reliably, and an id outside this map is one the model was never given.
 */
export function labelPassages(passages: RankedPassage[]): Map<string, RankedPassage> {
  return new Map(passages.map((passage, i) => [`P${i + 1}`, passage]));
}

/** Reads a passage id as the model wrote it ("P2", "p2", "[P2]" or 2) back into its label. */
export function normalizeLabel(cited: string | number): string {
  const digits = /^\s*\[?\s*P?\s*(\d+)\s*\]?\s*$/i.exec(String(cited));
  return digits ? `P${Number(digits[1])}` : String(cited);
}

export function renderPassages(labelled: Map<string, RankedPassage>, prompts: Prompts): string {
  return [...labelled].map(([id, passage]) => prompts.fill("passage", { id, section: passage.heading, text: passage.text })).join("\n\n");
}
