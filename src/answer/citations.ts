import type { CorpusIndex } from "../index/corpus-index.js";
import type { Sentence, SourceDocument } from "../ingest/types.js";
import type { Citation } from "./types.js";

/** A citation `[id]` quoting `sentence` whole, at its exact offsets. */
export function citeSentence(index: CorpusIndex, sentence: Sentence, id: number): Citation {
  const { title } = index.documents.get(sentence.documentId)!;
  return { id, documentId: sentence.documentId, title, start: sentence.start, end: sentence.end, quote: sentence.text };
}

/** True when the citation's quote is exactly its document's text at its offsets. */
export function isExact(citation: Citation, documents: Map<string, SourceDocument>): boolean {
  const doc = documents.get(citation.documentId);
  return doc !== undefined && doc.text.slice(citation.start, citation.end) === citation.quote;
}

/**
 * The last line of defence of the contract: drops any citation that is not exact and any `[n]`
 * left without its citation, then renumbers so markers run 1, 2, 3 in order of first use.
 */
export function enforceCitations(
  answer: string,
  citations: Citation[],
  documents: Map<string, SourceDocument>,
): { answer: string; citations: Citation[] } {
  const valid = new Map(citations.filter((c) => isExact(c, documents)).map((c) => [c.id, c]));
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
