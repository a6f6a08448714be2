/**
 * Keeping the guidance fresh (under /admin, for anyone who may edit): a dashboard of the records due
 * for review (the pack's review period), the facts that could not be confirmed and the services with
 * open reports from staff, each linking to its edit form; the queue of reports ("mark as dealt
 * with") and the queue of chat questions the bot could not answer ("turn this into an FAQ draft").
 * Reports and questions are shown as they are stored: redacted. Every change is audited.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ChatRepository } from '../chat/repository.js';
import { contactRoles, type ContentPack } from '../content/schema.js';
import { isDueForReview } from '../directory/labels.js';
import { ReportRepository, reportReasonLabels, type ReportReason } from '../directory/reports.js';
import { AuditLog } from './audit.js';
import { DraftError, Drafts } from './drafts.js';
import type { EditingKit } from './editing.js';
import { pageOf, pagination } from './pagination.js';
import { listRecords, recordTypeLabels, type RecordType } from './records.js';

export const QUEUE_PAGE_SIZE = 50;

const editHref = (type: RecordType, id: string) => `/admin/records/${type}/${encodeURIComponent(id)}/edit`;

export interface DueRecord {
  type: RecordType;
  id: string;
  title: string;
  typeLabel: string;
  reviewed: string;
  href: string;
}

export interface UnverifiedRecord {
  type: RecordType;
  id: string;
  title: string;
  typeLabel: string;
  facts: string[];
  href: string;
}

/** the services, FAQs and key contacts whose review date is older than the pack's review period, oldest first */
export function dueForReview(pack: ContentPack, today: Date): DueRecord[] {
  const months = pack.manifest.reviewPeriodMonths;
  const all: DueRecord[] = [];
  const add = (type: RecordType, id: string, title: string, reviewed: string) => {
    if (isDueForReview(reviewed, months, today)) all.push({ type, id, title, typeLabel: recordTypeLabels[type].one, reviewed, href: editHref(type, id) });
  };
  for (const s of pack.services) add('service', s.slug, s.name, s.reviewed);
  for (const r of listRecords(pack, 'faq')) {
    const faq = findFaq(pack, r.id);
    if (faq) add('faq', r.id, r.title, faq.reviewed);
  }
  for (const role of contactRoles) add('contact', role, pack.manifest.contacts[role].name, pack.manifest.contacts[role].reviewed);
  return all.sort((a, b) => (a.reviewed < b.reviewed ? -1 : a.reviewed > b.reviewed ? 1 : a.title.localeCompare(b.title)));
}

function findFaq(pack: ContentPack, id: string): { reviewed: string } | undefined {
  const topics = (pack.sections['faqs'] as Array<{ value: { faqs: Array<{ id: string; reviewed: string }> } }> | undefined) ?? [];
  for (const t of topics) {
    const f = t.value.faqs.find((x) => x.id === id);
    if (f) return f;
  }
  return undefined;
}

/** services and key contacts with a phone number not confirmed, or a note of a fact that could not be */
export function unverifiedFacts(pack: ContentPack): UnverifiedRecord[] {
  const out: UnverifiedRecord[] = [];
  const add = (type: RecordType, id: string, title: string, r: { phones: Array<{ number: string; verified: boolean }>; unverifiedNote?: string }) => {
    const facts = [...r.phones.filter((p) => !p.verified).map((p) => `Phone number ${p.number} is not confirmed`), ...(r.unverifiedNote ? [`Note: ${r.unverifiedNote}`] : [])];
    if (facts.length) out.push({ type, id, title, typeLabel: recordTypeLabels[type].one, facts, href: editHref(type, id) });
  };
  for (const s of [...pack.services].sort((a, b) => a.name.localeCompare(b.name))) add('service', s.slug, s.name, s);
  for (const role of contactRoles) add('contact', role, pack.manifest.contacts[role].name, pack.manifest.contacts[role]);
  return out;
}

const idOf = (request: FastifyRequest) => {
  const raw = (request.params as { id?: string }).id ?? '';
  return /^\d{1,9}$/.test(raw) ? Number(raw) : undefined;
};

/** the pages of a queue of `total` items */
const queuePages = (page: number, total: number, base: string) => pagination(page, Math.max(1, Math.ceil(total / QUEUE_PAGE_SIZE)), (n) => `${base}?page=${n}`);

export async function freshRoutes(app: FastifyInstance, kit: EditingKit): Promise<void> {
  const { render, problem, csrf, actorOf } = kit;
  const signedIn = kit.signedIn('edit');
  const pack = () => kit.published.pack();
  const reports = new ReportRepository(kit.store.db);
  const chat = new ChatRepository(kit.store);
  const audit = new AuditLog(kit.store.db);
  const drafts = new Drafts({ store: kit.store, pack, version: () => kit.published.version(), now: kit.now });
  const serviceName = (p: ContentPack, slug: string) => p.services.find((s) => s.slug === slug)?.name;

  app.get('/fresh', { preHandler: signedIn }, async (_request, reply) => {
    const p = pack();
    const today = new Date(kit.now());
    const counts = await reports.openCounts();
    const reported = [...counts]
      .map(([slug, count]) => ({ slug, count, name: serviceName(p, slug) }))
      .map((r) => ({ ...r, title: r.name ?? r.slug, href: r.name ? editHref('service', r.slug) : undefined }))
      .sort((a, b) => b.count - a.count || a.title.localeCompare(b.title));
    return render(reply, 'fresh.njk', {
      title: 'Keeping the guidance fresh',
      reviewPeriodMonths: p.manifest.reviewPeriodMonths,
      due: dueForReview(p, today),
      unverified: unverifiedFacts(p),
      reported,
      openReports: reported.reduce((n, r) => n + r.count, 0),
    });
  });

  // reports from staff that a service page is wrong: the open ones, newest first
  app.get<{ Querystring: { page?: string; done?: string } }>('/reports', { preHandler: signedIn }, async (request, reply) => {
    const asked = pageOf(request.query.page);
    let { reports: list, total } = await reports.openPage((asked - 1) * QUEUE_PAGE_SIZE, QUEUE_PAGE_SIZE);
    const pages = Math.max(1, Math.ceil(total / QUEUE_PAGE_SIZE));
    const page = Math.min(asked, pages);
    if (page !== asked) ({ reports: list, total } = await reports.openPage((page - 1) * QUEUE_PAGE_SIZE, QUEUE_PAGE_SIZE));
    const p = pack();
    return render(reply, 'reports.njk', {
      title: page > 1 ? `Reports from staff (page ${page} of ${pages})` : 'Reports from staff',
      total,
      done: request.query.done === 'dealt-with',
      reports: list.map((r) => {
        const name = serviceName(p, r.serviceSlug);
        return { ...r, serviceTitle: name ?? r.serviceSlug, href: name ? editHref('service', r.serviceSlug) : undefined, reasonLabel: reportReasonLabels[r.reason as ReportReason] ?? r.reason };
      }),
      pagination: queuePages(page, total, '/admin/reports'),
    });
  });

  app.post('/reports/:id/dealt-with', { preHandler: [signedIn, csrf] }, async (request, reply) => {
    const id = idOf(request);
    const report = id === undefined ? undefined : await reports.get(id);
    const back = [{ href: '/admin/reports', text: 'Back to the reports' }];
    if (!report) return problem(reply, 404, 'Page not found', 'There is no such report: it may have been deleted at the end of its retention period.', back);
    if (!(await reports.markDealtWith(report.id))) return problem(reply, 409, 'That report was dealt with already', 'Someone marked it as dealt with before you. Nothing was changed.', back);
    await audit.record({ actor: actorOf(request), action: 'report-dealt-with', recordType: 'service', recordId: report.serviceSlug, detail: { report: report.id } }, new Date(kit.now()));
    return reply.redirect('/admin/reports?done=dealt-with', 303);
  });

  // chat questions the bot could not answer, newest first (their known words only, as stored)
  app.get<{ Querystring: { page?: string } }>('/questions', { preHandler: signedIn }, async (request, reply) => {
    const asked = pageOf(request.query.page);
    let { questions, total } = await chat.unansweredPage((asked - 1) * QUEUE_PAGE_SIZE, QUEUE_PAGE_SIZE);
    const pages = Math.max(1, Math.ceil(total / QUEUE_PAGE_SIZE));
    const page = Math.min(asked, pages);
    if (page !== asked) ({ questions, total } = await chat.unansweredPage((page - 1) * QUEUE_PAGE_SIZE, QUEUE_PAGE_SIZE));
    return render(reply, 'questions.njk', {
      title: page > 1 ? `Questions the chat could not answer (page ${page} of ${pages})` : 'Questions the chat could not answer',
      total,
      questions: questions.map((q) => ({ ...q, draftHref: q.faqDraftId === null ? undefined : `/admin/drafts/${q.faqDraftId}` })),
      pagination: queuePages(page, total, '/admin/questions'),
    });
  });

  // a new FAQ draft from the question as stored (redacted): the question, and its first phrasing
  app.post('/questions/:id/faq-draft', { preHandler: [signedIn, csrf] }, async (request, reply) => {
    const id = idOf(request);
    const question = id === undefined ? undefined : await chat.unansweredById(id);
    if (!question) return problem(reply, 404, 'Page not found', 'There is no such question: it may have been deleted at the end of its retention period.', [{ href: '/admin/questions', text: 'Back to the questions' }]);
    if (question.faqDraftId !== null) return reply.redirect(`/admin/drafts/${question.faqDraftId}`, 303);
    const text = question.question.replace(/\s+/g, ' ').trim();
    let draftId: number;
    try {
      const draft = await drafts.create({ type: 'faq', id: '', action: 'create', proposed: { question: text, phrasings: [text] } }, actorOf(request));
      draftId = draft.id;
    } catch (err) {
      if (!(err instanceof DraftError)) throw err;
      return problem(reply, err.status, 'That could not be done', err.message, [{ href: '/admin/questions', text: 'Back to the questions' }]);
    }
    await chat.setFaqDraft(question.id, draftId);
    await audit.record({ actor: actorOf(request), action: 'faq-draft-from-question', recordType: 'faq', detail: { question: question.id, draft: draftId } }, new Date(kit.now()));
    return reply.redirect(`/admin/drafts/${draftId}/edit`, 303);
  });
}
