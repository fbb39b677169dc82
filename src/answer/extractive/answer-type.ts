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

const NAME = "[\\p{L}\\p{N}][\\p{L}\\p{N}.-]*";
/** "What does ISKP stand for?", "ISKP full name", "What is the Taliban?": the thing to define. */
const DEFINITION_QUESTIONS = [
  new RegExp(`\\bwhat (?:does|do|did) (?:the )?(?:abbreviation |acronym |name )?["“']?(${NAME})["”']? (?:stand|stands) for\\b`, "iu"),
  new RegExp(`\\bfull (?:name|form) of (?:the )?(${NAME})|^\\s*(${NAME}) full (?:name|form)\\b`, "iu"),
  /^\s*(?:what|who) (?:is|are|was|were) (?:an? |the )?([^?,]{2,60}?)\s*\??\s*$/iu,
];

/** The thing a definition question asks to define, or null. */
export function definitionTarget(question: string): string | null {
  for (const pattern of DEFINITION_QUESTIONS) {
    const match = pattern.exec(question);
    const target = match?.slice(1).find((group) => group !== undefined);
    if (target) return target.trim();
  }
  return null;
}

/**
 * How plainly `sentence` defines `target`: 1 for "Long Name (ABBR)", what "what does ABBR stand for"
 * asks; 0.5 for "X, a Y," or "X is a Y"; else 0.
 */
export function definitionStrength(sentence: string, target: string): number {
  const name = target.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  if (new RegExp(`\\(\\s*${name}\\s*\\)`, "iu").test(sentence)) return 1;
  return new RegExp(`\\b${name}\\b(?:,\\s+|\\s+(?:is|are|was|were)\\s+)an?\\s`, "iu").test(sentence) ? 0.5 : 0;
}
