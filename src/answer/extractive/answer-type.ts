import type { AnswerKind } from "../../text/entities.js";

/** What the question's wording asks for: a number, a date, or a name (of a person, place or group). */
const QUESTION_PATTERNS: [AnswerKind, RegExp][] = [
  ["quantity", /\bhow (many|much|large|big|long|far|old)\b|\bnumber of\b|\bwhat (number|percentage|size|amount)\b|\bsize\b|\bestimat/i],
  ["time", /\bwhen\b|\b(what|which) (year|date|month|day|time|decade|century)\b|\bsince (when|what)\b/i],
  [
    "name",
    /\bwho\b|\bwhose\b|\bwhom\b|\bwhere\b|\b(what|which) (person|expert|author|scholar|official|country|city|region|place|town|river|area|group|organi[sz]ation|company|party)\b/i,
  ],
];

/** What the question's first sentence asks for; a follow-up's appended context does not count. */
export function expectedAnswerKind(question: string): AnswerKind | null {
  const own = question.split(/(?<=\?)\s/)[0]!;
  return QUESTION_PATTERNS.find(([, pattern]) => pattern.test(own))?.[0] ?? null;
}

/** "What does ISKP stand for?", "What is the Taliban?": the thing to define, or null. */
export function definitionTarget(question: string): string | null {
  const match =
    /\bwhat (?:does|do|did) (?:the )?(?:abbreviation |acronym |name )?["“']?([\p{L}\p{N}][\p{L}\p{N}.-]*)["”']? (?:stand|stands) for\b/iu.exec(question) ??
    /^\s*(?:what|who) (?:is|are|was|were) (?:an? |the )?([^?,]{2,60}?)\s*\??\s*$/iu.exec(question);
  return match?.[1]?.trim() ?? null;
}

/**
 * Whether `sentence` defines `target` the way definitions are written: "Long Name (ABBR)",
 * "X, a Y," or "X is a Y".
 */
export function defines(sentence: string, target: string): boolean {
  const name = target.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(
    `\\(\\s*${name}\\s*\\)|\\b${name}\\b,\\s+(?:an?|the)\\s|\\b${name}\\b\\s+(?:is|are|was|were)\\s+(?:an?|the|one)\\s`,
    "iu",
  ).test(sentence);
}
