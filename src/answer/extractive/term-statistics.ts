/** How rare each term is across the corpus's sentences: the weight a matching word carries. */
export class TermStatistics {
  private constructor(
    private readonly documentFrequency: Map<string, number>,
    private readonly count: number,
  ) {}

  /** From the distinct terms of each sentence. */
  static from(sentences: Set<string>[]): TermStatistics {
    const df = new Map<string, number>();
    for (const terms of sentences) for (const term of terms) df.set(term, (df.get(term) ?? 0) + 1);
    return new TermStatistics(df, sentences.length);
  }

  /** BM25's inverse document frequency; a term the corpus never uses gets the highest weight. */
  idf(term: string): number {
    const df = this.documentFrequency.get(term) ?? 0;
    return Math.log(1 + (this.count - df + 0.5) / (df + 0.5));
  }

  /** The weight of a term the corpus never uses: the highest there is. */
  unseenIdf(): number {
    return this.idf("");
  }
}
