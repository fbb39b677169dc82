import { setImmediate as nextTurn } from "node:timers/promises";
import type { CorpusIndex, CorpusTerms, TermCounts } from "../../index/corpus-index.js";
import type { Sentence } from "../../ingest/types.js";
import { contentWords } from "../../text/terms.js";

/** Sentences or passages read between turns of the event loop, so a server loading a large index keeps answering. */
const SLICE = 1000;

/** What every version of one index's counts shares: terms only grow, and each is held once. */
interface Vocabulary {
  /** Each term of the corpus, and the first word of the corpus that stems to it. */
  words: Map<string, string>;
}

/**
 * The corpus's terms counted in memory from an index's sentences and headings, for a store that keeps no
 * count of its own (the embedded one): derived when the index loads, and kept up as documents change.
 */
export class CountedTerms implements CorpusTerms {
  private constructor(
    readonly index: CorpusIndex,
    private readonly vocabulary: Vocabulary,
    /** How many of the current documents' sentences hold each term. */
    private readonly sentencesWith: Map<string, number>,
    private sentences: number,
  ) {}

  /** Counts `index`'s sentences, in slices with a turn of the event loop between them. */
  static async from(index: CorpusIndex): Promise<CountedTerms> {
    const counted = new CountedTerms(index, { words: new Map() }, new Map(), 0);
    await counted.add(index, [...heldBy(index).values()].flat());
    return counted;
  }

  /**
   * The counts of `index`, a later version of this one's index: the sentences of documents added or replaced
   * are counted, and those of documents removed no longer are. This one's counts are left as they were.
   */
  async after(index: CorpusIndex): Promise<CountedTerms> {
    const changed = (from: Map<string, Sentence[]>, to: Map<string, Sentence[]>) =>
      [...from].filter(([id, sentences]) => to.get(id) !== sentences).flatMap(([, sentences]) => sentences);
    const next = new CountedTerms(index, this.vocabulary, new Map(this.sentencesWith), this.sentences);
    const removed = changed(heldBy(this.index), heldBy(index));
    for (const [i, sentence] of removed.entries()) {
      for (const term of new Set(contentWords(sentence.text).map((w) => w.term))) {
        const left = (next.sentencesWith.get(term) ?? 0) - 1;
        if (left > 0) next.sentencesWith.set(term, left);
        else next.sentencesWith.delete(term);
      }
      if ((i + 1) % SLICE === 0) await nextTurn();
    }
    next.sentences -= removed.length;
    await next.add(index, changed(heldBy(index), heldBy(this.index)));
    return next;
  }

  async count(terms: Iterable<string>): Promise<TermCounts> {
    const counts: TermCounts = { sentences: this.sentences, terms: new Map() };
    for (const term of terms) {
      const word = this.vocabulary.words.get(term);
      if (word !== undefined) counts.terms.set(term, { word, sentences: this.sentencesWith.get(term) ?? 0 });
    }
    return counts;
  }

  /** Counts `sentences` (whole passages of `index`) and their passages' headings. */
  private async add(index: CorpusIndex, sentences: Sentence[]): Promise<void> {
    const { words } = this.vocabulary;
    const termsOf = (text: string) =>
      contentWords(text).map(({ term, word }) => {
        if (!words.has(term)) words.set(term, word);
        return term;
      });
    const passages = new Set<string>();
    for (const [i, sentence] of sentences.entries()) {
      for (const term of new Set(termsOf(sentence.text))) this.sentencesWith.set(term, (this.sentencesWith.get(term) ?? 0) + 1);
      passages.add(sentence.passageId);
      if ((i + 1) % SLICE === 0) await nextTurn();
    }
    this.sentences += sentences.length;
    let done = 0;
    for (const passage of (await index.documents.passages(passages)).values()) {
      termsOf(passage.heading);
      if (++done % SLICE === 0) await nextTurn();
    }
  }
}

/** The term counts the answerer reads for `index`: its store's own, or counted from its sentences (from `previous`'s, when it has them). */
export async function corpusTermsOf(index: CorpusIndex, previous?: CorpusTerms): Promise<CorpusTerms> {
  if (index.terms) return index.terms;
  return previous instanceof CountedTerms ? previous.after(index) : CountedTerms.from(index);
}

/** The sentences `index`'s store holds, by document: a store that holds none keeps the term counts itself. */
function heldBy(index: CorpusIndex): Map<string, Sentence[]> {
  const held = index.sentences.byDocument;
  if (!held) throw new Error("the index's store neither holds its sentences nor keeps their terms' counts");
  return held;
}
