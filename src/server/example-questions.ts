import type { Passage } from "../ingest/types.js";

const SHOWN = 4;
// A heading longer than this is a sentence of the text that happened to stand alone, not a question to offer.
const MAX_QUESTION_CHARS = 140;

/**
 * Questions to start from, taken from the documents themselves: section headings that are questions
 * ("What response, if any, have we seen from the Taliban?"), which the documents answer right below
 * them. One document's first, then the next one's, so a large corpus offers a spread.
 */
export function exampleQuestions(passages: Iterable<Passage>): string[] {
  const byDocument = new Map<string, string[]>();
  for (const { documentId, heading } of passages) {
    const text = heading.trim();
    if (!text.endsWith("?") || text.length > MAX_QUESTION_CHARS) continue;
    const questions = byDocument.get(documentId) ?? [];
    if (!questions.includes(text)) questions.push(text);
    byDocument.set(documentId, questions);
  }
  const lists = [...byDocument.values()];
  const chosen: string[] = [];
  for (let round = 0; chosen.length < SHOWN && lists.some((list) => list.length > round); round++) {
    for (const list of lists) if (list[round] !== undefined && chosen.length < SHOWN) chosen.push(list[round]!);
  }
  return chosen;
}
