import { h } from "./dom.js";

/**
 * Plain words for the calibrated probability that an answer is right, highest band first. The bands are
 * wide on purpose: the scorer is calibrated in tenths, not points, so "63%" and "71%" say the same thing.
 */
const BANDS: { from: number; word: string }[] = [
  { from: 0.85, word: "Very likely" },
  { from: 0.6, word: "Likely" },
  { from: 0.3, word: "Unsure" },
  { from: 0, word: "Doubtful" },
];

export function confidenceWord(confidence: number): string {
  return BANDS.find((band) => confidence >= band.from)!.word;
}

let shown = 0;

/**
 * "Confidence: Likely", with "(77%)" showing while the word is hovered or focused (by keyboard or a tap);
 * a screen reader hears the number as the word's description.
 */
export function confidenceLine(confidence: number): HTMLParagraphElement {
  const id = `confidence-${++shown}`;
  const percent = h("span", { id, class: "confidence-percent", role: "tooltip" }, ` (${Math.round(confidence * 100)}%)`);
  const word = h("span", { class: "confidence-word", tabindex: "0", "aria-describedby": id }, confidenceWord(confidence));
  return h("p", { class: "confidence" }, "Confidence: ", word, percent);
}
