/**
 * The directory's own inverted index for search words, built once per pack. Pure: no I/O.
 *
 * Why not a general search library: at 20,000 services the common words staff type ("support",
 * "family", "help") appear in most records, and a library scores every one of them before the
 * filters cut the list down to a few hundred. Here a query first finds *which* services match (a
 * bitset: one OR per posting list, cached per word), the filters are ANDed in, and only the
 * services left are scored, from BM25 weights precomputed per (word, service). The top of the list
 * is taken with a bounded heap, in scratch typed arrays reused across queries.
 *
 * Scoring follows the previous engine (MiniSearch's BM25+, k = 1.2, b = 0.7, d = 0.5, per-field
 * boosts, prefix and typo expansions weighted down by their distance, a service's score times the
 * number of query words it matched), so results rank as they did.
 */
import { tokenize } from '../content/vocabulary.js';
import { Bitset } from '../collections/bitset.js';
import { RecentCache } from '../collections/recent-cache.js';
import { runToEnd } from '../collections/steps.js';

export interface TextField {
  name: string;
  boost: number;
}

export interface TextIndexOptions {
  fields: readonly TextField[];
  /** an indexed token's terms: itself and its stem, or nothing for a word that says nothing */
  indexTerms(token: string): readonly string[];
  /** a query token's term (its stem), or null for a word that says nothing */
  queryTerm(token: string): string | null;
  /** a service's score is multiplied by this (e.g. national lines below local services) */
  documentBoost?: (position: number) => number;
}

/** How one query word meets the index: the terms it stands for, each with a weight, and the services holding any of them. */
export interface TermExpansion {
  term: string;
  termIds: Int32Array;
  weights: Float64Array;
  set: Bitset;
}

export interface TextMatch {
  /** one per query word, in order (a repeated word counts twice, as it did before) */
  words: TermExpansion[];
  /** the services that match, before any filter (shared with the index's caches: read only) */
  set: Bitset;
  /** fewer than FEW_MATCH_EVERY_WORD services had every word, so the set is those with any of them */
  loosened: boolean;
}

const BM25 = { k: 1.2, b: 0.7, d: 0.5 };
/** below this many services with every word, services with any word are ranked too (see `match`) */
export const FEW_MATCH_EVERY_WORD = 3;
const WEIGHTS = { prefix: 0.5, fuzzy: 0.3 };
const EXPANSION_CACHE_SIZE = 2000;
/** documents indexed, and postings scored, between two of `TextIndex.buildSteps`'s steps (a few ms each) */
const DOCUMENTS_PER_STEP = 32;
const POSTINGS_PER_STEP = 1 << 15;

/** A growable typed array, for postings whose number is unknown until every record is read. */
class Growable<T extends Int32Array | Uint16Array> {
  length = 0;
  constructor(
    public data: T,
    private readonly make: (n: number) => T,
  ) {}
  reserve(extra: number): void {
    if (this.length + extra <= this.data.length) return;
    const next = this.make(Math.max(this.data.length * 2, this.length + extra));
    next.set(this.data);
    this.data = next;
  }
}

export class TextIndex {
  readonly documentCount: number;
  /** every indexed term, sorted, and its id */
  private readonly sortedTerms: string[];
  private readonly termId = new Map<string, number>();
  /** terms by id */
  private readonly names: string[];
  /** postings of term t are [start[t], start[t + 1]) in docs and scores; docs ascend */
  private readonly start: Int32Array;
  private readonly docs: Int32Array;
  /** Σ over fields of boost × BM25+ for the term in that field of that service */
  private readonly scores: Float64Array;
  /** term ids by length, for typo matching */
  private readonly byLength = new Map<number, number[]>();
  private readonly boost: Float64Array;
  private readonly expansions = new RecentCache<TermExpansion>(EXPANSION_CACHE_SIZE);
  /** a term's services best first, as a one-word search ranks them: made on the term's first such search */
  private readonly byImpact = new Map<number, Int32Array>();
  // scratch, reused by every ranking (a request runs to completion before the next starts)
  private readonly acc: Float64Array;
  private readonly candidates: Int32Array;
  private readonly candidateScores: Float64Array;

  /**
   * The index of `count` documents, built in steps: a generator that yields every few documents and
   * every few thousand postings, so that a server can answer other requests between steps (see
   * `serviceIndexReady`); it returns the index. `textsOf(doc)` gives a document's texts, one per
   * field, and is called once per document, in order.
   */
  static *buildSteps(count: number, textsOf: (doc: number) => readonly string[], options: TextIndexOptions): Generator<void, TextIndex> {
    const n = count;
    const fieldCount = options.fields.length;
    const ids = new Map<string, number>();
    const names: string[] = [];
    const lastDoc = new Growable(new Int32Array(1024), (k) => new Int32Array(k));
    const current = new Growable(new Int32Array(1024), (k) => new Int32Array(k));
    const postTerm = new Growable(new Int32Array(1 << 16), (k) => new Int32Array(k));
    const postDoc = new Growable(new Int32Array(1 << 16), (k) => new Int32Array(k));
    const postTf = new Growable(new Uint16Array(fieldCount << 16), (k) => new Uint16Array(k));
    const fieldLength = new Uint16Array(n * fieldCount);
    const totalLength = new Float64Array(fieldCount);
    // the same field text recurs (need area names): tokenise each distinct text once
    const tokenCache = new Map<string, string[]>();
    const tokensOf = (text: string): string[] => {
      let t = tokenCache.get(text);
      if (!t) {
        t = tokenize(text);
        if (text.length < 200 && tokenCache.size < 10_000) tokenCache.set(text, t);
      }
      return t;
    };
    // a token's term ids, looked up once per distinct token rather than once per occurrence, and
    // the field it was last seen in (document × fields + field), to count a field's distinct words
    const tokenTerms = new Map<string, { ids: number[]; lastField: number }>();
    const idOf = (term: string): number => {
      let id = ids.get(term);
      if (id === undefined) {
        id = names.length;
        ids.set(term, id);
        names.push(term);
        lastDoc.reserve(1);
        current.reserve(1);
        lastDoc.data[id] = -1;
        lastDoc.length = current.length = id + 1;
      }
      return id;
    };

    for (let doc = 0; doc < n; doc++) {
      if (doc % DOCUMENTS_PER_STEP === DOCUMENTS_PER_STEP - 1) yield;
      const texts = textsOf(doc);
      for (let f = 0; f < fieldCount; f++) {
        const tokens = tokensOf(texts[f] ?? '');
        // as before: a field's length is its number of distinct words
        const field = doc * fieldCount + f;
        let length = 0;
        for (const token of tokens) {
          let known = tokenTerms.get(token);
          if (!known) tokenTerms.set(token, (known = { ids: options.indexTerms(token).map(idOf), lastField: -1 }));
          if (known.lastField !== field) {
            known.lastField = field;
            length++;
          }
          for (const t of known.ids) {
            let p: number;
            if (lastDoc.data[t] !== doc) {
              p = postDoc.length;
              postDoc.reserve(1);
              postTerm.reserve(1);
              postTf.reserve(fieldCount);
              postDoc.data[p] = doc;
              postTerm.data[p] = t;
              postDoc.length = postTerm.length = p + 1;
              postTf.length = (p + 1) * fieldCount;
              lastDoc.data[t] = doc;
              current.data[t] = p;
            } else {
              p = current.data[t]!;
            }
            const slot = p * fieldCount + f;
            if (postTf.data[slot]! < 0xffff) postTf.data[slot]! += 1;
          }
        }
        fieldLength[field] = Math.min(length, 0xffff);
        totalLength[f]! += length;
      }
    }

    // postings grouped by term, each term's services in ascending order (a counting sort), and the
    // services holding each term in each field, for the inverse document frequency
    const termCount = names.length;
    const postings = postDoc.length;
    const start = new Int32Array(termCount + 1);
    const fieldDf = new Int32Array(termCount * fieldCount);
    for (let p = 0; p < postings; p++) {
      if (p % POSTINGS_PER_STEP === POSTINGS_PER_STEP - 1) yield;
      const t = postTerm.data[p]!;
      start[t + 1]! += 1;
      for (let f = 0; f < fieldCount; f++) if (postTf.data[p * fieldCount + f]! > 0) fieldDf[t * fieldCount + f]! += 1;
    }
    for (let t = 0; t < termCount; t++) start[t + 1]! += start[t]!;
    // each posting scored in the order it was added (reading the lists in order, and the services in
    // ascending order), then put in its term's place
    const next = start.slice(0, termCount);
    const avg = Array.from(totalLength, (total) => (n ? total / n : 0));
    const docs = new Int32Array(postings);
    const scores = new Float64Array(postings);
    const { k, b, d } = BM25;
    for (let p = 0; p < postings; p++) {
      if (p % POSTINGS_PER_STEP === POSTINGS_PER_STEP - 1) yield;
      const t = postTerm.data[p]!;
      const doc = postDoc.data[p]!;
      let score = 0;
      for (let f = 0; f < fieldCount; f++) {
        const tf = postTf.data[p * fieldCount + f]!;
        if (tf === 0) continue;
        const df = fieldDf[t * fieldCount + f]!;
        const len = fieldLength[doc * fieldCount + f]!;
        score += options.fields[f]!.boost * idf(n, df) * (d + (tf * (k + 1)) / (tf + k * (1 - b + (b * len) / avg[f]!)));
      }
      const at = next[t]!++;
      docs[at] = doc;
      scores[at] = score;
    }
    return new TextIndex(options, n, names, start, docs, scores);
  }

  /** The index of these documents (each one's texts, one per field), built at once. */
  static of(fieldTexts: ReadonlyArray<readonly string[]>, options: TextIndexOptions): TextIndex {
    return runToEnd(TextIndex.buildSteps(fieldTexts.length, (doc) => fieldTexts[doc]!, options));
  }

  private constructor(
    private readonly options: TextIndexOptions,
    n: number,
    names: string[],
    start: Int32Array,
    docs: Int32Array,
    scores: Float64Array,
  ) {
    this.documentCount = n;
    this.start = start;
    this.docs = docs;
    this.scores = scores;
    const termCount = names.length;
    this.sortedTerms = [...names].sort();
    for (let t = 0; t < termCount; t++) {
      const term = names[t]!;
      this.termId.set(term, t);
      const list = this.byLength.get(term.length);
      if (list) list.push(t);
      else this.byLength.set(term.length, [t]);
    }
    this.names = names;
    this.boost = new Float64Array(n).fill(1);
    if (options.documentBoost) for (let i = 0; i < n; i++) this.boost[i] = options.documentBoost(i);
    this.acc = new Float64Array(n);
    this.candidates = new Int32Array(n);
    this.candidateScores = new Float64Array(n);
  }

  /** whether the index holds this term exactly */
  has(term: string): boolean {
    return this.termId.has(term);
  }

  get termCount(): number {
    return this.names.length;
  }

  get postingCount(): number {
    return this.docs.length;
  }

  /** The query's words as terms (stop words dropped, stems taken), in order. */
  queryTerms(text: string): string[] {
    const out: string[] = [];
    for (const token of tokenize(text)) {
      const term = this.options.queryTerm(token);
      if (term) out.push(term);
    }
    return out;
  }

  /**
   * Services matching every word, or if fewer than FEW_MATCH_EVERY_WORD do, any word (`loosened`):
   * a sentence staff type ("sexual abuse by a family member") often has a word the right services
   * never use. Undefined when the text has no word that says anything.
   */
  match(text: string): TextMatch | undefined {
    const terms = this.queryTerms(text);
    if (terms.length === 0) return undefined;
    const words = terms.map((t) => this.expand(t));
    // one word: its (cached) set as it is, no copy; match sets are only read
    if (words.length === 1) return { words, set: words[0]!.set, loosened: false };
    const set = new Bitset(this.documentCount).andInto(words[0]!.set, words[1]!.set);
    for (let i = 2; i < words.length; i++) set.andWith(words[i]!.set);
    const every = set.count();
    if (every < FEW_MATCH_EVERY_WORD) {
      for (const w of words) set.orWith(w.set);
      return { words, set, loosened: set.count() > every };
    }
    return { words, set, loosened: false };
  }

  /**
   * The services holding every word, each word found as `match` finds it (stems, prefixes, typos),
   * never loosened: a filter (the open data API's search). Undefined when the text has no word that
   * says anything. Read only: it may be a cached set.
   */
  matchEvery(text: string): Bitset | undefined {
    const terms = this.queryTerms(text);
    if (terms.length === 0) return undefined;
    const words = terms.map((t) => this.expand(t));
    if (words.length === 1) return words[0]!.set;
    const set = new Bitset(this.documentCount).andInto(words[0]!.set, words[1]!.set);
    for (let i = 2; i < words.length; i++) set.andWith(words[i]!.set);
    return set;
  }

  /**
   * The services of `within` (a subset of the match's set) in relevance order, best first, from
   * `skip` for `count`: only those services are scored. Services in `favour` count `favourBoost` times.
   */
  rank(match: TextMatch, within: Bitset, skip: number, count: number, favour?: Bitset, favourBoost = 1): Int32Array {
    const only = match.words.length === 1 && !match.loosened && !favour ? match.words[0]! : undefined;
    if (only && only.termIds.length === 1 && only.weights[0] === 1) return this.rankOneTerm(only.termIds[0]!, within, skip, count);
    const acc = this.acc;
    const { start, docs, scores } = this;
    const inWords = within.words;
    const candidates = this.candidates;
    const found = within.positionsInto(candidates);
    for (const word of match.words) {
      for (let j = 0; j < word.termIds.length; j++) {
        const t = word.termIds[j]!;
        const w = word.weights[j]!;
        const end = start[t + 1]!;
        if (found * 24 < end - start[t]!) {
          // few services to score, a long list of services with the term: look each one up in the
          // list (ascending, so each search starts where the last ended, and gallops)
          let p = start[t]!;
          for (let i = 0; i < found && p < end; i++) {
            const doc = candidates[i]!;
            if (docs[p]! < doc) {
              let step = 1;
              let hi = p + 1;
              while (hi < end && docs[hi]! < doc) {
                p = hi;
                step *= 2;
                hi = p + step;
              }
              // docs[p] < doc <= docs[hi] (or hi is past the end): the first doc not below it
              let lo = p + 1;
              hi = Math.min(hi, end);
              while (lo < hi) {
                const mid = (lo + hi) >>> 1;
                if (docs[mid]! < doc) lo = mid + 1;
                else hi = mid;
              }
              p = lo;
            }
            if (p < end && docs[p] === doc) acc[doc]! += w * scores[p]!;
          }
        } else {
          for (let p = start[t]!; p < end; p++) {
            const doc = docs[p]!;
            if ((inWords[doc >>> 5]! & (1 << (doc & 31))) !== 0) acc[doc]! += w * scores[p]!;
          }
        }
      }
    }
    // a service's score, times the number of distinct words it matched (as before)
    const distinct = uniqueWords(match.words);
    // when no service has every word, a service counts each word it has by how telling the word is
    // (its inverse document frequency), so the common words of a sentence ("child", "school",
    // "support") cannot outweigh the one word that names the topic
    const information = match.loosened ? distinct.map((w) => idf(this.documentCount, w.set.count())) : [];
    const candidateScores = this.candidateScores;
    for (let i = 0; i < found; i++) {
      const doc = candidates[i]!;
      let quality = distinct.length;
      if (match.loosened) {
        quality = 0;
        distinct.forEach((w, j) => {
          if (w.set.has(doc)) quality += information[j]!;
        });
      }
      candidateScores[i] = acc[doc]! * quality * this.boost[doc]! * (favour?.has(doc) ? favourBoost : 1);
      acc[doc] = 0;
    }
    return topK(candidates, candidateScores, found, skip, count);
  }

  /**
   * One word that is one known term (most searches): its services in ranking order are fixed, so they
   * are sorted once and a page is the first of them in `within`, without scoring every candidate.
   * The order is the general ranking's exactly: score times the service's boost, best first, equal
   * scores in position order.
   */
  private rankOneTerm(term: number, within: Bitset, skip: number, count: number): Int32Array {
    let order = this.byImpact.get(term);
    if (!order) {
      const { start, docs, scores, boost } = this;
      const from = start[term]!;
      const postings = Array.from({ length: start[term + 1]! - from }, (_, i) => from + i);
      const value = (p: number) => scores[p]! * boost[docs[p]!]!;
      postings.sort((a, b) => (better(value(a), docs[a]!, value(b), docs[b]!) ? -1 : 1));
      order = Int32Array.from(postings, (p) => docs[p]!);
      this.byImpact.set(term, order);
    }
    const out: number[] = [];
    let seen = 0;
    for (let i = 0; i < order.length && out.length < count; i++) {
      const doc = order[i]!;
      if (within.has(doc) && seen++ >= skip) out.push(doc);
    }
    return Int32Array.from(out);
  }

  /** A query word's terms: itself if the index has it; otherwise words it starts and, for longer words, near misses. */
  expand(term: string): TermExpansion {
    const cached = this.expansions.get(term);
    if (cached) return cached;
    const ids: number[] = [];
    const weights: number[] = [];
    const exact = this.termId.get(term);
    if (exact !== undefined) {
      // a word the index knows is matched as it is: common words must not fan out into near-matches
      ids.push(exact);
      weights.push(1);
    } else {
      const prefixed = new Set<number>();
      // short words get neither: "da" must not become "day" or "dagenham"
      if (term.length >= 3) {
        for (let i = lowerBound(this.sortedTerms, term); i < this.sortedTerms.length && this.sortedTerms[i]!.startsWith(term); i++) {
          const other = this.sortedTerms[i]!;
          const id = this.termId.get(other)!;
          prefixed.add(id);
          ids.push(id);
          weights.push((WEIGHTS.prefix * other.length) / (other.length + 0.3 * (other.length - term.length)));
        }
      }
      const maxDistance = term.length >= 9 ? 2 : term.length >= 5 ? 1 : 0;
      if (maxDistance > 0) {
        for (let len = term.length - maxDistance; len <= term.length + maxDistance; len++) {
          for (const id of this.byLength.get(len) ?? []) {
            if (prefixed.has(id)) continue;
            const other = this.names[id]!;
            const distance = boundedLevenshtein(term, other, maxDistance);
            if (distance > 0 && distance <= maxDistance) {
              ids.push(id);
              weights.push((WEIGHTS.fuzzy * other.length) / (other.length + distance));
            }
          }
        }
      }
    }
    const set = new Bitset(this.documentCount);
    const { start, docs } = this;
    for (const t of ids) for (let p = start[t]!; p < start[t + 1]!; p++) set.add(docs[p]!);
    const expansion: TermExpansion = { term, termIds: Int32Array.from(ids), weights: Float64Array.from(weights), set };
    this.expansions.set(term, expansion);
    return expansion;
  }
}

/** BM25's inverse document frequency of a word held by `df` of `n` services */
function idf(n: number, df: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

function uniqueWords(words: TermExpansion[]): TermExpansion[] {
  if (words.length <= 1) return words;
  const seen = new Map<string, TermExpansion>();
  for (const w of words) if (!seen.has(w.term)) seen.set(w.term, w);
  return [...seen.values()];
}

function lowerBound(sorted: readonly string[], value: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

let rowA = new Int32Array(64);
let rowB = new Int32Array(64);

/** Levenshtein distance, or anything above `max` as soon as it must exceed it. */
export function boundedLevenshtein(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (b.length + 1 > rowA.length) {
    rowA = new Int32Array(b.length * 2 + 1);
    rowB = new Int32Array(b.length * 2 + 1);
  }
  let prev = rowA;
  let cur = rowB;
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const cost = ca === b.charCodeAt(j - 1) ? 0 : 1;
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    const swap = prev;
    prev = cur;
    cur = swap;
  }
  return prev[b.length]!;
}

/** before: higher score first, then the earlier service (a stable order for equal scores) */
/** up to this many kept, a sorted list beats a heap */
const SMALL_K = 64;

function better(scoreA: number, docA: number, scoreB: number, docB: number): boolean {
  return scoreA > scoreB || (scoreA === scoreB && docA < docB);
}

/**
 * Entries [skip, skip + count) of the candidates in best-first order, without sorting them all: a
 * min-heap of the best skip + count, then a sort of just those.
 */
export function topK(docs: Int32Array, scores: Float64Array, length: number, skip: number, count: number): Int32Array {
  const k = Math.min(length, skip + count);
  if (k <= 0 || skip >= length) return new Int32Array(0);
  if (k <= SMALL_K) {
    // the first pages: the best k kept in order, each newcomer better than the last moved into place
    const best = new Int32Array(k);
    let size = 0;
    for (let c = 0; c < length; c++) {
      const score = scores[c]!;
      const doc = docs[c]!;
      if (size === k && !better(score, doc, scores[best[k - 1]!]!, docs[best[k - 1]!]!)) continue;
      let i = size < k ? size++ : k - 1;
      while (i > 0 && better(score, doc, scores[best[i - 1]!]!, docs[best[i - 1]!]!)) {
        best[i] = best[i - 1]!;
        i--;
      }
      best[i] = c;
    }
    return Int32Array.from(best.subarray(skip, size), (i) => docs[i]!);
  }
  // heap of indexes into docs/scores; the root is the worst kept
  const heap = new Int32Array(k);
  let size = 0;
  const worse = (i: number, j: number) => better(scores[j]!, docs[j]!, scores[i]!, docs[i]!);
  const siftDown = (from: number) => {
    let i = from;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < size && worse(heap[l]!, heap[m]!)) m = l;
      if (r < size && worse(heap[r]!, heap[m]!)) m = r;
      if (m === i) return;
      const tmp = heap[i]!;
      heap[i] = heap[m]!;
      heap[m] = tmp;
      i = m;
    }
  };
  for (let c = 0; c < length; c++) {
    if (size < k) {
      let i = size++;
      heap[i] = c;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!worse(heap[i]!, heap[parent]!)) break;
        const tmp = heap[i]!;
        heap[i] = heap[parent]!;
        heap[parent] = tmp;
        i = parent;
      }
    } else if (better(scores[c]!, docs[c]!, scores[heap[0]!]!, docs[heap[0]!]!)) {
      heap[0] = c;
      siftDown(0);
    }
  }
  const best = Array.from(heap.subarray(0, size)).sort((i, j) => (better(scores[i]!, docs[i]!, scores[j]!, docs[j]!) ? -1 : 1));
  return Int32Array.from(best.slice(skip, skip + count), (i) => docs[i]!);
}
