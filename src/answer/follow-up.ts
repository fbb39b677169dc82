import { contentTerms } from "../text/terms.js";
import type { QuestionCondenser } from "./ask.js";

/** Words that point back at something said before ("When did it happen?", "Why did they do that?"). */
const REFERS_BACK = /\b(it|its|they|them|their|this|that|these|those|he|him|his|she|her|there|then|so)\b/i;

/**
 * The offline way to make a follow-up stand alone: when it refers back, or names too little to search
 * on, the last question the user asked is appended to it. The follow-up comes first, so its own
 * wording decides what kind of answer is wanted.
 */
export const appendPreviousQuestion: QuestionCondenser = async (question, history) => {
  const previous = history.findLast((turn) => turn.role === "user")?.content.trim();
  if (!previous) return question;
  const dependent = REFERS_BACK.test(question) || contentTerms(question).length < 2;
  return dependent ? `${question.trim()} ${previous}` : question;
};
