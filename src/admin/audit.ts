/**
 * The audit log: who did what to which record, and when, for sign-ins and every change made in the
 * workspace or by its commands. Its detail is a small JSON object about the workspace's own records
 * (a user's email and role); it never holds anything about a child or family, and a failed sign-in's
 * email is kept masked.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/database.js';
import { adminDb, type AdminDb } from './tables.js';

export const auditActions = {
  'sign-in': 'Signed in',
  'sign-in-failed': 'Sign-in failed',
  'sign-in-refused': 'Sign-in refused (too many attempts)',
  'sign-out': 'Signed out',
  'user-added': 'User added',
  'user-disabled': 'User disabled',
  'user-enabled': 'User enabled',
  'role-changed': 'Role changed',
  'password-set': 'Password set',
  'draft-created': 'Draft started',
  'draft-saved': 'Draft saved',
  'draft-submitted': 'Draft submitted for review',
  'draft-published': 'Draft approved and published',
  'draft-rejected': 'Draft rejected',
  'draft-publish-refused': 'Publish refused',
  'draft-withdrawn': 'Draft withdrawn',
  'report-dealt-with': 'Report marked as dealt with',
  'faq-draft-from-question': 'FAQ draft made from an unanswered question',
  'content-exported': 'Published content exported',
  'template-uploaded': 'Template uploaded',
  'template-confirmed': 'Template upload confirmed: drafts made',
  'provider-link-created': 'Provider check link made',
  'provider-link-revoked': 'Provider check link cancelled',
  'provider-confirmed': 'Provider confirmed the record (review date updated)',
  'provider-proposed': 'Provider proposed changes (draft waiting for review)',
} as const;
export type AuditAction = keyof typeof auditActions;

/** Who acted: a signed-in user, or a command run on the server (actor undefined). */
export interface Actor {
  id: number;
  email: string;
}

export type AuditDetail = Record<string, string | number | boolean | null>;

export interface AuditEntry {
  id: number;
  at: string;
  actorEmail: string | null;
  action: string;
  actionLabel: string;
  recordType: string | null;
  recordId: string | null;
  detail: AuditDetail;
}

/** a@example.org → a…@example.org: enough to see a pattern of attempts, not whose they were */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '…';
  return `${email[0]}…${email.slice(at).slice(0, 100)}`;
}

export const AUDIT_PAGE_SIZE = 50;

/** what one entry of the audit log records */
export interface AuditInput {
  actor?: Actor;
  action: AuditAction;
  recordType?: string;
  recordId?: string | number;
  detail?: AuditDetail;
}

export class AuditLog {
  private readonly db: AdminDb;
  constructor(db: Kysely<Database>) {
    this.db = adminDb(db);
  }

  async record(entry: AuditInput, now = new Date()): Promise<void> {
    await this.recordMany([entry], now);
  }

  /** several entries at once, in one statement per 200 (a template upload's drafts) */
  async recordMany(entries: AuditInput[], now = new Date()): Promise<void> {
    const row = (entry: AuditInput) => ({
      at: now.toISOString(),
      actor_user_id: entry.actor?.id ?? null,
      actor_email: entry.actor?.email ?? null,
      action: entry.action,
      record_type: entry.recordType ?? null,
      record_id: entry.recordId === undefined ? null : String(entry.recordId),
      detail: JSON.stringify(entry.detail ?? {}),
    });
    for (let i = 0; i < entries.length; i += 200) await this.db.insertInto('audit_log').values(entries.slice(i, i + 200).map(row)).execute();
  }

  /** one page of entries, newest first, and how many there are in all */
  async page(page: number, size = AUDIT_PAGE_SIZE): Promise<{ entries: AuditEntry[]; total: number }> {
    const total = Number((await this.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const rows = await this.db
      .selectFrom('audit_log')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(size)
      .offset(Math.max(0, page - 1) * size)
      .execute();
    const entries = rows.map((r) => ({
      id: r.id,
      at: r.at,
      actorEmail: r.actor_email,
      action: r.action,
      actionLabel: auditActions[r.action as AuditAction] ?? r.action,
      recordType: r.record_type,
      recordId: r.record_id,
      detail: parseDetail(r.detail),
    }));
    return { entries, total };
  }
}

function parseDetail(json: string): AuditDetail {
  try {
    const v: unknown = JSON.parse(json);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as AuditDetail) : {};
  } catch {
    return {};
  }
}
