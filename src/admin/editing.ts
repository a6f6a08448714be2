/**
 * Editing, review and publishing in the workspace (under /admin): the lists of services, FAQs and key
 * contacts with search; a record's page, its edit form and its history with a readable diff and
 * revert; drafts (yours, and those waiting for review) with preview, submit, approve and publish, and
 * reject. Every change goes through a draft (drafts.ts) and is written to the audit log.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { expandPlaceholders } from '../chat/answers.js';
import type { ContentProblem } from '../content/problems.js';
import type { PublishedContent } from '../content/published.js';
import { contactRoles, SLUG_PATTERN, type ContentPack } from '../content/schema.js';
import { deliveryLabels, providerLabels } from '../directory/labels.js';
import type { Store } from '../store/store.js';
import type { Actor } from './audit.js';
import { diffRecords } from './diff.js';
import { DRAFT_PAGE_SIZE, DraftError, Drafts, draftStatusLabels, isOpen, type Draft, type DraftAction } from './drafts.js';
import { pageOf, pagination } from './pagination.js';
import { formFor, formValues, formView, placeProblems, readForm, rowCounts, type FieldError } from './forms.js';
import { findRecord, isRecordType, listRecords, proposedId, recordTitle, recordTypeLabels, recordTypes, type Proposed, type RecordType } from './records.js';
import { can, type Permission } from './roles.js';
import type { AdminUser } from './users.js';

export interface EditingKit {
  store: Store;
  published: PublishedContent;
  now: () => number;
  render(reply: FastifyReply, template: string, context?: Record<string, unknown>): FastifyReply;
  problem(reply: FastifyReply, status: number, heading: string, message: string, links?: Array<{ href: string; text: string }>): FastifyReply;
  signedIn(permission?: Permission): preHandlerHookHandler;
  csrf: preHandlerHookHandler;
  actorOf(request: FastifyRequest): Actor;
}

export const COMMENT_MAX_LENGTH = 2000;
const SEARCH_MAX_LENGTH = 100;

type Body = Record<string, unknown>;
const field = (body: unknown, name: string): string => {
  const v = body && typeof body === 'object' ? (body as Body)[name] : undefined;
  return typeof v === 'string' ? v : '';
};

const validId = (type: RecordType, id: string) => (type === 'contact' ? (contactRoles as readonly string[]).includes(id) : id.length <= 100 && SLUG_PATTERN.test(id));
const recordHref = (type: RecordType, id: string) => `/admin/records/${type}/${encodeURIComponent(id)}`;
const draftHref = (d: Draft | number) => `/admin/drafts/${typeof d === 'number' ? d : d.id}`;

export async function editingRoutes(app: FastifyInstance, kit: EditingKit): Promise<void> {
  const { render, problem, signedIn, csrf, actorOf } = kit;
  const pack = () => kit.published.pack();
  const drafts = new Drafts({ store: kit.store, pack, version: () => kit.published.version(), now: kit.now });
  const notFound = (reply: FastifyReply, what = 'There is no such record: it may have been removed.') => problem(reply, 404, 'Page not found', what, [{ href: '/admin/records', text: 'Go to services, FAQs and contacts' }]);
  const refused = (reply: FastifyReply, err: unknown, back: string) => {
    if (!(err instanceof DraftError)) throw err;
    const heading = err.status === 409 ? 'That could not be done' : err.status === 403 ? 'You cannot do that' : 'That could not be done';
    return problem(reply, err.status, heading, err.message, [{ href: back, text: 'Back to the draft' }]);
  };
  /** the author of a draft and admins may change it */
  const mayChange = (d: Draft, user: AdminUser) => d.authorId === user.id || user.role === 'admin';
  const mayReview = (d: Draft, user: AdminUser) => can(user.role, 'review') && d.authorId !== user.id;

  const recordParams = (request: FastifyRequest): { type: RecordType; id: string } | undefined => {
    const { type, id } = request.params as { type?: string; id?: string };
    if (!isRecordType(type) || typeof id !== 'string' || !validId(type, id)) return undefined;
    return { type, id };
  };
  const draftOf = async (request: FastifyRequest) => {
    const raw = (request.params as { id?: string }).id ?? '';
    return /^\d{1,9}$/.test(raw) ? drafts.get(Number(raw)) : undefined;
  };

  // the records, by type, with a search over their titles and ids
  app.get<{ Querystring: { type?: string; q?: string } }>('/records', { preHandler: signedIn('edit') }, async (request, reply) => {
    const type = isRecordType(request.query.type) ? request.query.type : 'service';
    const q = typeof request.query.q === 'string' ? request.query.q.trim().slice(0, SEARCH_MAX_LENGTH) : '';
    const words = q.toLowerCase().split(/\s+/).filter(Boolean);
    const all = listRecords(pack(), type);
    const shown = words.length ? all.filter((r) => words.every((w) => `${r.title} ${r.id} ${r.detail}`.toLowerCase().includes(w))) : all;
    return render(reply, 'records.njk', {
      title: recordTypeLabels[type].many,
      type,
      typeLabel: recordTypeLabels[type],
      types: recordTypes.map((t) => ({ type: t, text: recordTypeLabels[t].many, href: `/admin/records?type=${t}`, current: t === type })),
      q,
      records: shown.map((r) => ({ ...r, href: recordHref(r.type, r.id) })),
      total: all.length,
      canCreate: type !== 'contact',
    });
  });

  // a new record: a draft from the first save
  app.get('/records/:type/new', { preHandler: signedIn('edit') }, async (request, reply) => {
    const { type } = request.params as { type?: string };
    if (!isRecordType(type) || type === 'contact') return notFound(reply, 'Key contacts are fixed: edit one of them instead.');
    return editPage(reply, { type, id: '', isNew: true, values: {}, action: `/admin/records/${type}/new` });
  });
  app.post('/records/:type/new', { preHandler: [signedIn('edit'), csrf] }, async (request, reply) => {
    const { type } = request.params as { type?: string };
    if (!isRecordType(type) || type === 'contact') return notFound(reply, 'Key contacts are fixed: edit one of them instead.');
    return saveForm(request, reply, { type, isNew: true, action: `/admin/records/${type}/new` });
  });

  app.get('/records/:type/:id', { preHandler: signedIn('edit') }, async (request, reply) => {
    const ref = recordParams(request);
    const record = ref && findRecord(pack(), ref.type, ref.id);
    if (!ref || !record) return notFound(reply);
    const open = await drafts.openFor(ref.type, ref.id);
    return render(reply, 'record.njk', {
      title: recordTitle(ref.type, record, ref.id),
      ref,
      typeLabel: recordTypeLabels[ref.type],
      href: recordHref(ref.type, ref.id),
      publicHref: ref.type === 'service' ? `/services/${ref.id}` : undefined,
      fields: diffRecords(undefined, record).map((c) => ({ field: c.field, value: c.after })),
      drafts: open.map((d) => view(d)),
      canRemove: ref.type !== 'contact',
    });
  });

  app.get('/records/:type/:id/edit', { preHandler: signedIn('edit') }, async (request, reply) => {
    const ref = recordParams(request);
    const record = ref && findRecord(pack(), ref.type, ref.id);
    if (!ref || !record) return notFound(reply);
    // one open draft per author and record: go on with it
    const mine = (await drafts.openFor(ref.type, ref.id)).find((d) => d.authorId === request.adminUser!.id && d.action === 'change');
    if (mine) return reply.redirect(`${draftHref(mine)}/edit`, 303);
    return editPage(reply, { type: ref.type, id: ref.id, isNew: false, values: formValues(formFor(ref.type, pack(), false), record), action: `${recordHref(ref.type, ref.id)}/edit` });
  });
  app.post('/records/:type/:id/edit', { preHandler: [signedIn('edit'), csrf] }, async (request, reply) => {
    const ref = recordParams(request);
    if (!ref || !findRecord(pack(), ref.type, ref.id)) return notFound(reply);
    return saveForm(request, reply, { type: ref.type, id: ref.id, isNew: false, action: `${recordHref(ref.type, ref.id)}/edit` });
  });

  // proposing a record's removal (a service may instead be marked defunct in its form)
  app.get('/records/:type/:id/remove', { preHandler: signedIn('edit') }, async (request, reply) => {
    const ref = recordParams(request);
    const record = ref && findRecord(pack(), ref.type, ref.id);
    if (!ref || !record || ref.type === 'contact') return notFound(reply);
    return render(reply, 'remove.njk', { title: `Remove ${recordTitle(ref.type, record, ref.id)}`, ref, typeLabel: recordTypeLabels[ref.type], name: recordTitle(ref.type, record, ref.id), href: recordHref(ref.type, ref.id) });
  });
  app.post('/records/:type/:id/remove', { preHandler: [signedIn('edit'), csrf] }, async (request, reply) => {
    const ref = recordParams(request);
    if (!ref || !findRecord(pack(), ref.type, ref.id) || ref.type === 'contact') return notFound(reply);
    const draft = await drafts.create({ type: ref.type, id: ref.id, action: 'remove', proposed: null }, actorOf(request));
    return reply.redirect(draftHref(draft), 303);
  });

  app.get('/records/:type/:id/history', { preHandler: signedIn('edit') }, async (request, reply) => {
    const ref = recordParams(request);
    if (!ref) return notFound(reply);
    const changes = await drafts.history(ref.type, ref.id);
    const record = findRecord(pack(), ref.type, ref.id);
    if (!record && changes.length === 0) return notFound(reply);
    return render(reply, 'history.njk', {
      title: `History of ${recordTitle(ref.type, record ?? changes[0]?.previous, ref.id)}`,
      ref,
      href: recordHref(ref.type, ref.id),
      exists: record !== undefined,
      changes: changes.map((d) => ({ ...view(d), diff: diffRecords(d.previous ?? undefined, d.proposed ?? undefined) })),
    });
  });

  // drafts: yours, and (for reviewers) those waiting for review
  // each list pages on its own (?yours=2, ?waiting=3), keeping the other's page in its links
  app.get<{ Querystring: { yours?: string; waiting?: string } }>('/drafts', { preHandler: signedIn('edit') }, async (request, reply) => {
    const user = request.adminUser!;
    const reviewer = can(user.role, 'review');
    const at = { yours: pageOf(request.query.yours), waiting: pageOf(request.query.waiting) };
    const href = (list: 'yours' | 'waiting', n: number) => `/admin/drafts?${new URLSearchParams({ yours: String(at.yours), waiting: String(at.waiting), [list]: String(n) })}#${list}`;
    const pages = (list: 'yours' | 'waiting', total: number) => pagination(at[list], lastPage(total), (n) => href(list, n));
    const lastPage = (total: number) => Math.max(1, Math.ceil(total / DRAFT_PAGE_SIZE));
    // a page past the end (a list that shrank since, or a hand-typed address) shows the last page
    let mine = await drafts.mine(user.id, at.yours);
    if (at.yours > lastPage(mine.total)) mine = await drafts.mine(user.id, (at.yours = lastPage(mine.total)));
    let waiting = reviewer ? await drafts.waiting(at.waiting) : undefined;
    if (waiting && at.waiting > lastPage(waiting.total)) waiting = await drafts.waiting((at.waiting = lastPage(waiting.total)));
    return render(reply, 'drafts.njk', {
      title: 'Drafts',
      mine: mine.drafts.map(view),
      mineTotal: mine.total,
      minePages: pages('yours', mine.total),
      waiting: waiting?.drafts.map(view).map((d) => ({ ...d, yours: d.authorId === user.id })),
      waitingTotal: waiting?.total,
      waitingPages: waiting ? pages('waiting', waiting.total) : undefined,
    });
  });

  app.get<{ Querystring: { done?: string } }>('/drafts/:id', { preHandler: signedIn('edit') }, async (request, reply) => {
    const draft = await draftOf(request);
    if (!draft) return notFound(reply, 'There is no such draft.');
    return draftPage(request, reply, draft, { done: ['saved', 'submitted', 'rejected', 'published', 'created', 'withdrawn'].includes(request.query.done ?? '') ? request.query.done : undefined });
  });

  app.get('/drafts/:id/edit', { preHandler: signedIn('edit') }, async (request, reply) => {
    const draft = await draftOf(request);
    if (!draft) return notFound(reply, 'There is no such draft.');
    if (!mayChange(draft, request.adminUser!)) return problem(reply, 403, 'You cannot change this draft', 'Only its author (or an admin) can change a draft. Start your own draft from the record.', [{ href: draftHref(draft), text: 'Back to the draft' }]);
    if (!isOpen(draft) || draft.action === 'remove') return reply.redirect(draftHref(draft), 303);
    const isNew = draft.action === 'create';
    const sections = formFor(draft.recordType, pack(), isNew);
    const values = formValues(sections, draft.proposed);
    const { errors } = drafts.check(draft);
    return editPage(reply, { type: draft.recordType, id: draft.recordId, isNew, values, action: `${draftHref(draft)}/edit`, draft, problems: errors });
  });
  app.post('/drafts/:id/edit', { preHandler: [signedIn('edit'), csrf] }, async (request, reply) => {
    const draft = await draftOf(request);
    if (!draft) return notFound(reply, 'There is no such draft.');
    if (!mayChange(draft, request.adminUser!)) return problem(reply, 403, 'You cannot change this draft', 'Only its author (or an admin) can change a draft. Nothing was changed.', [{ href: draftHref(draft), text: 'Back to the draft' }]);
    if (!isOpen(draft) || draft.action === 'remove') return problem(reply, 409, 'This draft cannot be changed', `It has been ${draft.status === 'withdrawn' ? 'withdrawn' : 'published'}. Nothing was changed. Start a new draft from the record.`, [{ href: draftHref(draft), text: 'Back to the draft' }]);
    return saveForm(request, reply, { type: draft.recordType, id: draft.recordId, isNew: draft.action === 'create', action: `${draftHref(draft)}/edit`, draft });
  });

  app.post('/drafts/:id/submit', { preHandler: [signedIn('edit'), csrf] }, async (request, reply) => {
    const draft = await draftOf(request);
    if (!draft) return notFound(reply, 'There is no such draft.');
    if (!mayChange(draft, request.adminUser!)) return problem(reply, 403, 'You cannot submit this draft', 'Only its author (or an admin) can submit a draft. Nothing was changed.', [{ href: draftHref(draft), text: 'Back to the draft' }]);
    try {
      await drafts.submit(draft, actorOf(request));
    } catch (err) {
      if (err instanceof DraftError && err.problems.length) return draftPage(request, reply.code(err.status), draft, { refusal: err.message });
      return refused(reply, err, draftHref(draft));
    }
    return reply.redirect(`${draftHref(draft)}?done=submitted`, 303);
  });

  app.post('/drafts/:id/approve', { preHandler: [signedIn('review'), csrf] }, async (request, reply) => {
    const draft = await draftOf(request);
    if (!draft) return notFound(reply, 'There is no such draft.');
    try {
      await drafts.approve(draft, actorOf(request));
    } catch (err) {
      if (err instanceof DraftError && (err.status === 409 || err.problems.length)) return draftPage(request, reply.code(err.status), (await drafts.get(draft.id))!, { refusal: err.message, problems: err.problems });
      return refused(reply, err, draftHref(draft));
    }
    return reply.redirect(`${draftHref(draft)}?done=published`, 303);
  });

  app.post('/drafts/:id/reject', { preHandler: [signedIn('review'), csrf] }, async (request, reply) => {
    const draft = await draftOf(request);
    if (!draft) return notFound(reply, 'There is no such draft.');
    const comment = field(request.body, 'comment').trim();
    const errors: Record<string, string> = {};
    if (!comment) errors['comment'] = 'Enter a comment for the author: what to change';
    else if (comment.length > COMMENT_MAX_LENGTH) errors['comment'] = `The comment must be ${COMMENT_MAX_LENGTH.toLocaleString('en-GB')} characters or fewer`;
    if (errors['comment']) return draftPage(request, reply.code(400), draft, { comment, commentError: errors['comment'] });
    try {
      await drafts.reject(draft, comment, actorOf(request));
    } catch (err) {
      return refused(reply, err, draftHref(draft));
    }
    return reply.redirect(`${draftHref(draft)}?done=rejected`, 303);
  });

  // a draft withdrawn by its author (or an admin) before it is published: kept, marked withdrawn
  app.post('/drafts/:id/withdraw', { preHandler: [signedIn('edit'), csrf] }, async (request, reply) => {
    const draft = await draftOf(request);
    if (!draft) return notFound(reply, 'There is no such draft.');
    if (!mayChange(draft, request.adminUser!)) return problem(reply, 403, 'You cannot withdraw this draft', 'Only its author (or an admin) can withdraw a draft. Nothing was changed.', [{ href: draftHref(draft), text: 'Back to the draft' }]);
    try {
      await drafts.withdraw(draft, actorOf(request));
    } catch (err) {
      return refused(reply, err, draftHref(draft));
    }
    return reply.redirect(`${draftHref(draft)}?done=withdrawn`, 303);
  });

  // a published change undone: a new draft of the record as it was before, for review
  app.post('/drafts/:id/revert', { preHandler: [signedIn('edit'), csrf] }, async (request, reply) => {
    const draft = await draftOf(request);
    if (!draft) return notFound(reply, 'There is no such draft.');
    try {
      const created = await drafts.revert(draft, actorOf(request));
      return reply.redirect(`${draftHref(created)}?done=created`, 303);
    } catch (err) {
      return refused(reply, err, `${recordHref(draft.recordType, draft.recordId)}/history`);
    }
  });

  // a draft as staff would see it once published: for signed-in users only, never kept or indexed
  app.get('/drafts/:id/preview', { preHandler: signedIn('edit') }, async (request, reply) => {
    const draft = await draftOf(request);
    if (!draft) return notFound(reply, 'There is no such draft.');
    const p = pack();
    const record = (draft.proposed ?? findRecord(p, draft.recordType, draft.recordId)) as Record<string, unknown> | undefined;
    return render(reply, 'preview.njk', {
      title: `Preview: ${recordTitle(draft.recordType, record, draft.recordId)}`,
      draft: view(draft),
      removal: draft.proposed === null,
      record,
      ...previewOf(draft.recordType, record, p),
    });
  });

  function previewOf(type: RecordType, record: Record<string, unknown> | undefined, p: ContentPack): Record<string, unknown> {
    if (!record) return {};
    if (type === 'service') {
      const s = record as { deliveryModes?: unknown; providerType?: unknown; needAreas?: unknown };
      const names = new Map(p.needAreas.flatMap((a) => [[a.id, a.name] as const, ...a.children.map((c) => [c.id, c.name] as const)]));
      return {
        deliveryText: Array.isArray(s.deliveryModes) ? s.deliveryModes.map((d) => deliveryLabels[d as keyof typeof deliveryLabels] ?? String(d)).join(', ') : '',
        providerText: providerLabels[s.providerType as keyof typeof providerLabels] ?? '',
        needAreaNames: Array.isArray(s.needAreas) ? s.needAreas.map((id) => names.get(String(id)) ?? String(id)) : [],
      };
    }
    if (type === 'faq') return { answer: typeof record['answer'] === 'string' ? expandPlaceholders(record['answer'], p) : '' };
    return {};
  }

  /** a draft for lists and pages */
  function view(d: Draft) {
    const current = findRecord(pack(), d.recordType, d.recordId);
    return {
      ...d,
      href: draftHref(d),
      recordHref: recordHref(d.recordType, d.recordId),
      statusLabel: draftStatusLabels[d.status],
      typeLabel: recordTypeLabels[d.recordType].one,
      title: recordTitle(d.recordType, d.proposed ?? d.previous ?? current, d.recordId || '(no name yet)'),
      actionLabel: ({ create: 'New', change: 'Change', remove: 'Removal' } satisfies Record<DraftAction, string>)[d.action],
    };
  }

  async function draftPage(request: FastifyRequest, reply: FastifyReply, draft: Draft, opts: { done?: string; refusal?: string; problems?: FieldError[] | unknown[]; comment?: string; commentError?: string } = {}) {
    const user = request.adminUser!;
    const p = pack();
    const current = findRecord(p, draft.recordType, draft.recordId);
    const open = isOpen(draft);
    const check = open ? drafts.check(draft) : undefined;
    const sections = formFor(draft.recordType, p, draft.action === 'create');
    const values = formValues(sections, draft.proposed);
    const placed = check ? placeProblems(draft.recordType, draft.recordId, draft.proposed, check.errors, sections, rowCounts(sections, values)) : { list: [] };
    const errorList = [
      ...(opts.commentError ? [{ text: opts.commentError, href: '#comment' }] : []),
      // problems are fixed on the edit form: the summary links there
      ...placed.list.map((e) => ({ text: e.text, href: `${draftHref(draft)}/edit${e.href}` })),
    ];
    const conflict = open && draft.action !== 'create' && drafts.conflicts(draft, p);
    return render(reply, 'draft.njk', {
      title: `Draft: ${view(draft).title}`,
      draft: view(draft),
      done: opts.done,
      refusal: opts.refusal,
      errorList,
      comment: opts.comment ?? '',
      commentError: opts.commentError,
      diff: diffRecords(draft.status === 'published' ? (draft.previous ?? undefined) : current, draft.proposed ?? undefined),
      conflict,
      mayChange: open && mayChange(draft, user),
      mayEdit: open && mayChange(draft, user) && draft.action !== 'remove',
      mayWithdraw: open && mayChange(draft, user),
      maySubmit: open && draft.status !== 'submitted' && mayChange(draft, user) && errorList.length === 0,
      mayReview: draft.status === 'submitted' && mayReview(draft, user),
      ownSubmitted: draft.status === 'submitted' && draft.authorId === user.id,
      mayRevert: draft.status === 'published',
      commentMax: COMMENT_MAX_LENGTH,
    });
  }

  function editPage(reply: FastifyReply, opts: { type: RecordType; id: string; isNew: boolean; values: Record<string, string | string[]>; action: string; draft?: Draft; problems?: ContentProblem[]; tooLong?: Record<string, string>; saved?: boolean }) {
    const p = pack();
    const sections = formFor(opts.type, p, opts.isNew);
    const counts = rowCounts(sections, opts.values);
    const placed = placeProblems(opts.type, opts.id, opts.draft?.proposed, opts.problems ?? [], sections, counts);
    const byField = { ...placed.byField };
    const list: FieldError[] = [...placed.list];
    for (const [name, message] of Object.entries(opts.tooLong ?? {})) {
      byField[name] = message;
      list.unshift({ field: name, text: message, href: `#${name.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')}` });
    }
    const record = findRecord(p, opts.type, opts.id);
    const name = opts.isNew ? `New ${recordTypeLabels[opts.type].one}` : recordTitle(opts.type, record ?? opts.draft?.proposed, opts.id);
    return render(reply, 'edit.njk', {
      title: opts.isNew ? name : `Edit ${name}`,
      heading: opts.isNew ? name : `Edit ${name}`,
      typeLabel: recordTypeLabels[opts.type],
      action: opts.action,
      back: opts.draft ? draftHref(opts.draft) : opts.isNew ? `/admin/records?type=${opts.type}` : recordHref(opts.type, opts.id),
      sections: formView(sections, opts.values, byField, counts),
      errorList: list,
      draft: opts.draft ? view(opts.draft) : undefined,
      saved: opts.saved,
      tooLong: Object.keys(opts.tooLong ?? {}).length > 0,
    });
  }

  /** Saves a posted form as a draft (a new one, or the draft given); shows the form again with any problems. */
  async function saveForm(request: FastifyRequest, reply: FastifyReply, opts: { type: RecordType; id?: string; isNew: boolean; action: string; draft?: Draft }) {
    const p = pack();
    const sections = formFor(opts.type, p, opts.isNew);
    const { proposed, values, tooLong } = readForm(sections, request.body);
    const id = opts.isNew ? proposedId(opts.type, proposed) : opts.id!;
    if (!opts.isNew && opts.type !== 'contact') (proposed as Proposed)[opts.type === 'service' ? 'slug' : 'id'] = id;
    if (Object.keys(tooLong).length) {
      return editPage(reply.code(413), { type: opts.type, id, isNew: opts.isNew, values, action: opts.action, draft: opts.draft, tooLong });
    }
    if (opts.isNew && !opts.draft && !validId(opts.type, id)) {
      // a new record needs its short name before it can be saved at all
      const field = opts.type === 'service' ? 'slug' : 'id';
      const message = id ? 'must be lower-case letters, digits and single hyphens, for example family-support-line' : 'is missing';
      return editPage(reply.code(400), { type: opts.type, id, isNew: true, values, action: opts.action, problems: [{ severity: 'error', file: opts.type === 'service' ? `services/${id}.yaml` : String(proposed['topicFile'] ?? ''), record: id, field, message }] });
    }
    const actor = actorOf(request);
    let draft: Draft;
    try {
      draft = opts.draft
        ? await drafts.save(opts.draft, proposed, opts.isNew && validId(opts.type, id) ? id : opts.draft.recordId, actor)
        : await drafts.create({ type: opts.type, id, action: opts.isNew ? 'create' : 'change', proposed }, actor);
    } catch (err) {
      return refused(reply, err, opts.draft ? draftHref(opts.draft) : '/admin/records');
    }
    const { errors } = drafts.check(draft);
    if (errors.length) {
      return editPage(reply.code(400), { type: opts.type, id: draft.recordId, isNew: opts.isNew, values, action: `${draftHref(draft)}/edit`, draft, problems: errors, saved: true });
    }
    return reply.redirect(`${draftHref(draft)}?done=saved`, 303);
  }
}
