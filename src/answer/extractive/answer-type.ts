/** The kind of thing a question asks for, when its wording says so. */
export type AnswerType = "quantity" | "time" | "person" | "place";

const QUESTION_PATTERNS: [AnswerType, RegExp][] = [
  ["quantity", /\bhow (many|much|large|big|long|far|old)\b|\bnumber of\b|\bwhat (number|percentage|size|amount)\b|\bsize\b|\bestimat/i],
  ["time", /\bwhen\b|\b(what|which) (year|date|month|day|time|decade|century)\b|\bsince (when|what)\b/i],
  ["person", /\bwho\b|\bwhose\b|\bwhom\b|\b(what|which) (person|expert|author|scholar|official)\b/i],
  ["place", /\bwhere\b|\b(what|which) (country|city|region|place|town|river|area)\b/i],
];

const MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December";
const NUMBER_WORDS = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|hundreds|thousand|thousands|million|millions|billion|dozen|dozens";

const SENTENCE_PATTERNS: Record<AnswerType, RegExp> = {
  quantity: new RegExp(`\\d|\\b(${NUMBER_WORDS})\\b`, "i"),
  time: new RegExp(`\\b(1[5-9]|20)\\d{2}s?\\b|\\b(${MONTHS})\\b|\\b(century|decade|years? ago|since)\\b`, "i"),
  // A capitalized name after the first word, or a title such as Dr.
  person: /\b(Dr|Mr|Mrs|Ms|Prof)\.\s|(?<=\S\s+)[A-Z][a-z]+\s+[A-Z][a-z]+/,
  place: /(?<=\S\s+)[A-Z][a-z]+/,
};

/** What the question's first sentence asks for; a follow-up's appended context does not count. */
export function expectedAnswerType(question: string): AnswerType | null {
  const own = question.split(/(?<=\?)\s/)[0]!;
  return QUESTION_PATTERNS.find(([, pattern]) => pattern.test(own))?.[0] ?? null;
}

/** Whether `sentence` contains something of the expected kind (a number, a date, a name). */
export function containsAnswerType(sentence: string, type: AnswerType): boolean {
  return SENTENCE_PATTERNS[type].test(sentence);
}
