/**
 * Stakeholder templates through the real app (inject), on SQLite and on PostgreSQL: the services and
 * FAQs templates downloaded and read with ExcelJS (instructions, published records, dropdowns from
 * the pack), changed, uploaded with mistakes (every problem by row and column, nothing saved), fixed,
 * previewed (new, changed, unchanged), confirmed into drafts that another reviewer publishes; who may
 * use them; hostile files; and a 500-row upload, timed.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, get, signIn, tokenIn, type CookieJar } from '../../test/helpers/admin.js';
import { buildTestApp, type TestApp } from '../../test/helpers/app.js';
import { CONTENT_TYPES, multipartForm, zipOf } from '../../test/helpers/upload.js';
import { AuditLog } from './audit.js';
import { Drafts } from './drafts.js';
import { TEMPLATE_MAX_ROWS } from './templates.js';
import { UNZIPPED_MAX_BYTES, UPLOAD_MAX_BYTES } from './workbook-file.js';

let t: TestApp;
let editor: CookieJar;
let reviewer: CookieJar;
let admin: CookieJar;

beforeAll(async () => {
  t = await buildTestApp();
  await addUser(t.store, 'editor@example.org', 'editor');
  await addUser(t.store, 'reviewer@example.org', 'reviewer');
  await addUser(t.store, 'admin@example.org', 'admin');
  editor = (await signIn(t.app, 'editor@example.org')).jar;
  reviewer = (await signIn(t.app, 'reviewer@example.org')).jar;
  admin = (await signIn(t.app, 'admin@example.org')).jar;
}, 90_000);
afterAll(async () => {
  await t?.close();
});

const pack = () => t.content.pack();

async function download(jar: CookieJar, name: 'services' | 'faqs'): Promise<ExcelJS.Workbook> {
  const r = await t.app.inject({ method: 'GET', url: `/admin/templates/${name}.xlsx`, headers: { cookie: jar.header() } });
  expect(r.statusCode).toBe(200);
  expect(r.headers['content-type']).toContain('spreadsheetml.sheet');
  expect(r.headers['content-disposition']).toBe(`attachment; filename="${name}.xlsx"`);
  expect(r.headers['cache-control']).toBe('no-store');
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(r.rawPayload as unknown as ExcelJS.Buffer);
  return workbook;
}

const bufferOf = async (workbook: ExcelJS.Workbook) => Buffer.from(await workbook.xlsx.writeBuffer());

/** posts a file from the templates page, with its form token, as a browser does */
async function upload(jar: CookieJar, bytes: Buffer, name = 'template.xlsx', opts: { csrf?: boolean; field?: string } = {}) {
  const page = await get(t.app, jar, '/admin/templates');
  const form = multipartForm(opts.csrf === false ? {} : { _csrf: tokenIn(page.body) }, { name, bytes, field: opts.field });
  const r = await t.app.inject({ method: 'POST', url: '/admin/templates/upload', headers: { cookie: jar.header(), 'content-type': form.contentType }, payload: form.payload });
  jar.take(r.headers['set-cookie']);
  return r;
}

/** the problems listed on an errors page: row, column heading and message */
const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const problemsIn = (html: string) =>
  [...html.matchAll(/<tr class="govuk-table__row" data-qa="problem" data-row="(\d*)" data-column="([^"]*)">[\s\S]*?<td class="govuk-table__cell">([^<]*)<\/td>\s*<\/tr>/g)].map((m) => ({ row: m[1] ? Number(m[1]) : undefined, column: unescape(m[2]!), message: unescape(m[3]!) }));

const column = (sheet: ExcelJS.Worksheet, header: string) => {
  let found = 0;
  sheet.getRow(1).eachCell((c, n) => {
    if (c.value === header) found = n;
  });
  if (!found) throw new Error(`no column ${header}`);
  return found;
};
const rowOf = (sheet: ExcelJS.Worksheet, id: string) => {
  let found = 0;
  sheet.eachRow((r, n) => {
    if (r.getCell(1).value === id) found = n;
  });
  if (!found) throw new Error(`no row ${id}`);
  return found;
};
/** a copy of a row's values at the end of the sheet, with some cells changed */
const addCopy = (sheet: ExcelJS.Worksheet, from: number, changes: Record<number, ExcelJS.CellValue>) => {
  const values = (sheet.getRow(from).values as ExcelJS.CellValue[]).slice(1);
  const row = sheet.addRow(values);
  for (const [col, value] of Object.entries(changes)) row.getCell(Number(col)).value = value;
  return row.number;
};

const draftsBy = async (email: string) => (await t.store.db.withTables<{ content_draft: { author_email: string; id: number; status: string; record_id: string } }>().selectFrom('content_draft').selectAll().where('author_email', '=', email).execute()).map((d) => ({ ...d, id: Number(d.id) }));
const uploadsWaiting = async () => Number((await t.store.db.withTables<{ template_upload: { id: string } }>().selectFrom('template_upload').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
const auditOf = async (action: string) => (await new AuditLog(t.store.db).page(1, 1000)).entries.filter((e) => e.action === action);

async function approve(jar: CookieJar, draftId: number) {
  const page = await get(t.app, jar, `/admin/drafts/${draftId}`);
  const r = await t.app.inject({ method: 'POST', url: `/admin/drafts/${draftId}/approve`, headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${encodeURIComponent(tokenIn(page.body))}` });
  jar.take(r.headers['set-cookie']);
  return r;
}
async function confirm(jar: CookieJar, previewUrl: string) {
  const page = await get(t.app, jar, previewUrl);
  const r = await t.app.inject({ method: 'POST', url: `${previewUrl}/confirm`, headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${encodeURIComponent(tokenIn(page.body))}` });
  jar.take(r.headers['set-cookie']);
  return r;
}

describe('who may use the templates', () => {
  it('is every signed-in role, linked from the home page; without a session, a GET goes to sign in and a POST is refused', async () => {
    for (const jar of [editor, reviewer, admin]) {
      const home = await get(t.app, jar, '/admin');
      expect(home.body).toContain('href="/admin/templates"');
      const page = await get(t.app, jar, '/admin/templates');
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('enctype="multipart/form-data"');
      expect(page.body).toContain('href="/admin/templates/services.xlsx"');
      expect(page.body).toContain('href="/admin/templates/faqs.xlsx"');
      for (const name of ['services', 'faqs']) expect((await get(t.app, jar, `/admin/templates/${name}.xlsx`)).statusCode).toBe(200);
    }
    for (const url of ['/admin/templates', '/admin/templates/services.xlsx', '/admin/templates/faqs.xlsx', '/admin/templates/uploads/AAAAAAAAAAAAAAAAAAAAAAAA']) {
      const r = await t.app.inject(url);
      expect(r.statusCode, url).toBe(303);
      expect(r.headers.location, url).toMatch(/^\/admin\/sign-in/);
    }
    const form = multipartForm({}, { name: 'x.xlsx', bytes: Buffer.from('PK') });
    const post = await t.app.inject({ method: 'POST', url: '/admin/templates/upload', headers: { 'content-type': form.contentType }, payload: form.payload });
    expect(post.statusCode).toBe(401);
    expect(post.body).toContain('You need to sign in');
    expect((await t.app.inject({ method: 'POST', url: '/admin/templates/uploads/AAAAAAAAAAAAAAAAAAAAAAAA/confirm' })).statusCode).toBe(401);
  });

  it('refuses an upload without the form token', async () => {
    const bytes = await bufferOf(await download(editor, 'services'));
    const r = await upload(editor, bytes, 'services.xlsx', { csrf: false });
    expect(r.statusCode).toBe(403);
    expect(await uploadsWaiting()).toBe(0);
  });
});

describe('the services template', () => {
  it('has instructions, the published services, and dropdowns whose lists come from the pack', async () => {
    const workbook = await download(editor, 'services');
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['Instructions', 'Services', 'Lists']);
    const instructions = workbook.getWorksheet('Instructions')!;
    const text: string[] = [];
    instructions.eachRow((r) => text.push((r.values as unknown[]).filter((v) => typeof v === 'string').join(' | ')));
    expect(text.join('\n')).toMatch(/Do not enter personal data about children or families/);
    expect(text.join('\n')).toContain('Phone 1 to Phone 3 | No');
    expect(text.join('\n')).toMatch(/Short name \| Yes \| Lower-case letters/);

    const sheet = workbook.getWorksheet('Services')!;
    const services = pack().services;
    expect(sheet.actualRowCount).toBe(services.length + 1);
    const s = services[0]!;
    const row = sheet.getRow(rowOf(sheet, s.slug));
    expect(row.getCell(column(sheet, 'Name')).value).toBe(s.name);
    expect(row.getCell(column(sheet, 'Can do')).value).toBe(s.card.canDo.join('\n'));

    // every dropdown: need areas, levels, provider types, delivery modes, from the Lists sheet
    const lists = workbook.getWorksheet('Lists')!;
    expect(lists.state).toBe('hidden');
    const listValues = (title: string) => {
      let col = 0;
      lists.getRow(1).eachCell((c, n) => {
        if (c.value === title) col = n;
      });
      const out: string[] = [];
      lists.getColumn(col).eachCell((c, n) => {
        if (n > 1 && c.value !== null) out.push(String(c.value));
      });
      return out;
    };
    const p = pack();
    expect(listValues('Need areas')).toEqual(p.needAreas.flatMap((a) => [a.name, ...a.children.map((c) => `${a.name}: ${c.name}`)]));
    expect(listValues('Levels')).toEqual(p.levels.map((l) => `${l.label}: ${l.name}`));
    expect(listValues('Provider types')).toHaveLength(7);
    expect(listValues('Delivery modes')).toHaveLength(4);
    const validation = (header: string) => (sheet as unknown as { dataValidations: { find(a: string): ExcelJS.DataValidation | undefined } }).dataValidations.find(`${sheet.getColumn(column(sheet, header)).letter}2`);
    for (const [header, list] of [['Need area 1', 'Need areas'], ['Level of need 1', 'Levels'], ['Type of provider', 'Provider types'], ['Delivery mode 1', 'Delivery modes']] as const) {
      const v = validation(header);
      expect(v?.type, header).toBe('list');
      const letter = String.fromCharCode(64 + ['Statuses', 'Coverage', 'Provider types', 'Need areas', 'Levels', 'Delivery modes'].indexOf(list) + 1);
      expect(String(v?.formulae[0]), header).toBe(`Lists!$${letter}$2:$${letter}$${listValues(list).length + 1}`);
    }
    expect(validation('Free')?.formulae[0]).toBe('"Yes,No"');
  });

  it('round trip: an upload with mistakes lists each by row and column and saves nothing; fixed, it previews 1 new, 1 changed and the rest unchanged; confirmed, drafts another reviewer publishes', async () => {
    const workbook = await download(editor, 'services');
    const sheet = workbook.getWorksheet('Services')!;
    const p = pack();
    const withPhone = p.services.filter((s) => s.status === 'active' && s.phones.length === 1 && s.phones[0]!.verified);
    const changedService = withPhone[0]!;
    const template = withPhone[1]!;
    const broken = withPhone[2]!;
    const NEW_PHONE = '020 7946 0888';
    const phone = column(sheet, 'Phone 1');
    const changedRow = rowOf(sheet, changedService.slug);
    sheet.getRow(changedRow).getCell(phone).value = NEW_PHONE;
    const newRow = addCopy(sheet, rowOf(sheet, template.slug), { 1: 'template-upload-test', [column(sheet, 'Name')]: 'Quincewood template service' });
    // the mistakes: a phone of words, an impossible date, a need area not in the list, a formula, a required cell emptied
    const brokenRow = rowOf(sheet, broken.slug);
    sheet.getRow(brokenRow).getCell(phone).value = 'call us';
    sheet.getRow(brokenRow).getCell(column(sheet, 'Last reviewed')).value = '2026-02-30';
    sheet.getRow(newRow).getCell(column(sheet, 'Need area 1')).value = 'Worries about unicorns';
    sheet.getRow(newRow).getCell(column(sheet, 'Summary')).value = { formula: 'B2', result: 'a summary' } as ExcelJS.CellFormulaValue;
    sheet.getRow(changedRow).getCell(column(sheet, 'Can do')).value = null;

    const bad = await upload(editor, await bufferOf(workbook), 'services.xlsx');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('govuk-error-summary');
    expect(bad.body).toContain('Nothing was saved');
    const problems = problemsIn(bad.body);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ row: brokenRow, column: 'Phone 1', message: expect.stringContaining('must be a phone number') }),
        expect.objectContaining({ row: brokenRow, column: 'Last reviewed', message: 'is not a real calendar date' }),
        expect.objectContaining({ row: newRow, column: 'Need area 1', message: expect.stringContaining('is not one of its choices') }),
        expect.objectContaining({ row: newRow, column: 'Summary', message: expect.stringContaining('has a formula') }),
        expect.objectContaining({ row: changedRow, column: 'Can do', message: 'is missing' }),
      ]),
    );
    expect(problems, JSON.stringify(problems)).toHaveLength(5);
    // named as the brief asks: sheet, row and column
    expect(bad.body).toContain(`<td class="govuk-table__cell">Services</td>`);
    expect(await uploadsWaiting()).toBe(0);
    expect(await draftsBy('editor@example.org')).toEqual([]);

    // fixed
    sheet.getRow(brokenRow).getCell(phone).value = broken.phones[0]!.number;
    sheet.getRow(brokenRow).getCell(column(sheet, 'Last reviewed')).value = broken.reviewed;
    sheet.getRow(newRow).getCell(column(sheet, 'Need area 1')).value = sheet.getRow(rowOf(sheet, template.slug)).getCell(column(sheet, 'Need area 1')).value;
    sheet.getRow(newRow).getCell(column(sheet, 'Summary')).value = 'A service added from the template.';
    sheet.getRow(changedRow).getCell(column(sheet, 'Can do')).value = changedService.card.canDo.join('\n');
    const good = await upload(editor, await bufferOf(workbook), 'services.xlsx');
    expect(good.statusCode, good.body.slice(0, 3000)).toBe(303);
    const preview = String(good.headers.location);
    expect(preview).toMatch(/^\/admin\/templates\/uploads\/[A-Za-z0-9_-]{24}$/);
    expect(await uploadsWaiting()).toBe(1);
    const page = await get(t.app, editor, preview);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<strong data-qa="count-new">1 new</strong>');
    expect(page.body).toContain('<strong data-qa="count-changed">1 changed</strong>');
    expect(page.body).toContain(`<strong data-qa="count-unchanged">${p.services.length - 1} unchanged</strong>`);
    expect(page.body).toContain('Quincewood template service');
    expect(/data-qa="changed-fields">([^<]*)</.exec(page.body)?.[1]).toBe('phones › 1 › number');
    // another user cannot see or confirm it
    expect((await get(t.app, reviewer, preview)).statusCode).toBe(404);
    expect(await draftsBy('editor@example.org')).toEqual([]);

    const done = await confirm(editor, preview);
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/admin/templates?submitted=2');
    expect((await get(t.app, editor, '/admin/templates?submitted=2')).body).toContain('2 drafts were made from your upload and submitted for review');
    const made = await draftsBy('editor@example.org');
    expect(made.map((d) => [d.record_id, d.status]).sort()).toEqual([
      [changedService.slug, 'submitted'],
      ['template-upload-test', 'submitted'],
    ]);
    expect(await uploadsWaiting()).toBe(0);
    // once only
    const twice = await confirm(editor, preview);
    expect(twice.statusCode).toBe(404);
    expect(twice.body).toContain('This upload is no longer waiting');
    expect(await draftsBy('editor@example.org')).toHaveLength(2);

    // the uploader cannot approve them; a reviewer does, and the public pages show them
    expect((await approve(editor, made[0]!.id)).statusCode).toBe(403);
    for (const d of made) expect((await approve(reviewer, d.id)).statusCode).toBe(303);
    await t.content.refresh();
    expect((await t.app.inject(`/services/${changedService.slug}`)).body).toContain(NEW_PHONE);
    const added = await t.app.inject('/services/template-upload-test');
    expect(added.statusCode).toBe(200);
    expect(added.body).toContain('Quincewood template service');

    const uploads = await auditOf('template-uploaded');
    expect(uploads.map((e) => e.detail['outcome'])).toEqual(expect.arrayContaining(['problems', 'preview']));
    expect(uploads.every((e) => e.actorEmail === 'editor@example.org')).toBe(true);
    expect((await auditOf('template-confirmed'))[0]?.detail).toMatchObject({ drafts: 2, new: 1, changed: 1 });
  }, 120_000);
});

describe('an upload that would break the guidance elsewhere', () => {
  it('is refused with the problems named as content:check names them, and nothing is saved', async () => {
    const workbook = await download(editor, 'services');
    const sheet = workbook.getWorksheet('Services')!;
    const status = column(sheet, 'Status');
    sheet.eachRow((row, n) => {
      if (n > 1) row.getCell(status).value = 'Defunct';
    });
    const r = await upload(editor, await bufferOf(workbook), 'services.xlsx');
    expect(r.statusCode).toBe(400);
    expect(problemsIn(r.body)).toEqual([]);
    expect(r.body).toContain('would leave problems elsewhere in the guidance');
    const list = /<ul class="govuk-list govuk-list--bullet" data-qa="elsewhere">([\s\S]*?)<\/ul>/.exec(r.body)?.[1] ?? '';
    expect(list).toContain(`<li>need-areas.yaml › ${pack().needAreas[0]!.id} › services: no active service is tagged with this need area`);
    expect(await uploadsWaiting()).toBe(0);
  }, 60_000);
});

describe('the FAQs template', () => {
  it('round trip: a new FAQ that repeats another’s phrasings is refused by row and column; fixed, 1 new and 1 changed become drafts another reviewer publishes', async () => {
    const workbook = await download(editor, 'faqs');
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['Instructions', 'FAQs', 'Lists']);
    const sheet = workbook.getWorksheet('FAQs')!;
    const faqs = (pack().sections['faqs'] as Array<{ value: { faqs: Array<{ id: string; answer: string }> } }>).flatMap((x) => x.value.faqs);
    expect(sheet.actualRowCount).toBe(faqs.length + 1);
    const changed = faqs[0]!;
    const NEW_ANSWER = `${changed.answer.slice(0, 600)} Quincewood answers are checked by the template test.`;
    const changedRow = rowOf(sheet, changed.id);
    sheet.getRow(changedRow).getCell(column(sheet, 'Answer')).value = NEW_ANSWER;
    const newRow = addCopy(sheet, rowOf(sheet, faqs[1]!.id), { 1: 'template-upload-faq', [column(sheet, 'Question')]: 'What is a quincewood template question?', [column(sheet, 'Keywords')]: null });

    const bad = await upload(editor, await bufferOf(workbook), 'faqs.xlsx');
    expect(bad.statusCode).toBe(400);
    const problems = problemsIn(bad.body);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((x) => x.row === newRow && x.column === 'Other ways staff ask it')).toBe(true);
    expect(problems[0]!.message).toMatch(/^line 1 ".*" is also a phrasing of "/);
    expect(await uploadsWaiting()).toBe(0);

    sheet.getRow(newRow).getCell(column(sheet, 'Other ways staff ask it')).value = 'what is a quincewood question\nquincewood template meaning\nexplain quincewood templates';
    const good = await upload(editor, await bufferOf(workbook), 'faqs.xlsx');
    expect(good.statusCode, good.body.slice(0, 3000)).toBe(303);
    const preview = String(good.headers.location);
    const page = await get(t.app, editor, preview);
    expect(page.body).toContain('<strong data-qa="count-new">1 new</strong>');
    expect(page.body).toContain('<strong data-qa="count-changed">1 changed</strong>');
    expect(page.body).toContain(`<strong data-qa="count-unchanged">${faqs.length - 1} unchanged</strong>`);
    expect(/data-qa="changed-fields">([^<]*)</.exec(page.body)?.[1]).toBe('answer');

    expect((await confirm(editor, preview)).statusCode).toBe(303);
    const made = (await draftsBy('editor@example.org')).filter((d) => d.record_id === changed.id || d.record_id === 'template-upload-faq');
    expect(made).toHaveLength(2);
    for (const d of made) expect((await approve(admin, d.id)).statusCode).toBe(303);
    await t.content.refresh();
    const published = (pack().sections['faqs'] as Array<{ value: { faqs: Array<{ id: string; answer: string; question: string }> } }>).flatMap((x) => x.value.faqs);
    expect(published.find((f) => f.id === changed.id)?.answer).toBe(NEW_ANSWER);
    expect(published.find((f) => f.id === 'template-upload-faq')?.question).toBe('What is a quincewood template question?');
  }, 120_000);
});

describe('hostile and wrong uploads', () => {
  /** the upload is answered with the templates page, its error summary naming the file field */
  async function refused(bytes: Buffer, name: string, status: number, words: RegExp) {
    const r = await upload(editor, bytes, name);
    expect(r.statusCode, name).toBe(status);
    expect(r.body, name).toContain('govuk-error-summary');
    expect(r.body, name).toContain('href="#file"');
    expect(r.body, name).toMatch(words);
    expect(r.body, name).toContain('id="file-error"');
    return r;
  }
  const minimalWorkbook = (workbookXml: string, extra: Array<{ name: string; data: string | Buffer; declaredSize?: number }> = []) =>
    zipOf([{ name: '[Content_Types].xml', data: CONTENT_TYPES }, { name: 'xl/workbook.xml', data: workbookXml }, ...extra]);
  const WORKBOOK = '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets/></workbook>';

  it('refuses what is not a spreadsheet, an old .xls, an OpenDocument file, and no file at all', async () => {
    await refused(Buffer.from('name,phone\nA service,020 7946 0000\n'), 'services.csv', 400, /not an Excel workbook \(\.xlsx\): it is a CSV file/);
    await refused(Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(512)]), 'services.xls', 400, /older Excel file \(\.xls\)/);
    await refused(zipOf([{ name: 'mimetype', data: 'application/vnd.oasis.opendocument.spreadsheet' }]), 'services.ods', 400, /OpenDocument spreadsheet/);
    await refused(zipOf([{ name: 'readme.txt', data: 'hello' }]), 'archive.xlsx', 400, /a zip archive but not an Excel workbook/);
    await refused(Buffer.from('PK\u0003\u0004 cut short'), 'cut.xlsx', 400, /may be damaged or cut short/);
    await refused(Buffer.alloc(0), 'empty.xlsx', 400, /The file is empty/);
    const page = await get(t.app, editor, '/admin/templates');
    const form = multipartForm({ _csrf: tokenIn(page.body) });
    const none = await t.app.inject({ method: 'POST', url: '/admin/templates/upload', headers: { cookie: editor.header(), 'content-type': form.contentType }, payload: form.payload });
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('Choose the filled-in template (.xlsx) to upload');
  });

  it('refuses macro-enabled files, by name and by content', async () => {
    const template = await bufferOf(await download(editor, 'services'));
    await refused(template, 'services.xlsm', 400, /contains macros/);
    await refused(minimalWorkbook(WORKBOOK, [{ name: 'xl/vbaProject.bin', data: Buffer.alloc(100) }]), 'services.xlsx', 400, /contains macros/);
    await refused(zipOf([{ name: '[Content_Types].xml', data: CONTENT_TYPES.replace('sheet.main+xml', 'sheet.macroEnabled.main+xml') }, { name: 'xl/workbook.xml', data: WORKBOOK }]), 'services.xlsx', 400, /contains macros/);
  });

  it(`refuses a file over ${UPLOAD_MAX_BYTES / 1024 / 1024} MB, a zip bomb, a part larger than it says, and a named range over the whole sheet`, async () => {
    await refused(Buffer.alloc(UPLOAD_MAX_BYTES + 1, 1), 'huge.xlsx', 413, /larger than 5 MB/);
    // 60 MB of zeros deflate to about 60 KB
    await refused(minimalWorkbook(WORKBOOK, [{ name: 'xl/sharedStrings.xml', data: Buffer.alloc(UNZIPPED_MAX_BYTES + 20 * 1024 * 1024) }]), 'bomb.xlsx', 400, /would unzip to more than 40 MB/);
    await refused(minimalWorkbook(WORKBOOK, [{ name: 'xl/sharedStrings.xml', data: Buffer.alloc(UNZIPPED_MAX_BYTES + 1024), declaredSize: 1000 }]), 'liar.xlsx', 400, /would unzip to more than 40 MB/);
    await refused(minimalWorkbook(WORKBOOK, Array.from({ length: 400 }, (_, i) => ({ name: `xl/p${i}.xml`, data: 'x' }))), 'parts.xlsx', 400, /holds 402 parts/);
    const named = WORKBOOK.replace('<sheets/>', '<sheets/><definedNames><definedName name="all">Services!$A$1:$XFD$1048576</definedName></definedNames>');
    await refused(minimalWorkbook(named), 'named.xlsx', 400, /named range over more than a million cells/);
    expect(await uploadsWaiting()).toBe(0);
  });

  it('refuses another workbook, changed headings, both templates in one, an empty sheet, headings alone and too many rows', async () => {
    const other = new ExcelJS.Workbook();
    other.addWorksheet('Sheet1').addRow(['Name', 'Phone']);
    await refused(await bufferOf(other), 'other.xlsx', 400, /not one of the templates: it has no “Services” or “FAQs” sheet \(its sheets: “Sheet1”\)/);

    const renamed = await download(editor, 'services');
    renamed.getWorksheet('Services')!.getCell(1, column(renamed.getWorksheet('Services')!, 'Name')).value = 'Service name';
    await refused(await bufferOf(renamed), 'renamed.xlsx', 400, /it has no column “Name”; and these headings are not the template’s: “Service name” \(column B\)/);

    const both = await download(editor, 'services');
    both.addWorksheet('FAQs');
    await refused(await bufferOf(both), 'both.xlsx', 400, /has both a “Services” and a “FAQs” sheet/);

    const blank = new ExcelJS.Workbook();
    blank.addWorksheet('Services');
    await refused(await bufferOf(blank), 'blank.xlsx', 400, /has no template headings in row 1: it is empty/);

    const headingsOnly = await download(editor, 'services');
    const sheet = headingsOnly.getWorksheet('Services')!;
    const rows = sheet.actualRowCount;
    for (let r = 2; r <= rows; r++) sheet.getRow(r).values = [];
    await refused(await bufferOf(headingsOnly), 'headings.xlsx', 400, /has no rows of services under its headings/);

    for (let i = 0; i <= TEMPLATE_MAX_ROWS; i++) sheet.getRow(i + 2).values = [`service-${i}`];
    await refused(await bufferOf(headingsOnly), 'rows.xlsx', 400, /more than 2,000 rows of services/);

    // rows that only carry a format are not rows of services, but a reader would still hold each
    for (let i = 0; i <= 20_000; i++) sheet.getRow(i + 2).getCell(2).style = { font: { bold: true } };
    await refused(await bufferOf(headingsOnly), 'formatted.xlsx', 413, /more than 20,000 rows or a row more than 1,000 cells/);
    expect(await uploadsWaiting()).toBe(0);
  }, 60_000);
});

describe('a 500-row upload', () => {
  it('is checked and previewed in seconds, and every mistake in it is reported', async () => {
    const workbook = await download(editor, 'services');
    const sheet = workbook.getWorksheet('Services')!;
    const existing = sheet.actualRowCount - 1;
    const name = column(sheet, 'Name');
    for (let i = 0; sheet.actualRowCount - 1 < 500; i++) addCopy(sheet, 2 + (i % existing), { 1: `bulk-service-${i}`, [name]: `Bulk service ${i}` });
    expect(sheet.actualRowCount - 1).toBe(500);

    let started = performance.now();
    const good = await upload(editor, await bufferOf(workbook), 'bulk.xlsx');
    const previewMs = performance.now() - started;
    expect(good.statusCode).toBe(303);
    const page = await get(t.app, editor, String(good.headers.location));
    expect(page.body).toContain(`<strong data-qa="count-new">${500 - existing} new</strong>`);
    const before = (await draftsBy('editor@example.org')).length;
    started = performance.now();
    expect((await confirm(editor, String(good.headers.location))).statusCode).toBe(303);
    const confirmMs = performance.now() - started;
    expect((await draftsBy('editor@example.org')).length - before).toBe(500 - existing);

    // one mistake in each of 60 rows, of several kinds, all reported
    const phone = column(sheet, 'Phone 1');
    const reviewed = column(sheet, 'Last reviewed');
    const free = column(sheet, 'Free');
    const mistakes: Array<{ row: number; column: string }> = [];
    for (let i = 0; i < 60; i++) {
      const row = 2 + i * 8;
      const kind = i % 3;
      sheet.getRow(row).getCell(kind === 0 ? phone : kind === 1 ? reviewed : free).value = kind === 0 ? 'ring us' : kind === 1 ? 'last spring' : 'perhaps';
      mistakes.push({ row, column: kind === 0 ? 'Phone 1' : kind === 1 ? 'Last reviewed' : 'Free' });
    }
    started = performance.now();
    const bad = await upload(editor, await bufferOf(workbook), 'bulk.xlsx');
    const errorsMs = performance.now() - started;
    expect(bad.statusCode).toBe(400);
    const reported = problemsIn(bad.body).map((x) => ({ row: x.row, column: x.column }));
    expect(reported).toEqual(mistakes);
    console.log(`500-row services upload: checked and stored for preview in ${Math.round(previewMs)} ms; ${500 - existing} drafts made on confirming in ${Math.round(confirmMs)} ms; with 60 mistakes, all ${reported.length} reported in ${Math.round(errorsMs)} ms`);
    expect(previewMs).toBeLessThan(30_000);
  }, 120_000);
});

describe('drafts from an upload', () => {
  it('are refused when the record was published again after the upload was checked', async () => {
    const workbook = await download(editor, 'services');
    const sheet = workbook.getWorksheet('Services')!;
    const s = pack().services.find((x) => x.status === 'active')!;
    sheet.getRow(rowOf(sheet, s.slug)).getCell(column(sheet, 'Summary')).value = 'Changed by the template, in a race.';
    const good = await upload(editor, await bufferOf(workbook), 'services.xlsx');
    expect(good.statusCode).toBe(303);
    // meanwhile someone else changes the same service and it is published
    const drafts = new Drafts({ store: t.store, pack, version: () => t.content.version(), now: Date.now });
    const other = await drafts.create({ type: 'service', id: s.slug, action: 'change', proposed: { ...s, summary: 'Changed by someone else first.' } }, { id: 9999, email: 'someone@example.org' });
    await drafts.submit(other, { id: 9999, email: 'someone@example.org' });
    await drafts.approve((await drafts.get(other.id))!, { id: 9998, email: 'reviewer2@example.org' });
    await t.content.refresh();
    const before = (await draftsBy('editor@example.org')).length;
    const r = await confirm(editor, String(good.headers.location));
    expect(r.statusCode).toBe(409);
    expect(r.body).toContain('The published content changed after your upload was checked');
    expect((await draftsBy('editor@example.org')).length).toBe(before);
  }, 60_000);
});
