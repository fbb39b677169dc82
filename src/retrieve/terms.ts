import { stemmer } from "stemmer";
import { eng } from "stopword";

/** English stop words, plus the interrogatives the stock list lacks: they carry no topic. */
const STOP_WORDS = new Set([...eng, "when", "why", "does", "do", "done", "can", "could", "would", "should", "us"]);

/** Words: letters and digits, keeping inner hyphens and apostrophes ("al-Qaeda", "ISKP’s"). */
const WORD = /[\p{L}\p{N}]+(?:[-'’][\p{L}\p{N}]+)*/gu;

/** Lower-cased, stemmed content terms of `text`, in order; hyphenated words also yield their parts. */
export function contentTerms(text: string): string[] {
  const terms: string[] = [];
  for (const [word] of text.matchAll(WORD)) {
    const bare = word.toLowerCase().replace(/['’]s$/, "");
    const parts = bare.includes("-") ? [bare, ...bare.split("-")] : [bare];
    for (const part of parts) {
      const term = normalizeTerm(part);
      if (term) terms.push(term);
    }
  }
  return terms;
}

/** One word as an index term, or null for a stop word. */
export function normalizeTerm(word: string): string | null {
  const lower = word.toLowerCase().replace(/’/g, "'");
  if (STOP_WORDS.has(lower) || (lower.length < 2 && !/\d/.test(lower))) return null;
  return /^\p{N}+$/u.test(lower) ? lower : stemmer(lower);
}
