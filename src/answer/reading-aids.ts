import type { CatalogEntry, CorpusIndex } from "../index/corpus-index.js";
import type { Passage } from "../ingest/types.js";
import { answerKinds, type AnswerKind } from "../text/entities.js";
import type { Span } from "../text/span.js";
import { contentTerms } from "../text/terms.js";
import { textsAt } from "./citations.js";
import type { Citation } from "./types.js";

/** A word that points back at something said before; in a sentence's first words, it leaves the reader asking "who?". */
const POINTS_BACK = /^(it|its|they|them|their|he|him|his|she|her|this|these|that|those|such)$/i;
const OPENING_WORDS = 6;

/**
 * Adds to each citation what a reader needs to take the quote in on its own: its page in a PDF, its
 * section heading, the sentence before it when it opens with a pronoun, and where it names what the
 * question asks for.
 * Read from the index's sentences, which carry exact offsets, so every span stays checkable; `known` are
 * passages of this version already read (the retrieved ones), which spare reading them again.
 */
export async function addReadingAids(
  index: CorpusIndex,
  citations: Citation[],
  question: string,
  kind: AnswerKind | null,
  known: readonly Passage[] = [],
): Promise<Citation[]> {
  const asked = new Set(contentTerms(question));
  const headingOf = async (passageId: string) =>
    (known.find((p) => p.id === passageId) ?? (await index.documents.passages([passageId])).get(passageId))?.heading;
  return Promise.all(
    citations.map(async (found) => {
      const page = pageOf(index.documents.catalog.get(found.documentId), found.start);
      const citation = page === undefined ? found : { ...found, page };
      const around = await index.sentences.around(citation.documentId, citation.start);
      if (!around) return citation;
      // Read from a database another server may have changed since: only this version's text is this document's.
      const candidates = around.previous ? [around.sentence, around.previous] : [around.sentence];
      const [sentenceText, previousText] = await textsAt(index, candidates, known);
      if (sentenceText !== around.sentence.text) return citation;
      const { sentence } = around;
      const previous = around.previous && previousText === around.previous.text ? around.previous : undefined;
      const heading = await headingOf(sentence.passageId);
      const context =
        previous &&
        (await headingOf(previous.passageId)) === heading &&
        pointsBack(citation.quote) &&
        !citations.some((other) => other.documentId === previous.documentId && other.start <= previous.start && other.end >= previous.end);
      const answer = kind ? answerSpan(citation, kind, asked) : undefined;
      return {
        ...citation,
        ...(heading !== undefined && { heading }),
        ...(context && { precedingSentence: { start: previous.start, end: previous.end, text: previous.text } }),
        ...(answer && { answerSpan: answer }),
      };
    }),
  );
}

/** The page (from 1) of a paged document that `offset` falls on; undefined for a document without pages. */
export function pageOf(document: Pick<CatalogEntry, "pageStarts"> | undefined, offset: number): number | undefined {
  const starts = document?.pageStarts;
  if (!starts || starts.length === 0) return undefined;
  let page = 0;
  while (page + 1 < starts.length && starts[page + 1]! <= offset) page++;
  return page + 1;
}

function pointsBack(quote: string): boolean {
  return quote
    .split(/[^\p{L}\p{N}'’-]+/u)
    .filter((word) => word !== "")
    .slice(0, OPENING_WORDS)
    .some((word) => POINTS_BACK.test(word));
}

/**
 * Where the quote names what the question asks for: the first date, number (a range whole, "between
 * 1500 to 4000") or run of names of the `kind` asked for that the question does not already name, so
 * "137" for "How many people did ISKP kill?", never "ISKP". Numbers in digits come before words ("one").
 */
function answerSpan(citation: Citation, kind: AnswerKind, asked: Set<string>): Span | undefined {
  const { quote } = citation;
  const found = answerKinds(quote).get(kind) ?? [];
  const values = kind === "quantity" && found.some(hasDigit) ? found.filter(hasDigit) : found;
  let from = 0;
  let span: Span | undefined;
  for (const value of values) {
    const at = quote.indexOf(value, from);
    if (at < 0) continue;
    from = at + value.length;
    const terms = contentTerms(value);
    const named = terms.length > 0 && terms.every((term) => asked.has(term));
    if (span && /^[\s-]*$/.test(quote.slice(span.end, at)) && kind === "name") span.end = from;
    else if (span) break;
    else if (!named) span = { start: at, end: from };
  }
  if (!span) return undefined;
  if (kind === "quantity") span.start -= RANGE_BEFORE.exec(quote.slice(0, span.start))?.[0].length ?? 0;
  return { start: citation.start + span.start, end: citation.start + span.end };
}

/** The first half of a range that ends where a number starts: "between 1500 to ", "20-", "10 and ". */
const RANGE_BEFORE = /(?:between\s+)?\d[\d,.]*\s*(?:to|and|-|–)\s*$/i;

function hasDigit(value: string): boolean {
  return /\d/.test(value);
}
