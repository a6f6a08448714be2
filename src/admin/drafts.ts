/**
 * Drafts: an editor's proposed change to one record (a new record, a change, or its removal), saved
 * as it is typed, submitted for review, then approved and published by a reviewer who is not its
 * author, or rejected with a comment. Publishing applies the draft to the published pack as it is at
 * that moment, checks the whole pack as content:check does, and writes it as a new content version
 * with the draft's own row, in one transaction. A draft whose record was changed and published since
 * it began is refused, and kept.
 */
import type { Generated, Kysely, SelectQueryBuilder, Transaction } from 'kysely';
import type { ContentProblem } from '../content/problems.js';
import type { ContentPack } from '../content/schema.js';
import { publishEdit } from '../publishing.js';
import type { Database } from '../store/database.js';
import type { Store } from '../store/store.js';
import { AuditLog, type Actor, type AuditDetail } from './audit.js';
import { checkDraft, findRecord, recordHash, type DraftCheck, type Proposed, type RecordType } from './records.js';

/** a withdrawn draft is kept (its history and audit trail stay readable), never published, and cannot be changed again */
export type DraftStatus = 'draft' | 'submitted' | 'rejected' | 'published' | 'withdrawn';
export type DraftAction = 'create' | 'change' | 'remove';

/** drafts listed per page: a template upload can make hundreds */
export const DRAFT_PAGE_SIZE = 50;

export const draftStatusLabels: Record<DraftStatus, string> = {
  draft: 'Draft',
  submitted: 'Waiting for review',
  rejected: 'Rejected',
  published: 'Published',
  withdrawn: 'Withdrawn',
};

export interface DraftTable {
  id: Generated<number>;
  record_type: string;
  record_id: string;
  action: string;
  proposed: string | null;
  base_version: number;
  base_hash: string | null;
  author_id: number;
  author_email: string;
  status: string;
  created_at: string;
  updated_at: string;
  submitted_at: string | null;
  reviewer_id: number | null;
  reviewer_email: string | null;
  reviewed_at: string | null;
  review_comment: string | null;
  published_version: number | null;
  previous: string | null;
  reverts_draft_id: number | null;
}
type DraftTables = { content_draft: DraftTable };
type DraftDb = Kysely<DraftTables>;

/** A new draft's row: not yet submitted, reviewed or published. */
function newDraftRow(
  input: { type: RecordType; id: string; action: DraftAction; proposed: Proposed | null },
  actor: Actor,
  at: string,
  baseVersion: number,
  baseHash: string | null,
): Omit<DraftTable, 'id'> {
  return {
    record_type: input.type,
    record_id: input.id,
    action: input.action,
    proposed: input.proposed === null ? null : JSON.stringify(input.proposed),
    base_version: baseVersion,
    base_hash: baseHash,
    author_id: actor.id,
    author_email: actor.email,
    status: 'draft',
    created_at: at,
    updated_at: at,
    submitted_at: null,
    reviewer_id: null,
    reviewer_email: null,
    reviewed_at: null,
    review_comment: null,
    published_version: null,
    previous: null,
    reverts_draft_id: null,
  };
}
type Row = DraftTable & { id: number };
/** drafts filtered for a list, before they are ordered and paged */
type DraftQuery = SelectQueryBuilder<DraftTables, 'content_draft', object>;
/** the same, selecting whole rows */
type DraftRows = SelectQueryBuilder<DraftTables, 'content_draft', Row>;
/** one page of a list of drafts, and how many the list has */
export interface DraftPage {
  drafts: Draft[];
  total: number;
}

export interface Draft {
  id: number;
  recordType: RecordType;
  recordId: string;
  action: DraftAction;
  /** the proposed record; null proposes its removal */
  proposed: Proposed | null;
  baseVersion: number;
  /** the record as published when the draft began (its hash); null for a new record */
  baseHash: string | null;
  authorId: number;
  authorEmail: string;
  status: DraftStatus;
  createdAt: string;
  updatedAt: string;
  submittedAt: string | null;
  reviewerEmail: string | null;
  reviewedAt: string | null;
  reviewComment: string | null;
  publishedVersion: number | null;
  /** the record as it was before this draft was published (null: it was new) */
  previous: unknown;
  revertsDraftId: number | null;
}

const parse = (json: string | null): unknown => (json === null ? null : JSON.parse(json));
const toDraft = (r: Row): Draft => ({
  id: Number(r.id),
  recordType: r.record_type as RecordType,
  recordId: r.record_id,
  action: r.action as DraftAction,
  proposed: parse(r.proposed) as Proposed | null,
  baseVersion: Number(r.base_version),
  baseHash: r.base_hash,
  authorId: Number(r.author_id),
  authorEmail: r.author_email,
  status: r.status as DraftStatus,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  submittedAt: r.submitted_at,
  reviewerEmail: r.reviewer_email,
  reviewedAt: r.reviewed_at,
  reviewComment: r.review_comment,
  publishedVersion: r.published_version === null ? null : Number(r.published_version),
  previous: parse(r.previous),
  revertsDraftId: r.reverts_draft_id === null ? null : Number(r.reverts_draft_id),
});

/** A step refused for a reason the person can act on; `status` is the HTTP status it answers with. */
export class DraftError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly problems: ContentProblem[] = [],
  ) {
    super(message);
  }
}

/** what an editor may still change: a draft, or a rejected one (saving it makes it a draft again) */
export const isOpen = (d: Draft) => d.status === 'draft' || d.status === 'submitted' || d.status === 'rejected';

export interface DraftDeps {
  store: Store;
  /** the published pack and its version, as this instance serves them */
  pack(): ContentPack;
  version(): number;
  now(): number;
  /** the date review dates are judged against (tests) */
  today?: () => Date;
}

export class Drafts {
  private readonly db: DraftDb;
  private readonly audit: AuditLog;
  constructor(private readonly deps: DraftDeps) {
    this.db = deps.store.db.withTables<{ content_draft: DraftTable }>() as unknown as DraftDb;
    this.audit = new AuditLog(deps.store.db);
  }

  private iso = () => new Date(this.deps.now()).toISOString();
  private today = () => this.deps.today?.() ?? new Date(this.deps.now());

  async get(id: number): Promise<Draft | undefined> {
    const r = await this.db.selectFrom('content_draft').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toDraft(r as Row);
  }

  /** the user's drafts not yet published, newest first: one page of them, and how many there are */
  async mine(userId: number, page = 1, size = DRAFT_PAGE_SIZE): Promise<DraftPage> {
    const open = this.db.selectFrom('content_draft').where('author_id', '=', userId).where('status', 'in', ['draft', 'submitted', 'rejected']);
    return this.pageOf(open, (q) => q.orderBy('id', 'desc'), page, size);
  }

  /** drafts waiting for review, oldest first: one page of them, and how many there are */
  async waiting(page = 1, size = DRAFT_PAGE_SIZE): Promise<DraftPage> {
    const submitted = this.db.selectFrom('content_draft').where('status', '=', 'submitted');
    return this.pageOf(submitted, (q) => q.orderBy('submitted_at').orderBy('id'), page, size);
  }

  /** one page of the drafts a query selects, in its order, and how many it selects in all */
  private async pageOf(drafts: DraftQuery, order: (q: DraftRows) => DraftRows, page: number, size: number): Promise<DraftPage> {
    const rows = await order(drafts.selectAll() as DraftRows).limit(size).offset((page - 1) * size).execute();
    const { n } = await drafts.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
    return { drafts: rows.map((r) => toDraft(r)), total: Number(n) };
  }

  /** the record's drafts not yet published */
  async openFor(type: RecordType, id: string): Promise<Draft[]> {
    const rows = await this.db.selectFrom('content_draft').selectAll().where('record_type', '=', type).where('record_id', '=', id).where('status', 'in', ['draft', 'submitted', 'rejected']).orderBy('id', 'desc').execute();
    return rows.map((r) => toDraft(r as Row));
  }

  /** the record's published changes, newest first */
  async history(type: RecordType, id: string): Promise<Draft[]> {
    const rows = await this.db.selectFrom('content_draft').selectAll().where('record_type', '=', type).where('record_id', '=', id).where('status', '=', 'published').orderBy('published_version', 'desc').execute();
    return rows.map((r) => toDraft(r as Row));
  }

  /** Starts a draft of the record as published now (its base). */
  async create(input: { type: RecordType; id: string; action: DraftAction; proposed: Proposed | null; revertsDraftId?: number }, actor: Actor): Promise<Draft> {
    const current = input.action === 'create' ? undefined : findRecord(this.deps.pack(), input.type, input.id);
    if (input.action !== 'create' && !current) throw new DraftError('There is no such record: it may have been removed.', 404);
    const at = this.iso();
    const row = await this.db
      .insertInto('content_draft')
      .values({
        ...newDraftRow(input, actor, at, this.deps.version(), recordHash(current) ?? null),
        reverts_draft_id: input.revertsDraftId ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const id = Number(row.id);
    await this.audit.record({ actor, action: 'draft-created', recordType: input.type, recordId: input.id, detail: { draft: id, change: input.action, ...(input.revertsDraftId ? { reverts: input.revertsDraftId } : {}) } }, new Date(this.deps.now()));
    return (await this.get(id))!;
  }

  /**
   * Starts several drafts at once, each submitted for review: the records of a stakeholder template's
   * upload, checked together when it was uploaded (template-check.ts). One transaction, which first
   * runs `claim` (false: the upload was confirmed already, and nothing is written). A reviewer other
   * than the author approves each as usual.
   */
  async createSubmitted(
    inputs: Array<{ type: RecordType; id: string; action: 'create' | 'change'; proposed: Proposed; baseHash: string | null }>,
    actor: Actor,
    opts: { claim(trx: Transaction<Database>): Promise<boolean>; detail?: AuditDetail },
  ): Promise<number[] | undefined> {
    const at = this.iso();
    const version = this.deps.version();
    return this.deps.store.db.transaction().execute(async (trx) => {
      if (!(await opts.claim(trx))) return undefined;
      const t = trx as unknown as Transaction<{ content_draft: DraftTable }>;
      const ids: number[] = [];
      for (const input of inputs) {
        const row = await t
          .insertInto('content_draft')
          .values({ ...newDraftRow(input, actor, at, version, input.baseHash), status: 'submitted', submitted_at: at })
          .returning('id')
          .executeTakeFirstOrThrow();
        ids.push(Number(row.id));
      }
      const when = new Date(this.deps.now());
      await new AuditLog(trx).recordMany(
        inputs.flatMap((input, i) => [
          { actor, action: 'draft-created' as const, recordType: input.type, recordId: input.id, detail: { draft: ids[i]!, change: input.action, ...opts.detail } },
          { actor, action: 'draft-submitted' as const, recordType: input.type, recordId: input.id, detail: { draft: ids[i]! } },
        ]),
        when,
      );
      return ids;
    });
  }

  /** Saves the proposed record of an open draft; a draft under review or rejected becomes a draft again. */
  async save(draft: Draft, proposed: Proposed, recordId: string, actor: Actor): Promise<Draft> {
    if (!isOpen(draft)) throw new DraftError('This draft has been published and cannot be changed. Start a new draft from the record.', 409);
    await this.db
      .updateTable('content_draft')
      .set({ proposed: JSON.stringify(proposed), record_id: draft.action === 'create' ? recordId : draft.recordId, status: 'draft', updated_at: this.iso(), submitted_at: null })
      .where('id', '=', draft.id)
      .execute();
    await this.audit.record({ actor, action: 'draft-saved', recordType: draft.recordType, recordId: draft.action === 'create' ? recordId : draft.recordId, detail: { draft: draft.id } }, new Date(this.deps.now()));
    return (await this.get(draft.id))!;
  }

  /** The draft checked against the published pack as it is now, as content:check checks a pack. */
  check(draft: Draft, pack = this.deps.pack()): DraftCheck {
    return checkDraft(pack, draft.recordType, draft.recordId, draft.proposed, { isNew: draft.action === 'create', today: this.today() });
  }

  /** true when the record was changed and published since the draft began */
  conflicts(draft: Draft, pack = this.deps.pack()): boolean {
    return (recordHash(findRecord(pack, draft.recordType, draft.recordId)) ?? null) !== draft.baseHash;
  }

  async submit(draft: Draft, actor: Actor): Promise<Draft> {
    if (draft.status === 'submitted') return draft;
    if (!isOpen(draft)) throw new DraftError(draft.status === 'withdrawn' ? 'This draft has been withdrawn.' : 'This draft has been published already.', 409);
    const { errors } = this.check(draft);
    if (errors.length) throw new DraftError('Fix the problems in this draft before you submit it.', 400, errors);
    await this.db.updateTable('content_draft').set({ status: 'submitted', submitted_at: this.iso(), updated_at: this.iso() }).where('id', '=', draft.id).execute();
    await this.audit.record({ actor, action: 'draft-submitted', recordType: draft.recordType, recordId: draft.recordId, detail: { draft: draft.id } }, new Date(this.deps.now()));
    return (await this.get(draft.id))!;
  }

  async reject(draft: Draft, comment: string, actor: Actor): Promise<Draft> {
    this.reviewable(draft, actor);
    await this.db
      .updateTable('content_draft')
      .set({ status: 'rejected', reviewer_id: actor.id, reviewer_email: actor.email, reviewed_at: this.iso(), review_comment: comment, updated_at: this.iso() })
      .where('id', '=', draft.id)
      .where('status', '=', 'submitted')
      .execute();
    await this.audit.record({ actor, action: 'draft-rejected', recordType: draft.recordType, recordId: draft.recordId, detail: { draft: draft.id } }, new Date(this.deps.now()));
    return (await this.get(draft.id))!;
  }

  private reviewable(draft: Draft, actor: Actor) {
    if (draft.authorId === actor.id) throw new DraftError('You wrote this draft, so another reviewer must approve or reject it.', 403);
    if (draft.status !== 'submitted') throw new DraftError(draft.status === 'published' ? 'This draft has been published already.' : 'This draft is not waiting for review: its author has not submitted it, or has changed it since.', 409);
  }

  /**
   * Approves the draft and publishes it: in one transaction, with one publisher at a time, the draft is
   * read again, its record compared with its base, the pack with the draft applied checked, and the
   * pack and the draft's new state written. Anything refused publishes nothing and keeps the draft.
   */
  async approve(draft: Draft, actor: Actor): Promise<{ draft: Draft; version: number }> {
    this.reviewable(draft, actor);
    let version: number;
    try {
      ({ version } = await publishEdit(this.deps.store, async (current, trx) => {
        const now = (await this.getIn(trx, draft.id))!;
        this.reviewable(now, actor);
        if (this.conflicts(now, current)) {
          throw new DraftError(
            `This ${now.recordType === 'faq' ? 'FAQ' : now.recordType} was changed and published by someone else after this draft was started, so publishing it would undo their change. Nothing was published and the draft is kept: its author can start a new draft from the record as it is now and copy this draft’s changes into it.`,
            409,
          );
        }
        const { pack, hash, errors } = this.check(now, current);
        if (!pack || errors.length) throw new DraftError('The pack with this draft applied does not pass the checks any more (another change may have been published meanwhile). Nothing was published.', 409, errors);
        const previous = findRecord(current, now.recordType, now.recordId);
        await (trx as unknown as Transaction<{ content_draft: DraftTable }>)
          .updateTable('content_draft')
          .set({ status: 'published', reviewer_id: actor.id, reviewer_email: actor.email, reviewed_at: this.iso(), updated_at: this.iso(), previous: previous === undefined ? null : JSON.stringify(previous) })
          .where('id', '=', now.id)
          .execute();
        return { pack, hash, result: undefined };
      }));
    } catch (err) {
      if (err instanceof DraftError) {
        await this.audit.record({ actor, action: 'draft-publish-refused', recordType: draft.recordType, recordId: draft.recordId, detail: { draft: draft.id, reason: err.message.slice(0, 200) } }, new Date(this.deps.now()));
      }
      throw err;
    }
    await this.db.updateTable('content_draft').set({ published_version: version }).where('id', '=', draft.id).execute();
    await this.audit.record({ actor, action: 'draft-published', recordType: draft.recordType, recordId: draft.recordId, detail: { draft: draft.id, version, author: draft.authorEmail } }, new Date(this.deps.now()));
    return { draft: (await this.get(draft.id))!, version };
  }

  private async getIn(trx: Transaction<Database>, id: number): Promise<Draft | undefined> {
    const r = await (trx as unknown as Transaction<{ content_draft: DraftTable }>).selectFrom('content_draft').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toDraft(r as Row);
  }

  /**
   * Withdraws a draft not yet published (a draft, one waiting for review, or a rejected one): it is
   * kept, marked withdrawn, and leaves every list of open drafts. Only the caller's check says who may.
   */
  async withdraw(draft: Draft, actor: Actor): Promise<Draft> {
    if (!isOpen(draft)) throw new DraftError(draft.status === 'withdrawn' ? 'This draft has been withdrawn already.' : 'This draft has been published: it cannot be withdrawn. Revert the change from the record’s history instead.', 409);
    const r = await this.db
      .updateTable('content_draft')
      .set({ status: 'withdrawn', updated_at: this.iso() })
      .where('id', '=', draft.id)
      .where('status', 'in', ['draft', 'submitted', 'rejected'])
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) throw new DraftError('This draft was published or withdrawn meanwhile. Nothing was changed.', 409);
    await this.audit.record({ actor, action: 'draft-withdrawn', recordType: draft.recordType, recordId: draft.recordId, detail: { draft: draft.id, was: draft.status } }, new Date(this.deps.now()));
    return (await this.get(draft.id))!;
  }

  /** A new draft that undoes a published change: the record as it was before it, for review like any draft. */
  async revert(published: Draft, actor: Actor): Promise<Draft> {
    if (published.status !== 'published') throw new DraftError('Only a published change can be reverted.', 409);
    const current = findRecord(this.deps.pack(), published.recordType, published.recordId);
    const previous = published.previous as Proposed | null;
    if (previous === null && !current) throw new DraftError('This record is not published any more: there is nothing to revert.', 409);
    const action: DraftAction = previous === null ? 'remove' : current ? 'change' : 'create';
    return this.create({ type: published.recordType, id: published.recordId, action, proposed: previous, revertsDraftId: published.id }, actor);
  }
}
