/**
 * Stakeholder templates in the workspace (under /admin, every role): `/admin/templates` explains them
 * and takes an upload; `/admin/templates/services.xlsx` and `faqs.xlsx` are the templates with the
 * published records in them. An upload is read in memory (never written to disk) and checked
 * (workbook-file.ts, then template-check.ts): a refused file or any problem answers at once with the
 * problems, and nothing is kept. A file with no problem is kept only as what it proposes, in the
 * database for an hour (so that any instance shows the preview and takes the confirmation), and
 * confirming makes one draft per new or changed record, submitted for review. Every upload is audited.
 */
import { randomBytes } from 'node:crypto';
import multipart from '@fastify/multipart';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely, Transaction } from 'kysely';
import { checkPack } from '../content/pack-files.js';
import type { Database } from '../store/database.js';
import { AuditLog } from './audit.js';
import { Drafts } from './drafts.js';
import type { EditingKit } from './editing.js';
import { applyRecord, findRecord, recordHash } from './records.js';
import { checkUpload, describeProblem, type Proposal, type UploadCheck } from './template-check.js';
import { buildTemplate, TEMPLATE_MAX_ROWS, TemplateMismatch, templateFor } from './templates.js';
import { FileRefusal, openWorkbook, UPLOAD_MAX_BYTES } from './workbook-file.js';
import { packSections } from '../sections.js';

/** how long a checked upload waits for its confirmation */
export const UPLOAD_LIFETIME_MS = 60 * 60 * 1000;
/** the problems listed on the page at most (the count is always given) */
const PROBLEMS_SHOWN = 1_000;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

interface TemplateUploadTable {
  id: string;
  user_id: number;
  template: string;
  created_at: string;
  /** bigint: read back as a string on PostgreSQL */
  expires_at: number | string;
  base_version: number;
  proposal: string;
}
type UploadDb = Kysely<{ template_upload: TemplateUploadTable }>;

/** checked uploads waiting for their confirmation, in the database so that every instance sees them */
export class TemplateUploads {
  private readonly db: UploadDb;
  constructor(db: Kysely<Database>) {
    this.db = db.withTables<{ template_upload: TemplateUploadTable }>() as unknown as UploadDb;
  }

  async save(userId: number, proposal: Proposal, baseVersion: number, now: number): Promise<string> {
    await this.db.deleteFrom('template_upload').where('expires_at', '<', now).execute();
    const id = randomBytes(18).toString('base64url');
    await this.db
      .insertInto('template_upload')
      .values({ id, user_id: userId, template: proposal.template, created_at: new Date(now).toISOString(), expires_at: now + UPLOAD_LIFETIME_MS, base_version: baseVersion, proposal: JSON.stringify(proposal) })
      .execute();
    return id;
  }

  /** the user's own upload, while it lasts */
  async get(id: string, userId: number, now: number): Promise<{ proposal: Proposal; baseVersion: number; expiresAt: number } | undefined> {
    const row = await this.db.selectFrom('template_upload').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
    if (!row || Number(row.expires_at) < now) return undefined;
    return { proposal: JSON.parse(row.proposal) as Proposal, baseVersion: Number(row.base_version), expiresAt: Number(row.expires_at) };
  }

  /** takes the upload for its confirmation, once: false when it was taken already or has expired */
  async claim(trx: Transaction<Database>, id: string, userId: number, now: number): Promise<boolean> {
    const t = trx as unknown as Transaction<{ template_upload: TemplateUploadTable }>;
    const r = await t.deleteFrom('template_upload').where('id', '=', id).where('user_id', '=', userId).where('expires_at', '>=', now).executeTakeFirst();
    return Number(r.numDeletedRows) === 1;
  }
}

const UPLOAD_ID = /^[A-Za-z0-9_-]{24}$/;
const nf = (n: number) => n.toLocaleString('en-GB');

export async function templateRoutes(app: FastifyInstance, kit: EditingKit): Promise<void> {
  const { render, problem, csrf, actorOf } = kit;
  const signedIn = kit.signedIn('edit');
  const pack = () => kit.published.pack();
  const uploads = new TemplateUploads(kit.store.db);
  const audit = new AuditLog(kit.store.db);
  const drafts = new Drafts({ store: kit.store, pack, version: () => kit.published.version(), now: kit.now });
  /** the uploaded file of a request, read into memory by the multipart parser */
  const files = new WeakMap<FastifyRequest, { name: string; bytes: Buffer }>();
  /** requests whose body was read: an error before it is the upload's own (too large, cut short) */
  const bodyRead = new WeakSet<FastifyRequest>();

  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { fileSize: UPLOAD_MAX_BYTES, files: 1, fields: 4, fieldSize: 1024, parts: 6, headerPairs: 20 },
    async onFile(part) {
      const bytes = await part.toBuffer();
      if (part.fieldname === 'file' && part.filename) files.set(this, { name: part.filename, bytes });
    },
  });

  /** the templates page, with the upload form, and an error when the file was refused */
  const templatesPage = (reply: FastifyReply, opts: { error?: string; submitted?: number } = {}) =>
    render(reply, 'templates.njk', {
      title: 'Templates for gathering content',
      errorList: opts.error ? [{ text: opts.error, href: '#file' }] : [],
      fileError: opts.error,
      submitted: opts.submitted,
      maxMb: Math.round(UPLOAD_MAX_BYTES / (1024 * 1024)),
      maxRows: nf(TEMPLATE_MAX_ROWS),
      reviewPeriodMonths: pack().manifest.reviewPeriodMonths,
    });

  // a file too large, or a form that is not one file, is answered before the route's handler runs
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (request.method !== 'POST' || bodyRead.has(request) || !request.adminUser) throw error;
    request.log.info({ code: error.code }, 'template upload refused while it was read');
    const tooLarge = error.code === 'FST_REQ_FILE_TOO_LARGE';
    void audit.record({ actor: actorOf(request), action: 'template-uploaded', detail: { outcome: tooLarge ? 'refused: too large' : 'refused: unreadable form' } }, new Date(kit.now())).catch((err: unknown) => request.log.error({ err }, 'audit failed'));
    return templatesPage(reply.code(tooLarge ? 413 : 400), {
      error: tooLarge
        ? `The file is larger than ${Math.round(UPLOAD_MAX_BYTES / (1024 * 1024))} MB. A template of ${nf(TEMPLATE_MAX_ROWS)} rows is far smaller: upload the template itself, without pictures or other sheets.`
        : 'The file could not be received. Choose one filled-in template (.xlsx) and upload it again.',
    });
  });

  app.get<{ Querystring: { submitted?: string } }>('/templates', { preHandler: signedIn }, async (request, reply) => {
    const submitted = /^\d{1,5}$/.test(request.query.submitted ?? '') ? Number(request.query.submitted) : undefined;
    return templatesPage(reply, { submitted });
  });

  for (const name of ['services', 'faqs'] as const) {
    app.get(`/templates/${name}.xlsx`, { preHandler: signedIn }, async (_request, reply) => {
      const p = pack();
      const bytes = await buildTemplate(templateFor(name, p), p);
      return reply.type(XLSX).header('content-disposition', `attachment; filename="${name}.xlsx"`).send(bytes);
    });
  }

  app.post(
    '/templates/upload',
    {
      // refused before the body is read, when not signed in
      onRequest: signedIn,
      preHandler: [
        async (request) => {
          bodyRead.add(request);
        },
        csrf,
      ],
    },
    async (request, reply) => {
      const file = files.get(request);
      const actor = actorOf(request);
      const record = (detail: Record<string, string | number>) => audit.record({ actor, action: 'template-uploaded', recordType: typeof detail['template'] === 'string' ? 'template' : undefined, recordId: typeof detail['template'] === 'string' ? detail['template'] : undefined, detail }, new Date(kit.now()));
      if (!file) return templatesPage(reply.code(400), { error: 'Choose the filled-in template (.xlsx) to upload' });
      const p = pack();
      let check: UploadCheck;
      try {
        const workbook = await openWorkbook(file.bytes, file.name);
        check = checkUpload(workbook, p, new Date(kit.now()));
      } catch (err) {
        if (err instanceof FileRefusal) {
          await record({ outcome: `refused: ${err.kind}`, bytes: file.bytes.length });
          return templatesPage(reply.code(err.status), { error: err.message });
        }
        if (err instanceof TemplateMismatch) {
          await record({ outcome: 'refused: not the template', bytes: file.bytes.length });
          return templatesPage(reply.code(400), { error: err.message });
        }
        throw err;
      }
      const name = check.template.name;
      if (!check.proposal) {
        await record({ template: name, outcome: 'problems', rows: check.rows, problems: check.problems.length + check.elsewhere.length });
        return errorsPage(reply.code(400), check);
      }
      const { items, unchanged } = check.proposal;
      const created = items.filter((i) => i.action === 'create').length;
      await record({ template: name, outcome: 'preview', rows: check.rows, new: created, changed: items.length - created, unchanged: unchanged.length });
      const id = await uploads.save(request.adminUser!.id, check.proposal, kit.published.version(), kit.now());
      return reply.redirect(`/admin/templates/uploads/${id}`, 303);
    },
  );

  function errorsPage(reply: FastifyReply, check: UploadCheck) {
    // what the rest of the pack would say is shown once the rows themselves are right
    const total = check.problems.length || check.elsewhere.length;
    const rows = new Set(check.problems.map((p) => p.row)).size;
    const summary = check.problems.length
      ? `The file has ${nf(total)} ${total === 1 ? 'problem' : 'problems'}${rows > 1 ? ` in ${nf(rows)} rows` : ''}. Nothing was saved: fix ${total === 1 ? 'it' : 'them'} in the spreadsheet and upload it again.`
      : `The ${check.template.recordLabel.many} would leave ${check.elsewhere.length === 1 ? 'a problem' : 'problems'} elsewhere in the guidance. Nothing was saved.`;
    return render(reply, 'template-errors.njk', {
      title: `Problems in the ${check.template.recordLabel.many} template`,
      template: check.template,
      errorList: [{ text: summary, href: check.problems.length ? '#problems' : '#elsewhere' }],
      problems: check.problems.slice(0, PROBLEMS_SHOWN).map((p) => ({ ...p, text: describeProblem(p) })),
      more: Math.max(0, check.problems.length - PROBLEMS_SHOWN),
      total,
      elsewhere: check.problems.length ? [] : check.elsewhere,
      rows: check.rows,
      maxMb: Math.round(UPLOAD_MAX_BYTES / (1024 * 1024)),
    });
  }

  const uploadOf = async (request: FastifyRequest) => {
    const raw = (request.params as { id?: string }).id ?? '';
    return UPLOAD_ID.test(raw) ? uploads.get(raw, request.adminUser!.id, kit.now()) : undefined;
  };
  const gone = (reply: FastifyReply) =>
    problem(reply, 404, 'This upload is no longer waiting', `An upload waits ${UPLOAD_LIFETIME_MS / 60000} minutes for its confirmation, for the person who uploaded it only, and is confirmed once. Its drafts may already be made: look in your drafts, or upload the file again.`, [
      { href: '/admin/drafts', text: 'Go to your drafts' },
      { href: '/admin/templates', text: 'Upload a template' },
    ]);

  app.get('/templates/uploads/:id', { preHandler: signedIn }, async (request, reply) => {
    const upload = await uploadOf(request);
    if (!upload) return gone(reply);
    const { proposal } = upload;
    const template = templateFor(proposal.template, pack());
    const created = proposal.items.filter((i) => i.action === 'create');
    const changed = proposal.items.filter((i) => i.action === 'change');
    const openDrafts = (await Promise.all(changed.map(async (i) => ((await drafts.openFor(i.type, i.id)).length ? i.title : undefined)))).filter((x): x is string => x !== undefined);
    return render(reply, 'template-preview.njk', {
      title: `Check the ${template.recordLabel.many} before they become drafts`,
      template,
      id: (request.params as { id: string }).id,
      rows: proposal.rows,
      created,
      changed,
      unchanged: proposal.unchanged,
      openDrafts,
      expiresAt: new Date(upload.expiresAt).toISOString(),
    });
  });

  app.post('/templates/uploads/:id/confirm', { preHandler: [signedIn, csrf] }, async (request, reply) => {
    const upload = await uploadOf(request);
    if (!upload) return gone(reply);
    const { proposal } = upload;
    const p = pack();
    const again = [{ href: '/admin/templates', text: 'Upload the file again' }];
    // a record published since the upload was checked would be overwritten: the file is checked again
    const stale = proposal.items.filter((i) => (recordHash(findRecord(p, i.type, i.id)) ?? null) !== i.baseHash);
    if (stale.length) {
      return problem(reply, 409, 'The published content changed after your upload was checked', `${stale.map((i) => i.title).slice(0, 10).join('; ')}${stale.length > 10 ? ` and ${nf(stale.length - 10)} more` : ''} ${stale.length === 1 ? 'was' : 'were'} changed and published since. Nothing was saved: upload the file again, so that it is compared with what is published now.`, again);
    }
    if (upload.baseVersion !== kit.published.version() && proposal.items.length) {
      const next = proposal.items.reduce((acc, i) => applyRecord(acc, i.type, i.id, i.proposed), p);
      if (checkPack(next, packSections, { today: new Date(kit.now()) }).problems.some((x) => x.severity === 'error')) {
        return problem(reply, 409, 'The published content changed after your upload was checked', 'With what was published since, the upload no longer passes the checks. Nothing was saved: upload the file again to see the problems.', again);
      }
    }
    const id = (request.params as { id: string }).id;
    const actor = actorOf(request);
    const made = await drafts.createSubmitted(
      proposal.items.map((i) => ({ type: i.type, id: i.id, action: i.action, proposed: i.proposed, baseHash: i.baseHash })),
      actor,
      { claim: (trx) => uploads.claim(trx, id, actor.id, kit.now()), detail: { template: proposal.template } },
    );
    if (!made) return gone(reply);
    const created = proposal.items.filter((i) => i.action === 'create').length;
    await audit.record({ actor, action: 'template-confirmed', recordType: 'template', recordId: proposal.template, detail: { drafts: made.length, new: created, changed: proposal.items.length - created } }, new Date(kit.now()));
    return reply.redirect(`/admin/templates?submitted=${made.length}`, 303);
  });
}
