/**
 * Provider check links as the store keeps them (table provider_link, migration 0013): made by an
 * editor for one service, open until used once (a confirmation or a proposal), cancelled, or past
 * their expiry. A use is claimed with one conditional update, so two requests with the same link
 * cannot both use it.
 */
import { randomBytes } from 'node:crypto';
import type { Generated, Kysely, Transaction } from 'kysely';
import type { Database } from '../store/database.js';
import type { Actor } from './audit.js';
import { linkKey, PROVIDER_CHECK_PURPOSE, signLink, verifyLink, type TokenRefusal } from './provider-token.js';

export const DEFAULT_LINK_DAYS = 14;
export const DAY_MS = 24 * 60 * 60 * 1000;

export type LinkStatus = 'open' | 'confirmed' | 'proposed' | 'revoked';
/** what an editor sees: an open link past its expiry is expired */
export type LinkState = LinkStatus | 'expired';

export const linkStateLabels: Record<LinkState, string> = {
  open: 'Open',
  confirmed: 'Used: confirmed',
  proposed: 'Used: changes proposed',
  revoked: 'Cancelled',
  expired: 'Expired',
};

interface ProviderLinkTable {
  id: Generated<number>;
  service_slug: string;
  nonce: string;
  status: string;
  /** bigint: read back as a string on PostgreSQL */
  expires_at: number | string;
  created_at: string;
  created_by_id: number;
  created_by_email: string;
  used_at: string | null;
  draft_id: number | null;
  published_version: number | null;
  revoked_at: string | null;
  revoked_by_email: string | null;
}
type Tables = { provider_link: ProviderLinkTable };
type Row = Omit<ProviderLinkTable, 'id'> & { id: number };

export interface ProviderLink {
  id: number;
  slug: string;
  nonce: string;
  status: LinkStatus;
  /** ms since 1970 */
  expiresAt: number;
  createdAt: string;
  createdByEmail: string;
  usedAt: string | null;
  draftId: number | null;
  publishedVersion: number | null;
  revokedAt: string | null;
  revokedByEmail: string | null;
}

const toLink = (r: Row): ProviderLink => ({
  id: Number(r.id),
  slug: r.service_slug,
  nonce: r.nonce,
  status: r.status as LinkStatus,
  expiresAt: Number(r.expires_at),
  createdAt: r.created_at,
  createdByEmail: r.created_by_email,
  usedAt: r.used_at,
  draftId: r.draft_id === null ? null : Number(r.draft_id),
  publishedVersion: r.published_version === null ? null : Number(r.published_version),
  revokedAt: r.revoked_at,
  revokedByEmail: r.revoked_by_email,
});

export const stateOf = (link: ProviderLink, nowMs: number): LinkState => (link.status === 'open' && link.expiresAt <= nowMs ? 'expired' : link.status);

/** why a link cannot be used: the provider's page for each (never a word about the service) */
export type LinkRefusal = TokenRefusal | 'unknown' | 'revoked' | 'used';

export class ProviderLinks {
  private readonly db: Kysely<Tables>;
  private readonly key: Buffer;

  constructor(
    db: Kysely<Database>,
    secret: string,
    private readonly now: () => number,
    /** how many days a new link works */
    readonly days = DEFAULT_LINK_DAYS,
  ) {
    this.db = db.withTables<Tables>() as unknown as Kysely<Tables>;
    this.key = linkKey(secret);
  }

  /** the link's token, for the editor to copy (open links only are shown) */
  token(link: ProviderLink): string {
    return signLink(this.key, { purpose: PROVIDER_CHECK_PURPOSE, linkId: link.id, slug: link.slug, expiresAt: Math.floor(link.expiresAt / 1000), nonce: link.nonce });
  }

  /** A new open link for the service, expiring `days` from now (to the second). */
  async create(slug: string, actor: Actor): Promise<ProviderLink> {
    const now = this.now();
    const expiresAt = Math.floor((now + this.days * DAY_MS) / 1000) * 1000;
    const row = await this.db
      .insertInto('provider_link')
      .values({
        service_slug: slug,
        nonce: randomBytes(12).toString('base64url'),
        status: 'open',
        expires_at: expiresAt,
        created_at: new Date(now).toISOString(),
        created_by_id: actor.id,
        created_by_email: actor.email,
        used_at: null,
        draft_id: null,
        published_version: null,
        revoked_at: null,
        revoked_by_email: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return (await this.get(Number(row.id)))!;
  }

  async get(id: number): Promise<ProviderLink | undefined> {
    const r = await this.db.selectFrom('provider_link').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toLink(r as Row);
  }

  /** the service's links, newest first */
  async forService(slug: string): Promise<ProviderLink[]> {
    const rows = await this.db.selectFrom('provider_link').selectAll().where('service_slug', '=', slug).orderBy('id', 'desc').limit(200).execute();
    return rows.map((r) => toLink(r as Row));
  }

  /** links of every service: the open ones (expired too), and the most recently used */
  async overview(limit = 100): Promise<{ open: ProviderLink[]; used: ProviderLink[] }> {
    const open = await this.db.selectFrom('provider_link').selectAll().where('status', '=', 'open').orderBy('id', 'desc').limit(limit).execute();
    const used = await this.db.selectFrom('provider_link').selectAll().where('status', 'in', ['confirmed', 'proposed']).orderBy('used_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return { open: open.map((r) => toLink(r as Row)), used: used.map((r) => toLink(r as Row)) };
  }

  /**
   * The link a token names, if it can be used now: its signature, purpose and expiry, then its row
   * (the same service, expiry and nonce; open).
   */
  async open(token: unknown): Promise<{ ok: true; link: ProviderLink } | { ok: false; reason: LinkRefusal; link?: ProviderLink }> {
    const check = verifyLink(this.key, token, this.now());
    if (!check.ok) return check;
    const { claims } = check;
    const link = await this.get(claims.linkId);
    if (!link || link.slug !== claims.slug || link.nonce !== claims.nonce || Math.floor(link.expiresAt / 1000) !== claims.expiresAt) return { ok: false, reason: 'unknown' };
    if (link.status === 'revoked') return { ok: false, reason: 'revoked', link };
    if (link.status !== 'open') return { ok: false, reason: 'used', link };
    return { ok: true, link };
  }

  /** Cancels an open link; false when it was not open (used or cancelled meanwhile). */
  async revoke(link: ProviderLink, actor: Actor): Promise<boolean> {
    const r = await this.db
      .updateTable('provider_link')
      .set({ status: 'revoked', revoked_at: new Date(this.now()).toISOString(), revoked_by_email: actor.email })
      .where('id', '=', link.id)
      .where('status', '=', 'open')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /**
   * Marks an open, unexpired link used (inside the caller's transaction when given); false when it
   * was not (used, cancelled or expired meanwhile): the caller then changes nothing.
   */
  async claim(link: ProviderLink, status: 'confirmed' | 'proposed', trx?: Transaction<Database>): Promise<boolean> {
    const db = (trx ?? this.db) as unknown as Kysely<Tables>;
    const now = this.now();
    const r = await db
      .updateTable('provider_link')
      .set({ status, used_at: new Date(now).toISOString() })
      .where('id', '=', link.id)
      .where('status', '=', 'open')
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** A claimed link made open again, when what it was claimed for could not be done. */
  async unclaim(link: ProviderLink): Promise<void> {
    await this.db.updateTable('provider_link').set({ status: 'open', used_at: null }).where('id', '=', link.id).where('draft_id', 'is', null).where('published_version', 'is', null).execute();
  }

  /** What the use made: the proposal's draft, or the confirmation's content version. */
  async recordOutcome(link: ProviderLink, outcome: { draftId?: number; publishedVersion?: number }): Promise<void> {
    await this.db
      .updateTable('provider_link')
      .set({ ...(outcome.draftId !== undefined ? { draft_id: outcome.draftId } : {}), ...(outcome.publishedVersion !== undefined ? { published_version: outcome.publishedVersion } : {}) })
      .where('id', '=', link.id)
      .execute();
  }
}
