/**
 * A second danger detector beside the phrase rules: a logistic regression over words, word pairs and
 * letter groups, learned from the pack's labelled example messages (danger-examples.yaml) when the
 * engine is built. Phrase rules miss new wording ("lads with machetes outside the gates"); letter
 * groups and word pairs carry what was learned to wording the rules never saw, and to typos.
 *
 * Deterministic: the examples are visited in an order fixed by a seeded generator, so one pack always
 * gives the same model; and the last epochs are averaged, so the order matters little. Features are hashed into a fixed table, so nothing grows with the vocabulary.
 */
import { seededRandom } from '../collections/random.js';
import { normalise } from '../content/vocabulary.js';

export interface LabelledMessage {
  q: string;
  danger: boolean;
}

const BITS = 18;
const SIZE = 1 << BITS;
const EPOCHS = 30;
const RATE = 0.1;
const L2 = 1e-4;
/**
 * The model is the average of the weights at the end of the last epochs: with a constant rate, the
 * weights after the last epoch lean on the order of its last few examples, so a small change to the
 * examples moved borderline messages across the threshold. Averaged, another order of the same
 * examples changes the decision on 17 of 3,829 development messages rather than 45, and on no danger message.
 */
const AVERAGED = 10;
/** Words of a message considered at most, as for the rules. */
const MAX_WORDS = 60;

/** FNV-1a over a string, into the table. */
function bucket(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) & (SIZE - 1);
}

/** The features of a message: each word, each pair of adjacent words, and 3- to 5-letter groups of each word. */
export function features(message: string): Uint32Array {
  const words = normalise(message).replace(/[^\p{L}\p{N} ]/gu, '').split(' ').filter(Boolean).slice(0, MAX_WORDS);
  const out = new Set<number>();
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    out.add(bucket(`w:${w}`));
    if (i + 1 < words.length) out.add(bucket(`b:${w} ${words[i + 1]!}`));
    const marked = `<${w}>`;
    for (let n = 3; n <= 5; n++) for (let j = 0; j + n <= marked.length; j++) out.add(bucket(`c${n}:${marked.slice(j, j + n)}`));
  }
  return Uint32Array.from(out);
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export class DangerModel {
  private readonly weights = new Float64Array(SIZE);
  private bias = 0;

  /** what is left of the learning, an epoch a step (see `learning`) */
  private readonly steps: Generator<void>;
  private learned = false;

  /**
   * `seed` orders the examples; any seed gives nearly the same model (the last epochs are averaged).
   * With `now: false` nothing is learned yet: step through `learning` (an epoch a step, a few
   * milliseconds each) before asking for a probability, so a server can answer requests meanwhile.
   */
  constructor(examples: readonly LabelledMessage[], seed = 0x5afe, { now = true } = {}) {
    this.steps = this.learn(examples, seed);
    if (now) while (!this.steps.next().done);
  }

  /** The learning still to do, an epoch a step. */
  get learning(): Generator<void> {
    return this.steps;
  }

  private *learn(examples: readonly LabelledMessage[], seed: number): Generator<void> {
    const xs = examples.map((e) => features(e.q));
    const order = [...xs.keys()];
    const random = seededRandom(seed);
    const sum = new Float64Array(SIZE);
    let sumBias = 0;
    // the weight decay is applied lazily, through one factor for every weight
    let decay = 1;
    for (let epoch = 0; epoch < EPOCHS; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      for (const k of order) {
        const x = xs[k]!;
        if (x.length === 0) continue;
        const scale = 1 / Math.sqrt(x.length);
        decay *= 1 - RATE * L2;
        let z = this.bias;
        for (const f of x) z += this.weights[f]! * decay;
        const g = sigmoid(z) - (examples[k]!.danger ? 1 : 0);
        for (const f of x) this.weights[f]! -= (RATE * g * scale) / decay;
        this.bias -= RATE * g * 0.1;
      }
      if (epoch >= EPOCHS - AVERAGED) {
        for (let f = 0; f < SIZE; f++) sum[f]! += this.weights[f]! * decay;
        sumBias += this.bias;
      }
      if (epoch < EPOCHS - 1) yield;
    }
    for (let f = 0; f < SIZE; f++) this.weights[f] = sum[f]! / AVERAGED;
    this.bias = sumBias / AVERAGED;
    this.learned = true;
  }

  /** How likely the message is to describe a child in danger now, from 0 to 1. */
  probability(message: string): number {
    // asked before the learning is done: finish it first, rather than answer from half a model
    if (!this.learned) while (!this.steps.next().done);
    const x = features(message);
    if (x.length === 0) return 0;
    let z = this.bias;
    for (const f of x) z += this.weights[f]!;
    return sigmoid(z);
  }
}
