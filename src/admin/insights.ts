/**
 * The insights pages of the editors' workspace (/admin/insights): the anonymous counts of
 * src/insights/insights.ts over a range of days (the last 30 by default, chosen with the GOV.UK date
 * input), as charts drawn on the server, each followed by its table and a CSV of its counts per day.
 * Every signed-in role may read them: they hold no personal data, and editors act on them (a search
 * that found nothing, an unanswered question, may need a service or an FAQ).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { ContentPack } from '../content/schema.js';
import { ALL, NO_FIRST_ACTION, SEARCH_NO_WORDS, SEARCH_WORDS_NOT_KEPT, outcomeKindKey, type DayCount, type InsightMetric, type Insights } from '../insights/insights.js';
import { barChart, dayChart, shortDate } from './charts.js';
import { csv, safeFileName } from './csv.js';

const DAY_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_RANGE_DAYS = 30;
export const MAX_RANGE_DAYS = 366;

type Query = Record<string, unknown>;

export interface Range {
  from: string;
  to: string;
}

export interface DateFields {
  day: string;
  month: string;
  year: string;
}

export type RangeResult =
  | { ok: true; range: Range; fields: { from: DateFields; to: DateFields } }
  | { ok: false; errors: Record<'from' | 'to', string | undefined>; fields: { from: DateFields; to: DateFields } }
  /** the address itself cannot be read (a field twice, too long): a 400 page */
  | { ok: false; unreadable: string };

const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
const fieldsOf = (day: string): DateFields => {
  const [y, m, d] = day.split('-');
  return { day: String(Number(d)), month: String(Number(m)), year: y! };
};

/** One date from its three fields: the date, or what is wrong with it, or nothing when all are empty. */
function readDate(f: DateFields, name: string): { day?: string; error?: string } {
  const given = [f.day, f.month, f.year].filter((v) => v !== '').length;
  if (given === 0) return {};
  const missing = (['day', 'month', 'year'] as const).filter((k) => f[k] === '');
  if (missing.length > 0) return { error: `${name} must include a ${missing.join(' and ')}` };
  if (!/^\d{1,2}$/.test(f.day) || !/^\d{1,2}$/.test(f.month) || !/^\d{4}$/.test(f.year)) return { error: `${name} must be a real date` };
  const day = `${f.year}-${f.month.padStart(2, '0')}-${f.day.padStart(2, '0')}`;
  const parsed = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== day || Number(f.year) < 2000) return { error: `${name} must be a real date` };
  return { day };
}

/**
 * The range of days a query asks for: `from-day`, `from-month`, `from-year` and the same for `to`,
 * or the last 30 days (today included) when none is given.
 */
export function readRange(query: Query, today: string): RangeResult {
  const names = ['from-day', 'from-month', 'from-year', 'to-day', 'to-month', 'to-year'];
  const raw: Record<string, string> = {};
  for (const n of names) {
    const v = query[n];
    if (v === undefined) raw[n] = '';
    else if (typeof v !== 'string') return { ok: false, unreadable: `The address gives ${n} more than once.` };
    else if (v.length > 10) return { ok: false, unreadable: `The address gives a ${n} that is too long.` };
    else raw[n] = v.trim();
  }
  const fields = {
    from: { day: raw['from-day']!, month: raw['from-month']!, year: raw['from-year']! },
    to: { day: raw['to-day']!, month: raw['to-month']!, year: raw['to-year']! },
  };
  if (names.every((n) => raw[n] === '')) {
    const from = addDays(today, -(DEFAULT_RANGE_DAYS - 1));
    return { ok: true, range: { from, to: today }, fields: { from: fieldsOf(from), to: fieldsOf(today) } };
  }
  const from = readDate(fields.from, 'The start date');
  const to = readDate(fields.to, 'The end date');
  const errors: Record<'from' | 'to', string | undefined> = {
    from: from.error ?? (from.day ? undefined : 'Enter the start date'),
    to: to.error ?? (to.day ? undefined : 'Enter the end date'),
  };
  if (!errors.to && to.day! > today) errors.to = 'The end date must be today or in the past';
  if (!errors.from && !errors.to) {
    if (from.day! > to.day!) errors.to = 'The end date must be the same as or after the start date';
    else if (daysBetween(from.day!, to.day!) + 1 > MAX_RANGE_DAYS) errors.to = `The end date must be within ${MAX_RANGE_DAYS} days of the start date`;
  }
  if (errors.from || errors.to) return { ok: false, errors, fields };
  return { ok: true, range: { from: from.day!, to: to.day! }, fields };
}

/** every day of the range, in order */
export function daysOf(range: Range): string[] {
  const out: string[] = [];
  for (let d = range.from; d <= range.to; d = addDays(d, 1)) out.push(d);
  return out;
}

interface ChartDefinition {
  id: string;
  metric: InsightMetric;
  title: string;
  /** what the chart counts, in a sentence */
  about: string;
  /** 'totals': a bar per item over the range; 'daily': a column per day */
  kind: 'totals' | 'daily';
  /** the table's heading for an item */
  itemHeading?: string;
  /** the most items shown (all when not set); the CSV has them all */
  top?: number;
}

/** The charts, in their order on the page. */
export const insightCharts: readonly ChartDefinition[] = [
  { id: 'needs-checks-per-day', metric: 'needs-check-level', kind: 'daily', title: 'Needs check outcomes per day', about: 'How many needs check outcome pages were shown each day.' },
  { id: 'needs-check-levels', metric: 'needs-check-level', kind: 'totals', itemHeading: 'Outcome', title: 'Needs check outcomes by level', about: 'The level of need (or the kind of response, when there is no level) of each outcome shown.' },
  { id: 'needs-check-need-areas', metric: 'needs-check-need-area', kind: 'totals', itemHeading: 'Need area', title: 'Worries in the needs check, by need area', about: 'The need areas chosen as worries in the outcomes shown: an outcome with two worries counts for both.' },
  { id: 'needs-check-first-actions', metric: 'needs-check-first-action', kind: 'totals', itemHeading: 'First action', title: 'First action of the outcome', about: 'The kind of response the outcome puts first.' },
  { id: 'searches-with-no-results', metric: 'search-no-results', kind: 'totals', top: 20, itemHeading: 'Search', title: 'Directory searches that found nothing', about: 'Searches of the directory that found no service. The words are kept only when every one of them is a word of the guidance or of common English that is not a name, and only for the retention period.' },
  { id: 'chat-unanswered', metric: 'chat-unanswered', kind: 'daily', title: 'Chat questions not answered, per day', about: 'Questions the chat could not answer. What is kept of their words is in the editors’ report (npm run editor:report).' },
  { id: 'service-views', metric: 'service-view', kind: 'totals', top: 20, itemHeading: 'Service', title: 'Most viewed service pages', about: 'Views of each service’s page in the directory.' },
  { id: 'card-views', metric: 'card-view', kind: 'totals', top: 20, itemHeading: 'Service', title: 'Expectation cards opened to print', about: 'Each service’s expectation card opened on its own, in its print layout.' },
];

const sentence = (slug: string) => {
  const words = slug.replace(/-+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** Names an item of a metric in the guidance's words (an id no longer published is named as it is). */
export function labeller(pack: ContentPack): (metric: InsightMetric, key: string) => string {
  const levels = new Map(pack.levels.map((l) => [l.id, `${l.label}: ${l.name}`]));
  const areas = new Map(pack.needAreas.flatMap((a) => [[a.id, a.name] as const, ...a.children.map((c) => [c.id, c.name] as const)]));
  const services = new Map(pack.services.map((s) => [s.slug, s.name]));
  const kinds: Record<string, string> = {
    [outcomeKindKey('emergency')]: 'Emergency: call 999',
    [outcomeKindKey('route')]: 'A special route',
    [outcomeKindKey('consult')]: 'No level: only “something else” was chosen',
    [NO_FIRST_ACTION]: 'No first action',
    [SEARCH_WORDS_NOT_KEPT]: 'Words not kept (a name, a number or a word the guidance does not know, or past the retention period)',
    [SEARCH_NO_WORDS]: 'Filters only, no words',
    [ALL]: 'All',
  };
  return (metric, key) => {
    if (kinds[key]) return kinds[key]!;
    switch (metric) {
      case 'needs-check-level':
        return levels.get(key) ?? key;
      case 'needs-check-need-area':
        return areas.get(key) ?? key;
      case 'needs-check-first-action':
        return sentence(key);
      case 'search-no-results':
        return `“${key}”`;
      case 'service-view':
      case 'card-view':
        return services.get(key) ?? `${key} (no longer published)`;
      default:
        return key;
    }
  };
}

export interface ChartView {
  id: string;
  title: string;
  about: string;
  kind: 'totals' | 'daily';
  total: number;
  svg?: string;
  itemHeading: string;
  rows: Array<{ label: string; count: number }>;
  /** items beyond the top ones, not shown */
  more: number;
  csvHref: string;
}

function rangeQuery(range: Range): string {
  const f = fieldsOf(range.from);
  const t = fieldsOf(range.to);
  return new URLSearchParams({ 'from-day': f.day, 'from-month': f.month, 'from-year': f.year, 'to-day': t.day, 'to-month': t.month, 'to-year': t.year }).toString();
}

/** A chart's view: its SVG, the table that follows it, and its CSV link. */
export function chartView(def: ChartDefinition, counts: readonly DayCount[], range: Range, label: (metric: InsightMetric, key: string) => string): ChartView {
  const total = counts.reduce((n, c) => n + c.count, 0);
  const csvHref = `/admin/insights/${def.id}.csv?${rangeQuery(range)}`;
  const span = `${shortDate(range.from)} to ${shortDate(range.to)}`;
  if (def.kind === 'daily') {
    const byDay = new Map<string, number>();
    for (const c of counts) byDay.set(c.day, (byDay.get(c.day) ?? 0) + c.count);
    const days = daysOf(range).map((day) => ({ day, value: byDay.get(day) ?? 0 }));
    const busiest = days.reduce((best, d) => (d.value > best.value ? d : best), { day: range.from, value: 0 });
    const description = `Columns, one per day from ${span}: ${total.toLocaleString('en-GB')} in all${busiest.value > 0 ? `; the most was ${busiest.value.toLocaleString('en-GB')} on ${shortDate(busiest.day)}` : ''}. The table after the chart gives every day.`;
    return {
      id: def.id,
      title: def.title,
      about: def.about,
      kind: 'daily',
      total,
      svg: total > 0 ? dayChart({ id: `chart-${def.id}`, title: `${def.title}, ${span}`, description }, days) : undefined,
      itemHeading: 'Date',
      rows: days.map((d) => ({ label: shortDate(d.day), count: d.value })),
      more: 0,
      csvHref,
    };
  }
  const byKey = new Map<string, number>();
  for (const c of counts) byKey.set(c.key, (byKey.get(c.key) ?? 0) + c.count);
  const all = [...byKey].map(([key, count]) => ({ label: label(def.metric, key), count })).sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
  const rows = def.top ? all.slice(0, def.top) : all;
  const description = `Bars from ${span}, ${total.toLocaleString('en-GB')} in all: ${rows
    .slice(0, 10)
    .map((r) => `${r.label}, ${r.count.toLocaleString('en-GB')}`)
    .join('; ')}${rows.length > 10 ? '; and more in the table after the chart' : ''}.`;
  return {
    id: def.id,
    title: def.title,
    about: def.about,
    kind: 'totals',
    total,
    svg: total > 0 ? barChart({ id: `chart-${def.id}`, title: `${def.title}, ${span}`, description }, rows.map((r) => ({ label: r.label, value: r.count }))) : undefined,
    itemHeading: def.itemHeading ?? 'Item',
    rows,
    more: all.length - rows.length,
    csvHref,
  };
}

/** A chart's counts as CSV: one row per day and item (per day only, for a daily chart). */
export function chartCsv(def: ChartDefinition, counts: readonly DayCount[], range: Range, label: (metric: InsightMetric, key: string) => string): string {
  if (def.kind === 'daily') {
    const byDay = new Map<string, number>();
    for (const c of counts) byDay.set(c.day, (byDay.get(c.day) ?? 0) + c.count);
    return csv([['Date', 'Count'], ...daysOf(range).map((d) => [d, byDay.get(d) ?? 0])]);
  }
  return csv([['Date', def.itemHeading ?? 'Item', 'Count'], ...counts.map((c) => [c.day, label(def.metric, c.key), c.count])]);
}

export interface InsightsRouteDeps {
  insights: Insights;
  content: () => ContentPack;
  signedIn: preHandlerAsyncHookHandler;
  render: (reply: FastifyReply, template: string, context?: Record<string, unknown>) => unknown;
  problem: (reply: FastifyReply, status: number, heading: string, message: string, links?: Array<{ href: string; text: string }>) => unknown;
}

export async function insightsRoutes(app: FastifyInstance, deps: InsightsRouteDeps): Promise<void> {
  const { insights } = deps;
  const back = [{ href: '/admin/insights', text: 'Show the last 30 days' }];

  app.get('/insights', { preHandler: deps.signedIn }, async (request: FastifyRequest, reply: FastifyReply) => {
    const read = readRange(request.query as Query, insights.today());
    if ('unreadable' in read) return deps.problem(reply, 400, 'This address could not be read', `${read.unreadable} Choose the dates on the insights page.`, back);
    const form = (fields: { from: DateFields; to: DateFields }, errors: Record<'from' | 'to', string | undefined> = { from: undefined, to: undefined }) => ({
      fields,
      errors,
      errorList: (['from', 'to'] as const).filter((k) => errors[k]).map((k) => ({ text: errors[k]!, href: `#${k}-day` })),
    });
    if (!read.ok) return deps.render(reply.code(400), 'insights.njk', { title: 'Insights', ...form(read.fields, read.errors), charts: [] });
    // every count this instance made before the page was asked for is in the database
    await insights.settled();
    const label = labeller(deps.content());
    const charts = [];
    for (const def of insightCharts) charts.push(chartView(def, await insights.daily(def.metric, read.range.from, read.range.to), read.range, label));
    return deps.render(reply, 'insights.njk', {
      title: 'Insights',
      ...form(read.fields),
      range: { from: shortDate(read.range.from), to: shortDate(read.range.to) },
      charts,
    });
  });

  app.get<{ Params: { file: string } }>('/insights/:file', { preHandler: deps.signedIn }, async (request, reply) => {
    const id = /^([a-z-]{1,60})\.csv$/.exec(request.params.file)?.[1];
    const def = insightCharts.find((c) => c.id === id);
    if (!def) return deps.problem(reply, 404, 'Page not found', 'There is no such download. Use the links on the insights page.', back);
    const read = readRange(request.query as Query, insights.today());
    if ('unreadable' in read) return deps.problem(reply, 400, 'This address could not be read', `${read.unreadable} Download the data from the insights page.`, back);
    if (!read.ok) return deps.problem(reply, 400, 'These dates could not be used', `${[read.errors.from, read.errors.to].filter(Boolean).join('. ')}. Download the data from the insights page.`, back);
    await insights.settled();
    const body = chartCsv(def, await insights.daily(def.metric, read.range.from, read.range.to), read.range, labeller(deps.content()));
    const name = safeFileName(`insights ${def.id} ${read.range.from} to ${read.range.to}`, 'csv');
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}"`).header('x-content-type-options', 'nosniff').send(body);
  });
}
