/**
 * "Report something wrong with this page": what staff send, checked and stripped of personal details
 * before it is stored for editors. The details box asks for no personal data; redaction is the
 * safety net for when someone types it anyway.
 */
import type { Kysely } from 'kysely';
import type { Generated } from 'kysely';
import { REDACTION_VERSION } from '../privacy/redact.js';
import type { Database } from '../store/database.js';

export const reportReasons = ['out-of-date', 'closed', 'wrong-contact', 'other'] as const;
export type ReportReason = (typeof reportReasons)[number];

export const reportReasonLabels: Record<ReportReason, string> = {
  'out-of-date': 'Some information is out of date',
  closed: 'The service has closed or stopped',
  'wrong-contact': 'A phone number, email or address is wrong',
  other: 'Something else',
};

export const REPORT_DETAILS_MAX = 1000;

export interface DirectoryReportTable {
  id: Generated<number>;
  service_slug: string;
  reason: string;
  details: string | null;
  status: Generated<string>;
  created_at: string;
  redaction: Generated<number>;
}

export interface ReportForm {
  reason: string;
  details: string;
}

export interface ReportErrors {
  reason?: string;
  details?: string;
}

/**
 * Checks a report; its details are redacted by `redact` (the pack's redactor's `note`, see
 * src/privacy/redact.ts) before they can be stored.
 */
export function validateReport(body: unknown, redact: (text: string) => string): { form: ReportForm; errors: ReportErrors; value?: { reason: ReportReason; details?: string } } {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const reason = typeof b['reason'] === 'string' ? b['reason'] : '';
  const details = typeof b['details'] === 'string' ? b['details'].replace(/\r\n/g, '\n').trim() : '';
  const form = { reason, details };
  const errors: ReportErrors = {};
  if (!(reportReasons as readonly string[]).includes(reason)) errors.reason = 'Select what is wrong with this page';
  if (details.length > REPORT_DETAILS_MAX) errors.details = `Details must be ${REPORT_DETAILS_MAX} characters or fewer`;
  if (errors.reason || errors.details) return { form, errors };
  return { form, errors, value: { reason: reason as ReportReason, details: details ? redact(details) || undefined : undefined } };
}

type ReportDb = Kysely<Database & { directory_report: DirectoryReportTable }>;

export class ReportRepository {
  private readonly db: ReportDb;
  constructor(db: Kysely<Database>) {
    this.db = db.withTables<{ directory_report: DirectoryReportTable }>();
  }

  async add(slug: string, reason: ReportReason, details: string | undefined, now = new Date()): Promise<void> {
    await this.db.insertInto('directory_report').values({ service_slug: slug, reason, details: details ?? null, created_at: now.toISOString(), redaction: REDACTION_VERSION }).execute();
  }

  /** Deletes the reports sent before `time`; how many. */
  async deleteSentBefore(time: Date): Promise<number> {
    const r = await this.db.deleteFrom('directory_report').where('created_at', '<', time.toISOString()).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  /** reports whose details were stored by an older redaction than the current one */
  async toRedactAgain(): Promise<Array<{ id: number; details: string }>> {
    const rows = await this.db.selectFrom('directory_report').select(['id', 'details']).where('redaction', '<', REDACTION_VERSION).execute();
    return rows.map((r) => ({ id: r.id, details: r.details ?? '' }));
  }

  async replaceDetails(id: number, details: string): Promise<void> {
    await this.db.updateTable('directory_report').set({ details: details || null, redaction: REDACTION_VERSION }).where('id', '=', id).execute();
  }

  /** newest first, for editors */
  async list(slug?: string): Promise<StoredReport[]> {
    let q = this.db.selectFrom('directory_report').selectAll().orderBy('id', 'desc');
    if (slug) q = q.where('service_slug', '=', slug);
    const rows = await q.execute();
    return rows.map(toReport);
  }

  /** one page of the reports still open (not dealt with), newest first, and how many are open */
  async openPage(offset: number, limit: number): Promise<{ reports: StoredReport[]; total: number }> {
    const total = Number((await this.db.selectFrom('directory_report').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '<>', DEALT_WITH).executeTakeFirstOrThrow()).n);
    const rows = await this.db.selectFrom('directory_report').selectAll().where('status', '<>', DEALT_WITH).orderBy('id', 'desc').limit(limit).offset(offset).execute();
    return { reports: rows.map(toReport), total };
  }

  /** how many open reports each service has (slug → count) */
  async openCounts(): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('directory_report')
      .select(['service_slug', (eb) => eb.fn.countAll<number>().as('n')])
      .where('status', '<>', DEALT_WITH)
      .groupBy('service_slug')
      .execute();
    return new Map(rows.map((r) => [r.service_slug, Number(r.n)]));
  }

  async get(id: number): Promise<StoredReport | undefined> {
    const r = await this.db.selectFrom('directory_report').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toReport(r);
  }

  /** Marks an open report as dealt with; false when there is no such open report. */
  async markDealtWith(id: number): Promise<boolean> {
    const r = await this.db.updateTable('directory_report').set({ status: DEALT_WITH }).where('id', '=', id).where('status', '<>', DEALT_WITH).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
}

/** a report's status once an editor has dealt with it (a new report is 'new') */
export const DEALT_WITH = 'dealt-with';

export interface StoredReport {
  id: number;
  serviceSlug: string;
  reason: string;
  details: string | null;
  status: string;
  createdAt: string;
}

const toReport = (r: { id: number; service_slug: string; reason: string; details: string | null; status: string; created_at: string }): StoredReport => ({
  id: Number(r.id),
  serviceSlug: r.service_slug,
  reason: r.reason,
  details: r.details,
  status: r.status,
  createdAt: r.created_at,
});
