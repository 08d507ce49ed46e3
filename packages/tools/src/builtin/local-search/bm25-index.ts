/** BM25 parameters: term-frequency saturation and length normalisation. */
const K1 = 1.2;
const B = 0.75;

/** One match of {@link Bm25Index.search}. */
export interface Bm25Match {
  /** The index of the document in the list the index was built from. */
  doc: number;
  /** Its BM25 score (higher is better). */
  score: number;
}

/**
 * An Okapi BM25 index over documents given as lists of terms. Built once, in one pass; search
 * touches only the postings of the query's terms.
 */
export class Bm25Index {
  /** Term → the documents holding it, with the term's count in each. */
  readonly #postings = new Map<string, Array<{ doc: number; tf: number }>>();
  readonly #lengths: number[] = [];
  readonly #averageLength: number;

  /** @param documents - The terms of each document, in order. */
  constructor(documents: ReadonlyArray<readonly string[]>) {
    let total = 0;
    documents.forEach((terms, doc) => {
      const counts = new Map<string, number>();
      for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
      for (const [term, tf] of counts) {
        let list = this.#postings.get(term);
        if (list === undefined) {
          list = [];
          this.#postings.set(term, list);
        }
        list.push({ doc, tf });
      }
      this.#lengths.push(terms.length);
      total += terms.length;
    });
    this.#averageLength = documents.length > 0 ? total / documents.length : 0;
  }

  /** The number of documents. */
  get size(): number {
    return this.#lengths.length;
  }

  /**
   * Scores the documents holding any query term, best first (ties by document order).
   *
   * @param terms - The query's terms; repeats count once.
   * @returns Every matching document with its score.
   */
  search(terms: readonly string[]): Bm25Match[] {
    const n = this.#lengths.length;
    const scores = new Map<number, number>();
    for (const term of new Set(terms)) {
      const postings = this.#postings.get(term);
      if (postings === undefined) continue;
      const idf = Math.log(1 + (n - postings.length + 0.5) / (postings.length + 0.5));
      for (const { doc, tf } of postings) {
        const length = this.#lengths[doc] as number;
        const norm = tf + K1 * (1 - B + (B * length) / (this.#averageLength || 1));
        scores.set(doc, (scores.get(doc) ?? 0) + (idf * tf * (K1 + 1)) / norm);
      }
    }
    return [...scores]
      .map(([doc, score]) => ({ doc, score }))
      .sort((a, b) => b.score - a.score || a.doc - b.doc);
  }
}
