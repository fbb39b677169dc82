import { ask, type AskPipeline } from "../answer/ask.js";
import type { CorpusIndex, PassageHeading } from "../index/corpus-index.js";

const SHOWN = 4;
// A heading longer than this is a sentence of the text that happened to stand alone, not a question to offer.
const MAX_QUESTION_CHARS = 140;

/**
 * Questions the documents themselves ask: section headings that are questions ("What response, if any,
 * have we seen from the Taliban?"), one document's first, then the next one's, so a large corpus offers
 * a spread.
 */
export function headingQuestions(passages: Iterable<PassageHeading>): string[] {
  const byDocument = new Map<string, string[]>();
  for (const { documentId, heading } of passages) {
    const text = heading.trim();
    if (!text.endsWith("?") || text.length > MAX_QUESTION_CHARS) continue;
    const questions = byDocument.get(documentId) ?? [];
    if (!questions.includes(text)) questions.push(text);
    byDocument.set(documentId, questions);
  }
  const lists = [...byDocument.values()];
  const spread: string[] = [];
  for (let round = 0; lists.some((list) => list.length > round); round++) {
    for (const list of lists) if (list[round] !== undefined) spread.push(list[round]!);
  }
  return spread;
}

/**
 * The questions to start from: heading questions that the offline answerer answers `direct` from the
 * index, so none offered fails. Chosen once per version of the index (when it is built or changed, not
 * when the page asks), by the extractive answerer even in LLM mode, so checking costs no model calls.
 */
export class ExampleQuestions {
  private readonly checking = new WeakMap<CorpusIndex, Promise<string[]>>();
  private readonly chosen = new WeakMap<CorpusIndex, string[]>();
  private latest: string[] | undefined;

  /** Chooses the examples of `pipeline`'s index, unless already chosen or being chosen. */
  check(pipeline: AskPipeline): Promise<string[]> {
    const { index } = pipeline;
    let checking = this.checking.get(index);
    if (!checking) {
      checking = choose(pipeline).then(
        (questions) => {
          this.chosen.set(index, questions);
          this.latest = questions;
          return questions;
        },
        (error: unknown) => {
          // Tried again at the next request or change (a database that was away may be back).
          this.checking.delete(index);
          throw error;
        },
      );
      this.checking.set(index, checking);
    }
    return checking;
  }

  /**
   * The examples of `pipeline`'s index; while those of a new version are still being chosen, the previous
   * version's, so no request waits for the check (only the very first, when there is none before it).
   */
  async for(pipeline: AskPipeline): Promise<string[]> {
    const chosen = this.chosen.get(pipeline.index);
    if (chosen) return chosen;
    const checking = this.check(pipeline);
    return this.latest ?? checking;
  }
}

async function choose(pipeline: AskPipeline): Promise<string[]> {
  const offline: AskPipeline = { ...pipeline, answerer: pipeline.extractive, condense: undefined };
  const questions: string[] = [];
  for (const question of headingQuestions(await pipeline.index.documents.questionHeadings())) {
    if (questions.length === SHOWN) break;
    const response = await ask(offline, { question });
    if (response.support === "direct") questions.push(question);
  }
  return questions;
}
