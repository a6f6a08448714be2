/**
 * Insights for the borough: anonymous counts per day of what the guidance was used for. A count is
 * kept under (day, metric, key); the key is a content id (a level, a need area, a service's slug), the
 * kind of a response, or the words of a directory search that found nothing, and then only when
 * redaction would keep every one of them (as for an unanswered chat question). No message text,
 * address, cookie, session, time of day or anything about a child is ever counted.
 *
 * Counts are added off the request's path: `count()` adds to a tally in memory, written to the
 * database (one upsert per key, on both dialects) once the current work is done. `settled()` writes
 * what is waiting, so a reader (the admin page, a test) sees every count made before it asked.
 */
import type { Kysely } from 'kysely';
import { normalise } from '../content/vocabulary.js';
import type { Database } from '../store/database.js';

export const insightMetrics = [
  'needs-check-level',
  'needs-check-need-area',
  'needs-check-first-action',
  'search-no-results',
  'chat-unanswered',
  'service-view',
  'card-view',
] as const;
export type InsightMetric = (typeof insightMetrics)[number];

/** keys that are not content ids: in brackets, which no id or normalised search can hold */
export const SEARCH_WORDS_NOT_KEPT = '[words not kept]';
export const SEARCH_NO_WORDS = '[filters only]';
/** a metric with one count per day */
export const ALL = '[all]';
/** the needs-check outcomes that have no level: its kind, in brackets */
export const outcomeKindKey = (kind: string): string => `[${kind}]`;
/** an outcome whose first step names no kind of response */
export const NO_FIRST_ACTION = '[none]';

/** the longest search kept as a key; longer ones are counted as not kept */
export const SEARCH_KEY_MAX = 100;

/**
 * The key a directory search that found nothing is counted under: its normalised words when
 * redaction keeps every one of them, otherwise only that some words were not kept.
 */
export function searchKey(q: string, redact: (text: string) => string): string {
  const words = normalise(q);
  if (!words) return SEARCH_NO_WORDS;
  if (words.length > SEARCH_KEY_MAX) return SEARCH_WORDS_NOT_KEPT;
  return redact(words) === words ? words : SEARCH_WORDS_NOT_KEPT;
}

export interface InsightCountTable {
  /** YYYY-MM-DD, UTC */
  day: string;
  metric: string;
  key: string;
  count: number;
}
type Db = Kysely<{ insight_count: InsightCountTable }>;

export interface DayCount {
  day: string;
  key: string;
  count: number;
}

const dayOf = (t: number) => new Date(t).toISOString().slice(0, 10);

export class Insights {
  private readonly db: Db;
  private tally = new Map<string, { day: string; metric: InsightMetric; key: string; count: number }>();
  private writing: Promise<void> | undefined;
  private scheduled: NodeJS.Immediate | undefined;

  constructor(
    db: Kysely<Database>,
    private readonly opts: { now?: () => number; onError?: (err: unknown) => void } = {},
  ) {
    this.db = db.withTables<{ insight_count: InsightCountTable }>() as unknown as Db;
  }

  /** today (UTC) as YYYY-MM-DD */
  today(): string {
    return dayOf((this.opts.now ?? Date.now)());
  }

  /** Adds `by` to today's count of `key` under `metric`; written shortly after, never on the caller's path. */
  count(metric: InsightMetric, key: string, by = 1): void {
    const day = this.today();
    const id = `${day}\u0000${metric}\u0000${key}`;
    const entry = this.tally.get(id);
    if (entry) entry.count += by;
    else this.tally.set(id, { day, metric, key, count: by });
    this.scheduled ??= setImmediate(() => {
      this.scheduled = undefined;
      void this.flush().catch((err: unknown) => this.opts.onError?.(err));
    });
  }

  /** Writes every count made so far; resolves when they are in the database. */
  async settled(): Promise<void> {
    if (this.scheduled) {
      clearImmediate(this.scheduled);
      this.scheduled = undefined;
    }
    await this.flush();
  }

  private async flush(): Promise<void> {
    // one write at a time, so counts made meanwhile wait for the next
    while (this.writing) await this.writing.catch(() => undefined);
    if (this.tally.size === 0) return;
    const rows = [...this.tally.values()];
    this.tally = new Map();
    this.writing = this.add(rows).finally(() => {
      this.writing = undefined;
    });
    await this.writing;
  }

  /** Adds each row's count to the stored one, creating it when new. */
  async add(rows: ReadonlyArray<{ day: string; metric: string; key: string; count: number }>): Promise<void> {
    for (const r of rows) {
      await this.db
        .insertInto('insight_count')
        .values({ day: r.day, metric: r.metric, key: r.key, count: r.count })
        .onConflict((oc) => oc.columns(['day', 'metric', 'key']).doUpdateSet((eb) => ({ count: eb('insight_count.count', '+', eb.ref('excluded.count')) })))
        .execute();
    }
  }

  /** Every count of `metric` from `from` to `to` (days, inclusive), by day then key. */
  async daily(metric: InsightMetric, from: string, to: string): Promise<DayCount[]> {
    const rows = await this.db
      .selectFrom('insight_count')
      .select(['day', 'key', 'count'])
      .where('metric', '=', metric)
      .where('day', '>=', from)
      .where('day', '<=', to)
      .orderBy('day')
      .orderBy('key')
      .execute();
    return rows.map((r) => ({ day: r.day, key: r.key, count: Number(r.count) }));
  }

  /**
   * The words of searches that found nothing are kept for the retention period, like unanswered
   * questions: those counted before `beforeDay` are added to the day's "words not kept" count and
   * deleted. How many keys went.
   */
  async forgetSearchWords(beforeDay: string): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const old = trx
        .selectFrom('insight_count')
        .where('metric', '=', 'search-no-results')
        .where('day', '<', beforeDay)
        .where('key', 'not in', [SEARCH_WORDS_NOT_KEPT, SEARCH_NO_WORDS]);
      const sums = await old.select((eb) => ['day', eb.fn.sum<number | string>('count').as('n'), eb.fn.countAll<number | string>().as('keys')]).groupBy('day').execute();
      if (sums.length === 0) return 0;
      await trx
        .deleteFrom('insight_count')
        .where('metric', '=', 'search-no-results')
        .where('day', '<', beforeDay)
        .where('key', 'not in', [SEARCH_WORDS_NOT_KEPT, SEARCH_NO_WORDS])
        .execute();
      for (const s of sums) {
        await trx
          .insertInto('insight_count')
          .values({ day: s.day, metric: 'search-no-results', key: SEARCH_WORDS_NOT_KEPT, count: Number(s.n) })
          .onConflict((oc) => oc.columns(['day', 'metric', 'key']).doUpdateSet((eb) => ({ count: eb('insight_count.count', '+', eb.ref('excluded.count')) })))
          .execute();
      }
      return sums.reduce((n, s) => n + Number(s.keys), 0);
    });
  }
}
