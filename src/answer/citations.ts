import type { CorpusIndex, DocumentSpan } from "../index/corpus-index.js";
import type { Passage, Sentence } from "../ingest/types.js";
import type { Citation } from "./types.js";

/** A citation `[id]` quoting `sentence` whole, at its exact offsets. */
export function citeSentence(index: CorpusIndex, sentence: Sentence, id: number): Citation {
  const { title } = index.documents.catalog.get(sentence.documentId)!;
  return { id, documentId: sentence.documentId, title, start: sentence.start, end: sentence.end, quote: sentence.text };
}

/**
 * The text of `index`'s documents at each span: taken from `known` passages (of this version, read for the
 * question) that hold it, otherwise read from the store, so a database is asked only for what they do not.
 */
export async function textsAt(
  index: CorpusIndex,
  spans: readonly DocumentSpan[],
  known: readonly Passage[] = [],
): Promise<(string | undefined)[]> {
  const texts = spans.map((span) => {
    const passage = known.find((p) => p.documentId === span.documentId && p.start <= span.start && span.end <= p.end);
    return passage?.text.slice(span.start - passage.start, span.end - passage.start);
  });
  const missing = spans.flatMap((_span, i) => (texts[i] === undefined ? [i] : []));
  if (missing.length > 0) {
    const read = await index.documents.textsAt(missing.map((i) => spans[i]!));
    missing.forEach((i, n) => (texts[i] = read[n]));
  }
  return texts;
}

/** The citations whose quote is exactly their document's text at their offsets. */
export async function exactCitations(index: CorpusIndex, citations: Citation[], known: readonly Passage[] = []): Promise<Citation[]> {
  const texts = await textsAt(index, citations, known);
  return citations.filter((citation, i) => texts[i] === citation.quote);
}

/**
 * The last line of defence of the contract: drops any citation that is not exact and any `[n]`
 * left without its citation, then renumbers so markers run 1, 2, 3 in order of first use.
 */
export async function enforceCitations(
  answer: string,
  citations: Citation[],
  index: CorpusIndex,
  known: readonly Passage[] = [],
): Promise<{ answer: string; citations: Citation[] }> {
  const valid = new Map((await exactCitations(index, citations, known)).map((c) => [c.id, c]));
  const renumbered = new Map<number, number>();
  const text = answer.replace(/\s?\[(\d+)\]/g, (marker, n: string) => {
    const citation = valid.get(Number(n));
    if (!citation) return "";
    if (!renumbered.has(citation.id)) renumbered.set(citation.id, renumbered.size + 1);
    return marker.replace(n, String(renumbered.get(citation.id)));
  });
  const kept = [...renumbered].map(([old, id]) => ({ ...valid.get(old)!, id }));
  return { answer: text, citations: kept };
}
