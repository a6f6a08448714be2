/**
 * A second reading of which FAQ a message asks: a naive Bayes classifier over the terms and term pairs
 * of every FAQ's question, phrasings and keywords. The matcher scores how much of a phrasing a message
 * covers, so a long statement ("year 9 boy found with four hundred quid in cash and two phones")
 * dilutes every score; the classifier weighs each term by how much it tells one FAQ from the others,
 * however long the message. When both readings name the same FAQ, a weak match is worth answering.
 *
 * Built from the pack when the engine is built; deterministic; nothing is downloaded or learned at run time.
 */

export interface IntentDocument {
  id: string;
  /** each phrasing's content terms and adjacent term pairs, as the engine analyses a message */
  texts: ReadonlyArray<{ terms: readonly string[]; pairs: readonly string[] }>;
}

/** Additive smoothing: how much an unseen term counts against a FAQ. */
const ALPHA = 0.1;

export class IntentModel {
  private readonly ids: string[];
  /** per feature, for each FAQ that has it, how much more likely it is there than unseen (log) */
  private readonly gains = new Map<string, Array<[number, number]>>();
  /** per FAQ, log of (its feature count + smoothing over the vocabulary) */
  private readonly logTotals: Float64Array;
  private readonly logAlpha = Math.log(ALPHA);

  constructor(documents: readonly IntentDocument[]) {
    this.ids = documents.map((d) => d.id);
    const totals = new Float64Array(documents.length);
    const counts = new Map<string, Map<number, number>>();
    documents.forEach((d, c) => {
      for (const t of d.texts) {
        for (const f of features(t.terms, t.pairs)) {
          let m = counts.get(f);
          if (!m) counts.set(f, (m = new Map()));
          m.set(c, (m.get(c) ?? 0) + 1);
          totals[c]!++;
        }
      }
    });
    this.logTotals = totals.map((t) => Math.log(t + ALPHA * counts.size));
    for (const [f, m] of counts) this.gains.set(f, [...m].map(([c, n]) => [c, Math.log(n + ALPHA) - this.logAlpha]));
  }

  /** The FAQ the message most likely asks, with its probability among all FAQs; undefined when no term is known. */
  classify(terms: readonly string[], pairs: readonly string[]): { id: string; p: number } | undefined {
    const known = features(terms, pairs).filter((f) => this.gains.has(f));
    if (known.length === 0 || this.ids.length === 0) return undefined;
    // every FAQ starts as if it had none of the features, then gains where it has them
    const scores = new Float64Array(this.ids.length);
    for (let c = 0; c < scores.length; c++) scores[c] = known.length * (this.logAlpha - this.logTotals[c]!);
    for (const f of known) for (const [c, gain] of this.gains.get(f)!) scores[c]! += gain;
    let best = 0;
    for (let c = 1; c < scores.length; c++) if (scores[c]! > scores[best]!) best = c;
    let sum = 0;
    for (let c = 0; c < scores.length; c++) sum += Math.exp(scores[c]! - scores[best]!);
    return { id: this.ids[best]!, p: 1 / sum };
  }
}

function features(terms: readonly string[], pairs: readonly string[]): string[] {
  return [...terms.map((t) => `t:${t}`), ...pairs.map((p) => `p:${p}`)];
}
