import { stemmer } from "stemmer";
import lemmatize from "wink-lemmatizer";
import { eng } from "stopword";

/**
 * English stop words, plus the interrogatives the stock list lacks and the words that frame a
 * question about the documents ("what does the article say about ..."): they carry no topic.
 */
const STOP_WORDS = new Set([
  ...eng,
  ...["when", "why", "does", "do", "done", "can", "could", "would", "should", "us"],
  ...["article", "document", "documents", "text", "say", "says", "tell", "mention", "mentions", "describe", "describes"],
]);

/**
 * Words that frame a question about the documents rather than name what it asks ("according to the
 * passage", "in this piece", "what happened in…", which asks for an event without naming one). Kept apart from the stop words, which the trained scorer's
 * features depend on.
 */
const FRAMING = new Set(["according", "passage", "passages", "piece", "mentioned", "stated", "happen", "happens", "happened", "happening"]);

/** True for a word that frames a question about the documents instead of naming its topic. */
export function isFraming(word: string): boolean {
  return FRAMING.has(word.toLowerCase());
}

/** Dotted initialisms ("U.S.", "U.K."), then words: letters and digits with inner hyphens and apostrophes ("al-Qaeda", "ISKP’s"). */
const WORD = /(?:\p{Lu}\.){2,}|[\p{L}\p{N}]+(?:[-'’][\p{L}\p{N}]+)*/gu;
/** An acronym in capitals is a name even when it spells a stop word ("US" policy, not "us"). */
const ACRONYM = /^(?:\p{Lu}\.?){2,}$/u;

/** A content word of a text and its index term. */
export interface ContentWord {
  word: string;
  term: string;
}

/** A word broken at a line's end by a hyphen ("inter-\nnational"), as PDFs and scans break them. */
const BROKEN_WORD = /(\p{Ll})-[ \t]*\r?\n[ \t]*(\p{Ll})/gu;

/**
 * Content words of `text` with their lower-cased, stemmed terms, in order; hyphenated words also yield
 * their parts, and a word broken across two lines is one word again ("international", not "inter").
 */
export function contentWords(text: string): ContentWord[] {
  const words: ContentWord[] = [];
  for (const [match] of text.replace(BROKEN_WORD, "$1$2").matchAll(WORD)) {
    if (ACRONYM.test(match)) {
      const acronym = match.replace(/\./g, "").toLowerCase();
      words.push({ word: match, term: acronym });
      continue;
    }
    const bare = match.toLowerCase().replace(/['’]s$/, "");
    const parts = bare.includes("-") ? [bare, ...bare.split("-")] : [bare];
    for (const word of parts) {
      const term = normalizeTerm(word);
      if (term) words.push({ word, term });
    }
  }
  return words;
}

export function contentTerms(text: string): string[] {
  return contentWords(text).map((w) => w.term);
}

/**
 * How many words' terms are remembered. A corpus repeats its words, and lemmatizing and stemming them were
 * most of the time a start spent deriving the answerer's data (1.5 s of 5 MB of text); 100,000 words hold
 * a large corpus's vocabulary in a few megabytes, and a stream of new words only empties it now and then.
 */
const REMEMBERED_TERMS = 100_000;
const termsOfWords = new Map<string, string | null>();

/**
 * One word as an index term: its dictionary form, stemmed, so that irregular forms meet ("found" and
 * "find", "took" and "take") as regular ones do; null for a stop word.
 */
export function normalizeTerm(word: string): string | null {
  const known = termsOfWords.get(word);
  if (known !== undefined) return known;
  const term = termOf(word);
  if (termsOfWords.size >= REMEMBERED_TERMS) termsOfWords.clear();
  termsOfWords.set(word, term);
  return term;
}

function termOf(word: string): string | null {
  const lower = word.toLowerCase().replace(/’/g, "'");
  if (/^\p{N}+$/u.test(lower)) return lower;
  if (STOP_WORDS.has(lower) || lower.length < 2) return null;
  const lemma = lemmaOf(lower);
  return STOP_WORDS.has(lemma) ? null : stemmer(lemma);
}

/** A word's dictionary form, as a verb if it is an inflected one ("took": "take"), otherwise as a noun ("leaders": "leader"). */
export function lemmaOf(word: string): string {
  const lower = word.toLowerCase();
  const verb = lemmatize.verb(lower);
  return verb !== lower ? verb : lemmatize.noun(lower);
}

/** True when `word` is one typo away from a stop word ("wat", "ther"). */
export function isStopWordTypo(word: string): boolean {
  const lower = word.toLowerCase();
  for (const stop of STOP_WORDS) if (isTypoOf(lower, stop)) return true;
  return false;
}

/** One insertion, deletion, substitution or swap of neighbouring letters apart ("kil", "safegaurd"). */
export function isTypoOf(a: string, b: string): boolean {
  if (a.length < 3 || (a.length === 3 && b.length !== 4) || /\d/.test(a) || Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  if (i === a.length && i === b.length) return true;
  const swapped = a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  return swapped || a.slice(i + 1) === b.slice(i + 1) || a.slice(i) === b.slice(i + 1) || a.slice(i + 1) === b.slice(i);
}
