/**
 * Stakeholder templates: the spreadsheets the borough gathers services and FAQs with. Each template
 * is a list of columns over the record's fields (a repeated part such as a phone number, a place or a
 * need area has numbered columns: "Phone 2 label"), written as a workbook with an instructions sheet,
 * a sheet of one row per record (the published records, so that a stakeholder updates rather than
 * retypes) and dropdowns whose choices come from the published pack; and read back, row by row, into
 * records. Reading judges as little as the edit forms do: what a cell says goes into the record, and
 * the pack's own validation (content:check's) judges it, with each problem placed back at its row
 * and column. Only what the cells themselves make impossible to read (a formula, a choice not in the
 * list, a phone number turned into a number) is reported here.
 */
import ExcelJS from 'exceljs';
import { faqTopics, findRecord, type Proposed, type RecordType } from './records.js';
import { contactRoles, deliveryModes, providerTypes, serviceStatuses, weekdays, SLUG_PATTERN, type ContentPack } from '../content/schema.js';
import { deliveryLabels, providerLabels } from '../directory/labels.js';
import { FIELD_MAX_LENGTH } from './forms.js';
import { UPLOAD_MAX_BYTES } from './workbook-file.js';

export const templateNames = ['services', 'faqs'] as const;
export type TemplateName = (typeof templateNames)[number];
export const isTemplateName = (v: unknown): v is TemplateName => typeof v === 'string' && (templateNames as readonly string[]).includes(v);

/** the most rows of records one upload may have */
export const TEMPLATE_MAX_ROWS = 2_000;
/** the most of one repeated column a template may have ("Need area 40") */
const MAX_REPEATS = 100;

export const INSTRUCTIONS_SHEET = 'Instructions';
const LISTS_SHEET = 'Lists';

type Kind = 'text' | 'lines' | 'number' | 'boolean' | 'date' | 'choice' | 'days' | 'phone';

interface Choice {
  value: string;
  label: string;
}

/**
 * A column, or a family of numbered columns. `path` is where a value goes in the record:
 * `organization.name`; `phones.#.number` for a field of the n-th item of a list of parts (the columns
 * "Phone n ..."); `needAreas.#` for the n-th item of a list of values.
 */
export interface ColumnSpec {
  /** the heading; `{n}` is the number of a repeated column */
  header: string;
  path: string;
  kind: Kind;
  required: boolean;
  help: string;
  choices?: Choice[];
  /** the list in the Lists sheet the dropdown reads */
  list?: string;
  /** how many numbered columns the template offers (the reader takes any number up to MAX_REPEATS) */
  repeat?: number;
  width?: number;
}

export interface Template {
  name: TemplateName;
  type: RecordType;
  /** the sheet of records */
  sheet: string;
  /** what one row is, for messages */
  recordLabel: { one: string; many: string };
  /** the id column's path: a service's slug, an FAQ's id */
  idPath: string;
  columns: ColumnSpec[];
}

/** a column as it is in a sheet: a spec, and which of its repeats this is (1 for a single column) */
export interface Column {
  spec: ColumnSpec;
  n: number;
  header: string;
}

const YES_NO: Choice[] = [
  { value: 'true', label: 'Yes' },
  { value: 'false', label: 'No' },
];
const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1).replace(/-/g, ' ');

function needAreaChoices(pack: ContentPack): Choice[] {
  return pack.needAreas.flatMap((a) => [{ value: a.id, label: a.name }, ...a.children.map((c) => ({ value: c.id, label: `${a.name}: ${c.name}` }))]);
}

/** the most items of a list any published record has, and at least `least` */
const most = (records: unknown[], read: (r: never) => unknown[] | undefined, least: number) => Math.min(MAX_REPEATS, Math.max(least, ...records.map((r) => read(r as never)?.length ?? 0)));

const sourceColumns = (): ColumnSpec[] => [
  { header: 'Source', path: 'source.title', kind: 'text', required: true, help: 'Where the facts in the row come from: the title of a web page, leaflet or document, or "Confirmed by the service by email".', width: 30 },
  { header: 'Source web address', path: 'source.url', kind: 'text', required: false, help: 'The web address of the source, starting https://, if it has one.', width: 30 },
  { header: 'Last reviewed', path: 'reviewed', kind: 'date', required: true, help: 'The date someone last checked the row with its source, written YYYY-MM-DD (for example 2026-03-27). It cannot be in the future.', width: 14 },
];

export function servicesTemplate(pack: ContentPack): Template {
  const s = pack.services;
  return {
    name: 'services',
    type: 'service',
    sheet: 'Services',
    recordLabel: { one: 'service', many: 'services' },
    idPath: 'slug',
    columns: (
      [
      { header: 'Short name', path: 'slug', kind: 'text', required: true, help: 'Lower-case letters, digits and single hyphens, for example family-support-line. It is the service’s web address and tells which service the row is: keep it as it is to update a service, and choose a new one for a new service.', width: 28 },
      { header: 'Name', path: 'name', kind: 'text', required: true, help: 'The service’s name, as staff would know it.', width: 30 },
      { header: 'Summary', path: 'summary', kind: 'text', required: true, help: 'One line, up to 200 characters: what it does.', width: 40 },
      { header: 'Description', path: 'description', kind: 'text', required: true, help: 'What the service does, in plain words.', width: 50 },
      { header: 'Status', path: 'status', kind: 'choice', required: false, help: 'Active unless it has stopped: a service that has closed for good is Defunct, and stays findable marked as closed. Empty means Active.', choices: serviceStatuses.map((v) => ({ value: v, label: capital(v) })), list: 'Statuses', width: 16 },
      { header: 'Organisation', path: 'organization.name', kind: 'text', required: true, help: 'The organisation that runs it.', width: 28 },
      { header: 'Organisation website', path: 'organization.url', kind: 'text', required: false, help: 'Starting https://.', width: 28 },
      { header: 'About the organisation', path: 'organization.description', kind: 'text', required: false, help: 'A line about the organisation.', width: 30 },
      { header: 'Where it works', path: 'coverage', kind: 'choice', required: true, help: 'Local to the borough, or national.', choices: [{ value: 'local', label: 'Local to the borough' }, { value: 'national', label: 'National' }], list: 'Coverage', width: 20 },
      { header: 'Type of provider', path: 'providerType', kind: 'choice', required: true, help: 'Who provides it.', choices: providerTypes.map((v) => ({ value: v, label: providerLabels[v] })), list: 'Provider types', width: 18 },
      { header: 'Need area {n}', path: 'needAreas.#', kind: 'choice', required: true, help: 'Each need the service helps with, one a column from Need area 1 on: choose from the list. A need area with parts (such as one with its own kinds) covers all its parts.', choices: needAreaChoices(pack), list: 'Need areas', repeat: most(s, (x: { needAreas: unknown[] }) => x.needAreas, 8), width: 30 },
      { header: 'Level of need {n}', path: 'levels.#', kind: 'choice', required: true, help: 'Each level of need the service works at, one a column: choose from the list.', choices: pack.levels.map((l) => ({ value: l.id, label: `${l.label}: ${l.name}` })), list: 'Levels', repeat: Math.max(pack.levels.length, most(s, (x: { levels: unknown[] }) => x.levels, 1)), width: 26 },
      { header: 'Who can use it', path: 'eligibility', kind: 'text', required: true, help: 'Who the service is for.', width: 40 },
      { header: 'Youngest age', path: 'ages.min', kind: 'number', required: false, help: 'In years. Leave both ages empty if there is no age limit.', width: 10 },
      { header: 'Oldest age', path: 'ages.max', kind: 'number', required: false, help: 'In years.', width: 10 },
      { header: 'Free', path: 'cost.free', kind: 'boolean', required: true, help: 'Yes or No.', choices: YES_NO, width: 8 },
      { header: 'About the cost', path: 'cost.description', kind: 'text', required: false, help: 'What it costs, if it is not free, or any other note on cost.', width: 24 },
      { header: 'Languages', path: 'languages', kind: 'lines', required: false, help: 'One language a line (Alt+Enter starts a new line in a cell). Empty means English.', width: 16 },
      { header: 'Delivery mode {n}', path: 'deliveryModes.#', kind: 'choice', required: true, help: 'Each way the service is delivered, one a column: choose from the list.', choices: deliveryModes.map((v) => ({ value: v, label: deliveryLabels[v] })), list: 'Delivery modes', repeat: deliveryModes.length, width: 16 },
      { header: 'Website', path: 'url', kind: 'text', required: false, help: 'The service’s own web page, starting https://.', width: 28 },
      { header: 'Email', path: 'email', kind: 'text', required: false, help: 'A service email address (a team’s, never a person’s private one).', width: 26 },
      { header: 'Phone {n}', path: 'phones.#.number', kind: 'phone', required: false, help: 'A phone number of the service, digits and spaces, for example 020 8227 3811. The cell is text: keep the first 0.', width: 16 },
      { header: 'Phone {n} label', path: 'phones.#.label', kind: 'text', required: false, help: 'What the number is for, such as "Advice line".', width: 18 },
      { header: 'Phone {n} calls or texts', path: 'phones.#.kind', kind: 'choice', required: false, help: 'Calls, or Text messages for a number that only takes texts. Empty means Calls.', choices: [{ value: 'voice', label: 'Calls' }, { value: 'text', label: 'Text messages' }], list: 'Phone kinds', width: 14 },
      { header: 'Phone {n} confirmed', path: 'phones.#.verified', kind: 'boolean', required: false, help: 'Yes if the number was confirmed with the service; No shows it as unverified. Empty means Yes.', choices: YES_NO, width: 10 },
      { header: 'Place {n} name', path: 'locations.#.name', kind: 'text', required: false, help: 'A place where the service is delivered (a building, not a person’s home).', width: 24 },
      { header: 'Place {n} about', path: 'locations.#.description', kind: 'text', required: false, help: 'A line about the place.', width: 24 },
      { header: 'Place {n} address line 1', path: 'locations.#.address.line1', kind: 'text', required: false, help: 'The building and street.', width: 24 },
      { header: 'Place {n} town or city', path: 'locations.#.address.city', kind: 'text', required: false, help: 'Town or city.', width: 14 },
      { header: 'Place {n} postcode', path: 'locations.#.address.postcode', kind: 'text', required: false, help: 'A UK postcode.', width: 10 },
      { header: 'Place {n} latitude', path: 'locations.#.latitude', kind: 'number', required: false, help: 'Optional.', width: 10 },
      { header: 'Place {n} longitude', path: 'locations.#.longitude', kind: 'number', required: false, help: 'Optional.', width: 10 },
      { header: 'Place {n} confirmed', path: 'locations.#.verified', kind: 'boolean', required: false, help: 'Yes if the place was confirmed with the service. Empty means Yes.', choices: YES_NO, width: 10 },
      { header: 'Opening times {n}', path: 'schedules.#.description', kind: 'text', required: false, help: 'Opening times in words, for example "Monday to Friday, 9am to 5pm".', width: 28 },
      { header: 'Opening times {n} days', path: 'schedules.#.byDay', kind: 'days', required: false, help: `Optional: the days, as ${weekdays.join(' ')} separated by spaces.`, width: 14 },
      { header: 'Opening times {n} opens at', path: 'schedules.#.opensAt', kind: 'text', required: false, help: 'Optional: a 24-hour time such as 09:00.', width: 10 },
      { header: 'Opening times {n} closes at', path: 'schedules.#.closesAt', kind: 'text', required: false, help: 'Optional: a 24-hour time such as 17:00.', width: 10 },
      { header: 'Opening times {n} all day every day', path: 'schedules.#.always', kind: 'boolean', required: false, help: 'Optional: Yes if it is open all day, every day.', choices: YES_NO, width: 10 },
      { header: 'Families can refer themselves', path: 'referral.self', kind: 'boolean', required: true, help: 'Yes or No.', choices: YES_NO, width: 12 },
      { header: 'Professionals can refer', path: 'referral.professional', kind: 'boolean', required: true, help: 'Yes or No.', choices: YES_NO, width: 12 },
      { header: 'Referral through the front door', path: 'referral.viaFrontDoor', kind: 'boolean', required: true, help: 'Yes if referrals are made through the council’s front door.', choices: YES_NO, width: 12 },
      { header: 'Consent needed before referring', path: 'referral.consentNeeded', kind: 'boolean', required: true, help: 'Yes if the family must agree before a referral.', choices: YES_NO, width: 12 },
      { header: 'Referral form web address', path: 'referral.formUrl', kind: 'text', required: false, help: 'The online referral form, starting https://.', width: 28 },
      { header: 'Referral email', path: 'referral.email', kind: 'text', required: false, help: 'The team email address referrals go to.', width: 24 },
      { header: 'Referral phone', path: 'referral.phone', kind: 'phone', required: false, help: 'The number referrals are made on, if it differs from the service’s.', width: 16 },
      { header: 'Notes on referring', path: 'referral.notes', kind: 'text', required: false, help: 'Anything else a referrer should know.', width: 30 },
      { header: 'Can do', path: 'card.canDo', kind: 'lines', required: true, help: 'Expectation card: what the service can do, one point a line.', width: 40 },
      { header: 'Cannot do', path: 'card.cannotDo', kind: 'lines', required: true, help: 'Expectation card: what it cannot do, one point a line.', width: 40 },
      { header: 'Before you refer', path: 'card.beforeYouRefer', kind: 'lines', required: true, help: 'Expectation card: what a referrer must do first (consent, checks), one point a line.', width: 40 },
      { header: 'Information to have ready', path: 'card.informationToHave', kind: 'lines', required: true, help: 'Expectation card: what a referrer needs to hand, one point a line. Describe the kind of information only: never an actual child’s or family’s details.', width: 40 },
      { header: 'How to refer', path: 'card.howToRefer', kind: 'lines', required: true, help: 'Expectation card: the steps, one a line.', width: 40 },
      { header: 'What happens next', path: 'card.whatHappensNext', kind: 'text', required: true, help: 'Expectation card: what happens after a referral.', width: 40 },
      { header: 'How soon it responds', path: 'card.responseTime', kind: 'text', required: true, help: 'Expectation card: for example "Within 3 working days".', width: 20 },
      { header: 'A fact not confirmed', path: 'unverifiedNote', kind: 'text', required: false, help: 'A fact that could not be confirmed, shown to users beside the record.', width: 30 },
      ...sourceColumns(),
      ] satisfies ColumnSpec[] as ColumnSpec[]
    ).map((c) => repeated(c, s, { phones: 3, locations: 1, schedules: 2 })),
  };
}

export function faqsTemplate(pack: ContentPack): Template {
  const faqs = listFaqs(pack);
  return {
    name: 'faqs',
    type: 'faq',
    sheet: 'FAQs',
    recordLabel: { one: 'FAQ', many: 'FAQs' },
    idPath: 'id',
    columns: (
      [
      { header: 'Short name', path: 'id', kind: 'text', required: true, help: 'Lower-case letters, digits and single hyphens, for example what-is-early-help. It tells which FAQ the row is: keep it as it is to update an FAQ, and choose a new one for a new FAQ.', width: 28 },
      { header: 'Topic', path: 'topicFile', kind: 'choice', required: true, help: 'The topic the question belongs to: choose from the list.', choices: faqTopics(pack).map((t) => ({ value: t.file, label: t.topic })), list: 'Topics', width: 28 },
      { header: 'Question', path: 'question', kind: 'text', required: true, help: 'The question as a suggestion button shows it: 5 to 140 characters.', width: 40 },
      { header: 'Other ways staff ask it', path: 'phrasings', kind: 'lines', required: true, help: 'At least 3, one a line (Alt+Enter starts a new line in a cell). Each belongs to one question only.', width: 40 },
      { header: 'Keywords', path: 'keywords', kind: 'lines', required: false, help: 'Words that tell this question apart from similar ones, one a line. Each belongs to one question only.', width: 24 },
      { header: 'Answer', path: 'answer', kind: 'text', required: true, help: `20 to 900 characters, in plain words. Never type a phone number: name the contact instead, as {phone:frontDoor} or {contact:lado} (contacts: ${contactRoles.join(', ')}), or a service’s number as {service-phone:its-short-name}.`, width: 60 },
      { header: 'Link {n} text', path: 'links.#.text', kind: 'text', required: false, help: 'The words of a link shown under the answer.', width: 24 },
      { header: 'Link {n} address', path: 'links.#.href', kind: 'text', required: false, help: 'A page of this guidance such as /services?need=housing, or a web address starting https://.', width: 30 },
      { header: 'Need area {n}', path: 'needAreas.#', kind: 'choice', required: false, help: 'Each need area the question is about, one a column: choose from the list.', choices: needAreaChoices(pack), list: 'Need areas', width: 30 },
      ...sourceColumns(),
      ] satisfies ColumnSpec[] as ColumnSpec[]
    ).map((c) => repeated(c, faqs, { links: 3, needAreas: 4 })),
  };
}

/** a spec with `{n}` in its header gets as many columns as the records need, and at least `least[list]` */
function repeated(c: ColumnSpec, records: unknown[], least: Record<string, number>): ColumnSpec {
  if (!c.header.includes('{n}') || c.repeat !== undefined) return c;
  const list = c.path.split('.#')[0]!;
  return { ...c, repeat: most(records, (r: Record<string, unknown>) => (Array.isArray(r[list]) ? (r[list] as unknown[]) : undefined), least[list] ?? 1) };
}

export function templateFor(name: TemplateName, pack: ContentPack): Template {
  return name === 'services' ? servicesTemplate(pack) : faqsTemplate(pack);
}

/** the FAQs of the pack with their topic file, in order */
export function listFaqs(pack: ContentPack): Array<Record<string, unknown>> {
  const topics = (pack.sections['faqs'] as Array<{ file: string; value: { faqs: Array<Record<string, unknown>> } }> | undefined) ?? [];
  return topics.flatMap((t) => t.value.faqs.map((f) => ({ ...f, topicFile: t.file })));
}

const recordsOf = (template: Template, pack: ContentPack): Array<Record<string, unknown>> =>
  template.type === 'service' ? (pack.services as unknown as Array<Record<string, unknown>>) : listFaqs(pack);

/** the columns of the template, in order, repeated columns numbered */
export function columnsOf(template: Template): Column[] {
  const out: Column[] = [];
  // the parts of one list (Phone 1, Phone 1 label... then Phone 2...) stay together
  const done = new Set<ColumnSpec>();
  template.columns.forEach((spec, i) => {
    if (done.has(spec)) return;
    if (!spec.repeat) {
      out.push({ spec, n: 1, header: spec.header });
      return;
    }
    const list = spec.path.split('.#')[0]!;
    const family = template.columns.slice(i).filter((c) => c.repeat && c.path.startsWith(`${list}.#`));
    for (let n = 1; n <= spec.repeat; n++) for (const f of family) out.push({ spec: f, n, header: f.header.replace('{n}', String(n)) });
    family.forEach((f) => done.add(f));
  });
  return out;
}

/** the column a heading names, if any: "Phone 2 label" is the second of "Phone {n} label" */
export function columnNamed(template: Template, heading: string): Column | undefined {
  const h = heading.replace(/\s+/g, ' ').trim().toLowerCase();
  for (const spec of template.columns) {
    if (!spec.repeat) {
      if (spec.header.toLowerCase() === h) return { spec, n: 1, header: spec.header };
      continue;
    }
    const [before, after] = spec.header.toLowerCase().split('{n}') as [string, string];
    if (h.startsWith(before) && h.endsWith(after)) {
      const middle = h.slice(before.length, h.length - after.length);
      if (/^[1-9]\d{0,2}$/.test(middle) && Number(middle) <= MAX_REPEATS) return { spec, n: Number(middle), header: spec.header.replace('{n}', middle) };
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// Writing a template

const get = (record: unknown, path: string): unknown => path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), record);

/** a record's value for one column, as the cell shows it */
export function cellValueOf(record: Record<string, unknown>, column: Column): string | number | undefined {
  const { spec, n } = column;
  let value: unknown;
  if (spec.path.includes('.#')) {
    const [list, rest] = spec.path.split('.#') as [string, string];
    const item = (get(record, list) as unknown[] | undefined)?.[n - 1];
    value = rest ? get(item, rest.slice(1)) : item;
  } else value = get(record, spec.path);
  if (value === undefined || value === null) return undefined;
  if (spec.kind === 'lines' || spec.kind === 'days') return Array.isArray(value) ? value.map(String).join(spec.kind === 'days' ? ' ' : '\n') : String(value);
  if (spec.kind === 'boolean') return value === true ? 'Yes' : value === false ? 'No' : String(value);
  if (spec.kind === 'choice') return spec.choices?.find((c) => c.value === value)?.label ?? String(value);
  if (spec.kind === 'number' && typeof value === 'number') return value;
  return String(value);
}

const INSTRUCTIONS = (template: Template, pack: ContentPack) => [
  `${pack.manifest.serviceName}: ${template.recordLabel.many} template`,
  '',
  'Do not enter personal data about children or families in this workbook: no names, dates of birth, addresses, case details or anything else about a child or family. Describe services and answers in general terms only. Contact details must be a service’s or a team’s, never a private person’s.',
  '',
  `How to use it: the “${template.sheet}” sheet has one row per ${template.recordLabel.one}. The rows already there are the ${template.recordLabel.many} published now: change what is out of date, and add a row for each new ${template.recordLabel.one}. Leave a row as it is if nothing changed. Leaving a row out does not remove a ${template.recordLabel.one}.`,
  'Keep the headings in row 1 as they are; do not rename, add or remove sheets. Columns with a list (need areas, levels, types and so on) only take a value from their list. Type values, not formulas: a cell with a formula is refused. Save the file as an Excel Workbook (.xlsx), not a macro-enabled one.',
  `When it is uploaded, every row is checked as the guidance checks all its content, and each problem is listed by row and column; nothing is saved until there are none. Then the editor sees what is new, changed and unchanged, and each new or changed ${template.recordLabel.one} becomes a draft that a reviewer checks before it is published.`,
  `At most ${TEMPLATE_MAX_ROWS.toLocaleString('en-GB')} rows, in a file of up to ${Math.round(UPLOAD_MAX_BYTES / (1024 * 1024))} MB.`,
  '',
  'The columns (* required):',
];

/** The template as an .xlsx workbook: instructions, the published records, and dropdowns from the pack. */
export async function buildTemplate(template: Template, pack: ContentPack): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = pack.manifest.serviceName;
  workbook.title = `${pack.manifest.serviceName}: ${template.recordLabel.many} template`;
  const columns = columnsOf(template);

  const instructions = workbook.addWorksheet(INSTRUCTIONS_SHEET);
  instructions.columns = [{ width: 34 }, { width: 10 }, { width: 80 }, { width: 60 }];
  for (const line of INSTRUCTIONS(template, pack)) instructions.addRow([line]);
  instructions.getRow(1).font = { bold: true, size: 14 };
  instructions.getRow(3).font = { bold: true, color: { argb: 'FFD4351C' } };
  const head = instructions.addRow(['Column', 'Required', 'What it means', 'Allowed values']);
  head.font = { bold: true };
  for (const spec of template.columns) {
    const header = spec.repeat ? `${spec.header.replace('{n}', '1')}${spec.repeat > 1 ? ` to ${spec.header.replace('{n}', String(spec.repeat))}` : ''}` : spec.header;
    const allowed = spec.choices ? spec.choices.map((c) => c.label).join('; ') : spec.kind === 'date' ? 'a date, YYYY-MM-DD' : spec.kind === 'number' ? 'a number' : spec.kind === 'lines' ? 'text, one item a line' : 'text';
    const required = spec.required ? (spec.repeat ? 'Yes (at least the first)' : 'Yes') : 'No';
    instructions.addRow([header, required, spec.help, allowed]);
  }
  instructions.eachRow((row) => {
    row.alignment = { wrapText: true, vertical: 'top' };
  });
  instructions.mergeCells(1, 1, 1, 4);
  for (let r = 3; r <= 7; r++) instructions.mergeCells(r, 1, r, 4);

  const sheet = workbook.addWorksheet(template.sheet, { views: [{ state: 'frozen', xSplit: 2, ySplit: 1 }] });
  const lists = workbook.addWorksheet(LISTS_SHEET, { state: 'hidden' });
  sheet.columns = columns.map((c) => ({ header: c.header, width: c.spec.width ?? 20, style: c.spec.kind === 'number' ? {} : { numFmt: '@' } }));
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.alignment = { wrapText: true, vertical: 'top' };
  columns.forEach((c, i) => {
    header.getCell(i + 1).note = `${c.spec.required && c.n === 1 ? 'Required. ' : ''}${c.spec.help}`;
  });

  // the dropdowns' lists, one a column of the hidden Lists sheet
  const listRanges = new Map<string, string>();
  let listColumn = 0;
  for (const spec of template.columns) {
    if (!spec.list || listRanges.has(spec.list) || !spec.choices) continue;
    listColumn++;
    const letter = lists.getColumn(listColumn).letter;
    lists.getCell(1, listColumn).value = spec.list;
    spec.choices.forEach((c, i) => {
      lists.getCell(i + 2, listColumn).value = c.label;
    });
    listRanges.set(spec.list, `${LISTS_SHEET}!$${letter}$2:$${letter}$${spec.choices.length + 1}`);
  }
  const lastRow = TEMPLATE_MAX_ROWS + 1;
  columns.forEach((c, i) => {
    const letter = sheet.getColumn(i + 1).letter;
    const formula = c.spec.kind === 'boolean' ? '"Yes,No"' : c.spec.list ? listRanges.get(c.spec.list) : undefined;
    if (!formula) return;
    (sheet as unknown as { dataValidations: { add(range: string, v: ExcelJS.DataValidation): void } }).dataValidations.add(`${letter}2:${letter}${lastRow}`, {
      type: 'list',
      allowBlank: true,
      formulae: [formula],
      showErrorMessage: true,
      errorStyle: 'stop',
      errorTitle: 'Choose from the list',
      error: `${c.header}: choose a value from the list.`,
    });
  });

  for (const record of recordsOf(template, pack)) {
    sheet.addRow(columns.map((c) => cellValueOf(record, c) ?? null));
  }
  sheet.eachRow((row, n) => {
    if (n > 1) row.alignment = { wrapText: true, vertical: 'top' };
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

// ---------------------------------------------------------------------------------------------------
// Reading an uploaded template

/** Where a problem is: a sheet's row and column (column absent for the whole row, row absent for the sheet). */
export interface CellProblem {
  sheet: string;
  row?: number;
  /** the column's heading and letter */
  column?: { header: string; letter: string };
  message: string;
}

export interface ReadRow {
  /** the spreadsheet's row number */
  row: number;
  id: string;
  record: Proposed;
  /** every field path the row set (or could have set) → the column it came from */
  origins: Map<string, Column & { letter: string }>;
  /** cells already reported: their other problems are not reported again */
  reported: Set<string>;
}

export interface ReadTemplate {
  rows: ReadRow[];
  problems: CellProblem[];
}

/** why a workbook is not this kind of template, or undefined when it is */
export class TemplateMismatch extends Error {}

export function letterOf(column: number): string {
  let s = '';
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** Which template a workbook is, from its sheet of records; a mismatch names what is wrong. */
export function whichTemplate(workbook: ExcelJS.Workbook, pack: ContentPack): Template {
  const templates = templateNames.map((n) => templateFor(n, pack));
  const found = templates.filter((t) => workbook.worksheets.some((w) => w.name.trim().toLowerCase() === t.sheet.toLowerCase()));
  if (found.length === 1) return found[0]!;
  const names = workbook.worksheets.map((w) => `“${w.name}”`).join(', ');
  if (found.length > 1) throw new TemplateMismatch(`The workbook has both a “${templates[0]!.sheet}” and a “${templates[1]!.sheet}” sheet. Upload each template on its own.`);
  throw new TemplateMismatch(`The workbook is not one of the templates: it has no “${templates.map((t) => t.sheet).join('” or “')}” sheet (its sheets: ${names || 'none'}). Download a template from this page, fill it in, and upload that.`);
}

type CellValue = ExcelJS.CellValue;
type Read = { ok: true; value: unknown } | { ok: false; message: string; value?: unknown };

const DAY_NAMES: Record<string, string> = { mon: 'MO', tue: 'TU', wed: 'WE', thu: 'TH', fri: 'FR', sat: 'SA', sun: 'SU' };

/** a cell's own text or value: rich text and links as their text; a formula or an error is refused */
function literal(value: CellValue): { ok: true; value: string | number | boolean | Date | undefined } | { ok: false; message: string } {
  if (value === null || value === undefined) return { ok: true, value: undefined };
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return { ok: true, value };
  if (typeof value === 'object') {
    if ('formula' in value || 'sharedFormula' in value) return { ok: false, message: 'has a formula: formulas are not read. Type the value itself in the cell' };
    if ('error' in value) return { ok: false, message: `shows an error (${String(value.error)}): type the value itself in the cell` };
    if ('richText' in value) return { ok: true, value: value.richText.map((r) => r.text).join('') };
    if ('text' in value && typeof value.text === 'string') return { ok: true, value: value.text };
  }
  return { ok: false, message: 'could not be read: type the value in the cell again' };
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/** A cell's value for a column: what goes into the record, or why it cannot be read. */
export function readCell(spec: ColumnSpec, raw: CellValue): Read | undefined {
  const lit = literal(raw);
  if (!lit.ok) return lit;
  let v = lit.value;
  if (typeof v === 'string') {
    v = v.replace(/\r\n?/g, '\n').trim();
    if (v === '') return undefined;
    if (v.length > FIELD_MAX_LENGTH) return { ok: false, message: `must be at most ${FIELD_MAX_LENGTH.toLocaleString('en-GB')} characters (it has ${v.length.toLocaleString('en-GB')})` };
  }
  if (v === undefined) return undefined;
  switch (spec.kind) {
    case 'number':
      if (typeof v === 'number') return { ok: true, value: v };
      if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)) return { ok: true, value: Number(v) };
      return { ok: true, value: typeof v === 'string' ? v : String(v) };
    case 'boolean':
      if (typeof v === 'boolean') return { ok: true, value: v };
      if (typeof v === 'string' && /^(yes|y|true)$/i.test(v)) return { ok: true, value: true };
      if (typeof v === 'string' && /^(no|n|false)$/i.test(v)) return { ok: true, value: false };
      return { ok: false, message: `must be Yes or No (it says “${String(v)}”)`, value: String(v) };
    case 'date':
      if (v instanceof Date) return Number.isNaN(v.getTime()) ? { ok: false, message: 'is not a real date' } : { ok: true, value: isoDay(v) };
      return { ok: true, value: String(v) };
    case 'phone':
      if (typeof v === 'number') return { ok: false, message: 'was read as a number, so a first 0 may have been lost: format the cell as text, or start it with an apostrophe (’), and type the number again with its spaces', value: String(v) };
      return { ok: true, value: String(v) };
    case 'choice': {
      const text = String(v).replace(/\s+/g, ' ').toLowerCase();
      const choice = spec.choices?.find((c) => c.label.toLowerCase() === text || c.value.toLowerCase() === text);
      if (choice) return { ok: true, value: choice.value };
      return { ok: false, message: `“${String(v)}” is not one of its choices: choose from the cell’s list`, value: String(v) };
    }
    case 'lines':
      return { ok: true, value: String(v).split('\n').map((l) => l.trim()).filter(Boolean) };
    case 'days':
      return {
        ok: true,
        value: String(v)
          .split(/[\s,;]+/)
          .filter(Boolean)
          .map((d) => DAY_NAMES[d.slice(0, 3).toLowerCase()] ?? d.toUpperCase()),
      };
    default:
      return { ok: true, value: v instanceof Date ? isoDay(v) : String(v) };
  }
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let o = target;
  for (const k of keys.slice(0, -1)) {
    if (!o[k] || typeof o[k] !== 'object') o[k] = {};
    o = o[k] as Record<string, unknown>;
  }
  o[keys[keys.length - 1]!] = value;
}

/** the plain text of a heading cell */
const headingText = (value: CellValue): string => {
  const lit = literal(value);
  return lit.ok && lit.value !== undefined ? String(lit.value instanceof Date ? isoDay(lit.value) : lit.value).replace(/\s+/g, ' ').trim() : '';
};

/**
 * Reads the template's sheet of records: its headings (each must be one of the template's, and the
 * required ones there), then every row with anything in it, into records.
 */
export function readTemplate(workbook: ExcelJS.Workbook, template: Template): ReadTemplate {
  const sheet = workbook.worksheets.find((w) => w.name.trim().toLowerCase() === template.sheet.toLowerCase())!;
  const problems: CellProblem[] = [];
  const headings = new Map<number, Column & { letter: string }>();
  const seen = new Map<string, string>();
  const header = sheet.getRow(1);
  const unknown: string[] = [];
  header.eachCell({ includeEmpty: false }, (cell, col) => {
    const text = headingText(cell.value);
    if (!text) return;
    const column = columnNamed(template, text);
    const letter = letterOf(col);
    if (!column) {
      unknown.push(`“${text}” (column ${letter})`);
      return;
    }
    const key = column.header.toLowerCase();
    if (seen.has(key)) {
      unknown.push(`“${text}” (column ${letter}, a second time after column ${seen.get(key)})`);
      return;
    }
    seen.set(key, letter);
    headings.set(col, { ...column, letter });
  });
  if (headings.size === 0) {
    throw new TemplateMismatch(`The “${template.sheet}” sheet has no template headings in row 1${sheet.actualRowCount === 0 ? ': it is empty' : ''}. Download the template from this page and fill in its sheet, keeping its headings.`);
  }
  const missing = template.columns.filter((spec) => spec.required && ![...headings.values()].some((h) => h.spec === spec && h.n === 1)).map((spec) => `“${spec.header.replace('{n}', '1')}”`);
  if (unknown.length || missing.length) {
    const parts = [...(missing.length ? [`it has no column ${missing.join(', ')}`] : []), ...(unknown.length ? [`these headings are not the template’s: ${unknown.join(', ')}`] : [])];
    throw new TemplateMismatch(`Row 1 of the “${template.sheet}” sheet is not the template’s headings: ${parts.join('; and ')}. Keep the headings as the template has them (a newer template may have more columns: download it again and copy your rows into it).`);
  }

  const rows: ReadRow[] = [];
  let dataRows = 0;
  let tooMany = false;
  sheet.eachRow({ includeEmpty: false }, (row, number) => {
    if (number === 1 || tooMany) return;
    const cells: Array<{ column: Column & { letter: string }; read: Read }> = [];
    let any = false;
    for (const [col, column] of headings) {
      const read = readCell(column.spec, row.getCell(col).value);
      if (read === undefined) continue;
      any = true;
      cells.push({ column, read });
    }
    // a cell outside the template's columns with something in it
    row.eachCell({ includeEmpty: false }, (cell, col) => {
      if (headings.has(col) || !headingText(cell.value)) return;
      any = true;
      problems.push({ sheet: template.sheet, row: number, column: { header: '(no heading)', letter: letterOf(col) }, message: 'is outside the template’s columns: move it into a column with a heading, or empty it' });
    });
    if (!any) return;
    dataRows++;
    if (dataRows > TEMPLATE_MAX_ROWS) {
      tooMany = true;
      return;
    }
    rows.push(buildRecord(template, number, cells, headings, problems));
  });
  if (tooMany) throw new TemplateMismatch(`The “${template.sheet}” sheet has more than ${TEMPLATE_MAX_ROWS.toLocaleString('en-GB')} rows of ${template.recordLabel.many}, the most one upload takes. Split it into several files of up to ${TEMPLATE_MAX_ROWS.toLocaleString('en-GB')} rows.`);
  if (rows.length === 0) throw new TemplateMismatch(`The “${template.sheet}” sheet has no rows of ${template.recordLabel.many} under its headings. Fill in a row for each ${template.recordLabel.one} and upload it again.`);
  return { rows, problems };
}

/** one row's cells into a record, remembering which column each field came from */
function buildRecord(template: Template, row: number, cells: Array<{ column: Column & { letter: string }; read: Read }>, headings: Map<number, Column & { letter: string }>, problems: CellProblem[]): ReadRow {
  const record: Record<string, unknown> = {};
  const origins = new Map<string, Column & { letter: string }>();
  const reported = new Set<string>();
  const sheet = template.sheet;
  // every plain column, filled or not, names its field (so "is missing" finds its column)
  for (const column of headings.values()) {
    if (!column.spec.path.includes('.#')) origins.set(column.spec.path, column);
    else if (column.n === 1) origins.set(column.spec.path.split('.#')[0]!, column);
  }
  // lists of values (needAreas.#) and of parts (phones.#.number): gathered by number, gaps closed up
  const values = new Map<string, Map<number, { value: unknown; column: Column & { letter: string } }>>();
  const parts = new Map<string, Map<number, Map<string, { value: unknown; column: Column & { letter: string } }>>>();
  for (const { column, read } of cells) {
    if (!read.ok) {
      problems.push({ sheet, row, column: { header: column.header, letter: column.letter }, message: read.message });
      reported.add(column.letter);
    }
    const value = read.value;
    if (value === undefined) continue;
    const path = column.spec.path;
    if (!path.includes('.#')) {
      setPath(record, path, value);
      continue;
    }
    const [list, rest] = path.split('.#') as [string, string];
    if (!rest) {
      const m = values.get(list) ?? new Map();
      m.set(column.n, { value, column });
      values.set(list, m);
    } else {
      const byN = parts.get(list) ?? new Map();
      const fields = byN.get(column.n) ?? new Map();
      fields.set(rest.slice(1), { value, column });
      byN.set(column.n, fields);
      parts.set(list, byN);
    }
  }
  for (const [list, byN] of values) {
    const items = [...byN.entries()].sort((a, b) => a[0] - b[0]);
    setPath(record, list, items.map(([, x]) => x.value));
    items.forEach(([, x], i) => origins.set(`${list}[${i}]`, x.column));
  }
  for (const [list, byN] of parts) {
    const items = [...byN.entries()].sort((a, b) => a[0] - b[0]);
    setPath(
      record,
      list,
      items.map(([, fields]) => {
        const item: Record<string, unknown> = {};
        for (const [field, x] of fields) setPath(item, field, x.value);
        return item;
      }),
    );
    items.forEach(([n, fields], i) => {
      const first = [...fields.values()][0]!.column;
      origins.set(`${list}[${i}]`, first);
      // every column of this part, filled or not, names its field
      for (const column of headings.values()) {
        if (column.n === n && column.spec.path.startsWith(`${list}.#.`)) origins.set(`${list}[${i}].${column.spec.path.slice(list.length + 3)}`, column);
      }
    });
  }
  const id = typeof record[template.idPath] === 'string' ? (record[template.idPath] as string) : '';
  return { row, id, record, origins, reported };
}

/** the column a problem's field belongs to: the longest field path the row's columns name */
export function columnOfField(origins: ReadRow['origins'], field: string | undefined): (Column & { letter: string }) | undefined {
  let f = field ?? '';
  while (f) {
    const c = origins.get(f);
    if (c) return c;
    const next = f.replace(/(?:\[\d+\]|\.[^.[\]]+)$/, '');
    if (next === f) break;
    f = next;
  }
  return undefined;
}

export const validShortName = (id: string) => id.length <= 100 && SLUG_PATTERN.test(id);

/** true when a record with this id is published */
export const isPublished = (pack: ContentPack, template: Template, id: string) => findRecord(pack, template.type, id) !== undefined;
