/**
 * Which need area a message is about, when no single answer matches it well: staff often write what
 * happened ("year 9 boy found with four hundred quid in cash and two phones") rather than a question,
 * and a long statement shares a few words with many phrasings but most with none. Summed over every
 * way the pack talks about a need area (its FAQs' questions, phrasings and keywords, the needs check's
 * signs for it, its name and synonyms), the evidence for one area adds up where a single phrasing's
 * does not.
 *
 * Each need area is one document; a message is scored against each with BM25 (term frequency
 * saturates, long documents are normalised), over the same terms the matcher uses (stems, synonym
 * groups). Pure: built once per pack.
 */

export interface TopicScore {
  area: string;
  /** BM25 divided by the most any one area could score for the message's known terms */
  score: number;
  /** BM25 itself: how much evidence there is, whatever else the message says */
  raw: number;
}

/** BM25's usual constants: k1 saturates repeated words, b normalises for a document's length. */
const K1 = 1.2;
const B = 0.75;

export class TopicIndex {
  private readonly areas: string[];
  /** term → [area index, term frequency] pairs */
  private readonly postings = new Map<string, Array<[number, number]>>();
  private readonly idf = new Map<string, number>();
  private readonly lengthNorm: Float64Array;
  private readonly scores: Float64Array;

  /** `documents`: for each need area, the term lists of every text that speaks of it */
  constructor(documents: ReadonlyMap<string, ReadonlyArray<readonly string[]>>) {
    this.areas = [...documents.keys()];
    const lengths = this.areas.map((area, i) => {
      const tf = new Map<string, number>();
      let length = 0;
      for (const terms of documents.get(area)!) {
        for (const t of terms) {
          tf.set(t, (tf.get(t) ?? 0) + 1);
          length++;
        }
      }
      for (const [t, n] of tf) {
        let list = this.postings.get(t);
        if (!list) this.postings.set(t, (list = []));
        list.push([i, n]);
      }
      return length;
    });
    const n = this.areas.length;
    for (const [t, list] of this.postings) this.idf.set(t, Math.log(1 + (n - list.length + 0.5) / (list.length + 0.5)));
    const average = lengths.reduce((s, l) => s + l, 0) / Math.max(1, n);
    this.lengthNorm = Float64Array.from(lengths, (l) => K1 * (1 - B + (B * l) / Math.max(1, average)));
    this.scores = new Float64Array(n);
  }

  /**
   * The need areas the message's distinct terms speak of, best first, each with its BM25 score divided
   * by the most a single area could score for those terms (so 1 would be a message every word of which
   * is about that area, and nothing else).
   */
  classify(terms: readonly string[]): TopicScore[] {
    let most = 0;
    const touched: number[] = [];
    for (const t of new Set(terms)) {
      const idf = this.idf.get(t);
      if (idf === undefined) continue;
      most += idf;
      for (const [i, tf] of this.postings.get(t)!) {
        if (this.scores[i] === 0) touched.push(i);
        this.scores[i]! += (idf * tf * (K1 + 1)) / (tf + this.lengthNorm[i]!) / (K1 + 1);
      }
    }
    const out = touched.map((i) => ({ area: this.areas[i]!, score: most > 0 ? this.scores[i]! / most : 0, raw: this.scores[i]! }));
    for (const i of touched) this.scores[i] = 0;
    return out.sort((x, y) => y.score - x.score);
  }
}
