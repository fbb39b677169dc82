/** ", and who ...", " and will ...": where a second question starts inside the first. */
const SECOND_QUESTION =
  /,?\s+and\s+(?=(?:what|who|whom|whose|when|where|why|how|which|will|would|is|are|was|were|do|does|did|can|could|should|has|have)\b)|(?<=\?)\s+(?=\S)/i;

/** The questions a compound question asks ("When did it happen, and who explains it?"), each on its own. */
export function splitQuestion(question: string): string[] {
  return question
    .split(SECOND_QUESTION)
    .map((part) => part.trim())
    .filter((part) => part !== "");
}
