/** How rare each term is across the corpus's sentences: the weight a matching word carries. */
export class TermStatistics {
  private constructor(
    private readonly documentFrequency: Map<string, number>,
    private count: number,
  ) {}

  /** From the distinct terms of each sentence. */
  static from(sentences: Set<string>[]): TermStatistics {
    const statistics = new TermStatistics(new Map(), 0);
    statistics.add(sentences);
    return statistics;
  }

  /** Counts these sentences (the distinct terms of each) too. */
  add(sentences: Set<string>[]): void {
    for (const terms of sentences) for (const term of terms) this.documentFrequency.set(term, (this.documentFrequency.get(term) ?? 0) + 1);
    this.count += sentences.length;
  }

  /** No longer counts these sentences, counted before. */
  remove(sentences: Set<string>[]): void {
    for (const terms of sentences) {
      for (const term of terms) {
        const df = (this.documentFrequency.get(term) ?? 0) - 1;
        if (df > 0) this.documentFrequency.set(term, df);
        else this.documentFrequency.delete(term);
      }
    }
    this.count -= sentences.length;
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
