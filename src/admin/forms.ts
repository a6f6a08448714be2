/**
 * The edit forms of the workspace, as data: each record type's fields (GOV.UK inputs, textareas,
 * radios, checkboxes, fieldsets and repeated rows), how a posted form becomes a proposed record, how
 * a record fills the form again, and where each content problem belongs on it. The form judges
 * nothing itself: a value it cannot read (a word for an age) goes into the record as typed, and the
 * pack's own validation (content:check's) reports it against its field.
 */
import { contactRoles, deliveryModes, providerTypes, serviceStatuses, weekdays, type ContentPack } from '../content/schema.js';
import type { ContentProblem } from '../content/problems.js';
import { faqTopics, recordFile, type Proposed, type RecordType } from './records.js';

/** the longest text one field takes: more is refused with the form kept as it was sent */
export const FIELD_MAX_LENGTH = 10_000;
/** blank rows offered after a record's own phones, locations, schedules or links */
const BLANK_ROWS = 1;
const MAX_ROWS = 30;

interface Option {
  value: string;
  text: string;
  hint?: string;
}
interface Base {
  name: string;
  label: string;
  hint?: string;
}
export type FieldSpec =
  | (Base & { kind: 'text' | 'textarea' | 'number' | 'date'; width?: string; rows?: number })
  /** a list of short texts, one a line */
  | (Base & { kind: 'lines' })
  | (Base & { kind: 'radios' | 'checkboxes' | 'select'; options: Option[]; small?: boolean })
  | (Base & { kind: 'boolean' })
  /** a fieldset of fields under one name (`organization.name`) */
  | (Base & { kind: 'group'; fields: FieldSpec[] })
  /** repeated rows of fields (`phones[0].number`) */
  | (Base & { kind: 'rows'; itemLabel: string; fields: FieldSpec[] });

export interface FormSection {
  title: string;
  fields: FieldSpec[];
}

const sourceGroup = (): FieldSpec => ({
  kind: 'group',
  name: 'source',
  label: 'Source',
  hint: 'Where the facts above come from.',
  fields: [
    { kind: 'text', name: 'title', label: 'Title of the source' },
    { kind: 'text', name: 'url', label: 'Web address of the source (optional)' },
  ],
});
const reviewed = (): FieldSpec => ({ kind: 'date', name: 'reviewed', label: 'Last reviewed', hint: 'The date someone last checked these facts with the source, written YYYY-MM-DD, for example 2026-03-27.', width: 'govuk-input--width-10' });
const phoneRows = (label = 'Phone numbers'): FieldSpec => ({
  kind: 'rows',
  name: 'phones',
  label,
  itemLabel: 'Phone number',
  hint: 'Leave a row empty to remove it. Save the draft to get another empty row.',
  fields: [
    { kind: 'text', name: 'number', label: 'Number', hint: 'Digits and spaces, for example 020 8227 3811', width: 'govuk-input--width-20' },
    { kind: 'text', name: 'label', label: 'What the number is for (optional)' },
    { kind: 'radios', name: 'kind', label: 'Calls or text messages', small: true, options: [{ value: 'voice', text: 'Calls' }, { value: 'text', text: 'Text messages' }] },
    { kind: 'boolean', name: 'verified', label: 'Has the number been confirmed with the service?' },
  ],
});
const yes = (name: string, label: string, hint?: string): FieldSpec => ({ kind: 'boolean', name, label, hint });
const opts = (values: readonly string[]): Option[] => values.map((v) => ({ value: v, text: v.charAt(0).toUpperCase() + v.slice(1).replace(/-/g, ' ') }));

function needAreaOptions(pack: ContentPack): Option[] {
  return pack.needAreas.flatMap((a) => [{ value: a.id, text: a.name }, ...a.children.map((c) => ({ value: c.id, text: `${a.name}: ${c.name}` }))]);
}

export function serviceForm(pack: ContentPack, isNew: boolean): FormSection[] {
  return [
    {
      title: 'About the service',
      fields: [
        ...(isNew ? [{ kind: 'text', name: 'slug', label: 'Short name for the web address', hint: 'Lower-case letters, digits and hyphens, for example family-support-line. It cannot be changed later.', width: 'govuk-input--width-20' } as FieldSpec] : []),
        { kind: 'text', name: 'name', label: 'Name' },
        { kind: 'text', name: 'summary', label: 'Summary', hint: 'One line, up to 200 characters: what it does.' },
        { kind: 'textarea', name: 'description', label: 'Description', rows: 6 },
        { kind: 'radios', name: 'status', label: 'Status', hint: 'A service that has closed for good is defunct: it stays findable, marked as closed.', options: opts(serviceStatuses) },
        {
          kind: 'group',
          name: 'organization',
          label: 'Organisation',
          fields: [
            { kind: 'text', name: 'name', label: 'Name of the organisation' },
            { kind: 'text', name: 'url', label: 'Website of the organisation (optional)' },
            { kind: 'textarea', name: 'description', label: 'About the organisation (optional)', rows: 3 },
          ],
        },
        { kind: 'radios', name: 'coverage', label: 'Where it works', options: [{ value: 'local', text: 'Local to the borough' }, { value: 'national', text: 'National' }] },
        { kind: 'radios', name: 'providerType', label: 'Type of provider', options: opts(providerTypes) },
      ],
    },
    {
      title: 'Who it is for',
      fields: [
        { kind: 'checkboxes', name: 'needAreas', label: 'Need areas', hint: 'Select every need the service helps with.', options: needAreaOptions(pack) },
        { kind: 'checkboxes', name: 'levels', label: 'Levels of need', options: pack.levels.map((l) => ({ value: l.id, text: `${l.label}: ${l.name}` })) },
        { kind: 'textarea', name: 'eligibility', label: 'Who can use it', rows: 3 },
        {
          kind: 'group',
          name: 'ages',
          label: 'Ages (optional)',
          hint: 'Leave both empty if the service has no age limits.',
          fields: [
            { kind: 'number', name: 'min', label: 'Youngest age', width: 'govuk-input--width-3' },
            { kind: 'number', name: 'max', label: 'Oldest age', width: 'govuk-input--width-3' },
          ],
        },
        {
          kind: 'group',
          name: 'cost',
          label: 'Cost',
          fields: [yes('free', 'Is it free?'), { kind: 'text', name: 'description', label: 'About the cost (optional)' }],
        },
        { kind: 'lines', name: 'languages', label: 'Languages', hint: 'One language a line.' },
        { kind: 'checkboxes', name: 'deliveryModes', label: 'How it is delivered', options: opts(deliveryModes) },
      ],
    },
    {
      title: 'Contact details',
      fields: [
        { kind: 'text', name: 'url', label: 'Website (optional)' },
        { kind: 'text', name: 'email', label: 'Email address (optional)', width: 'govuk-input--width-30' },
        phoneRows(),
        {
          kind: 'rows',
          name: 'locations',
          label: 'Places',
          itemLabel: 'Place',
          hint: 'Leave a row empty to remove it.',
          fields: [
            { kind: 'text', name: 'name', label: 'Name of the place' },
            { kind: 'text', name: 'description', label: 'About the place (optional)' },
            {
              kind: 'group',
              name: 'address',
              label: 'Address (optional)',
              fields: [
                { kind: 'text', name: 'line1', label: 'Address line 1' },
                { kind: 'text', name: 'city', label: 'Town or city', width: 'govuk-input--width-20' },
                { kind: 'text', name: 'postcode', label: 'Postcode', width: 'govuk-input--width-10' },
              ],
            },
            { kind: 'number', name: 'latitude', label: 'Latitude (optional)', width: 'govuk-input--width-10' },
            { kind: 'number', name: 'longitude', label: 'Longitude (optional)', width: 'govuk-input--width-10' },
            yes('verified', 'Has the place been confirmed with the service?'),
          ],
        },
        {
          kind: 'rows',
          name: 'schedules',
          label: 'Opening times',
          itemLabel: 'Opening times',
          hint: 'Leave a row empty to remove it.',
          fields: [
            { kind: 'text', name: 'description', label: 'Opening times in words', hint: 'For example, Monday to Friday, 9am to 5pm' },
            { kind: 'checkboxes', name: 'byDay', label: 'Days (optional)', small: true, options: weekdays.map((d) => ({ value: d, text: d })) },
            { kind: 'text', name: 'opensAt', label: 'Opens at (optional)', hint: '24-hour time, for example 09:00', width: 'govuk-input--width-5' },
            { kind: 'text', name: 'closesAt', label: 'Closes at (optional)', width: 'govuk-input--width-5' },
            { kind: 'boolean', name: 'always', label: 'Open all day, every day? (optional)' },
          ],
        },
      ],
    },
    {
      title: 'Referral',
      fields: [
        {
          kind: 'group',
          name: 'referral',
          label: 'How to refer',
          fields: [
            yes('self', 'Can families refer themselves?'),
            yes('professional', 'Can professionals refer?'),
            yes('viaFrontDoor', 'Is the referral made through the front door?'),
            yes('consentNeeded', 'Is the family’s consent needed before referring?'),
            { kind: 'text', name: 'formUrl', label: 'Web address of the referral form (optional)' },
            { kind: 'text', name: 'email', label: 'Email address for referrals (optional)', width: 'govuk-input--width-30' },
            { kind: 'text', name: 'phone', label: 'Phone number for referrals (optional)', width: 'govuk-input--width-20' },
            { kind: 'textarea', name: 'notes', label: 'Notes on referring (optional)', rows: 3 },
          ],
        },
      ],
    },
    {
      title: 'Expectation card',
      fields: [
        {
          kind: 'group',
          name: 'card',
          label: 'What a referrer can expect',
          hint: 'Each list: one point a line.',
          fields: [
            { kind: 'lines', name: 'canDo', label: 'What the service can do' },
            { kind: 'lines', name: 'cannotDo', label: 'What the service cannot do' },
            { kind: 'lines', name: 'beforeYouRefer', label: 'Before you refer' },
            { kind: 'lines', name: 'informationToHave', label: 'Information to have ready' },
            { kind: 'lines', name: 'howToRefer', label: 'How to refer' },
            { kind: 'textarea', name: 'whatHappensNext', label: 'What happens next', rows: 3 },
            { kind: 'text', name: 'responseTime', label: 'How soon the service responds' },
          ],
        },
      ],
    },
    {
      title: 'Source and review',
      fields: [{ kind: 'textarea', name: 'unverifiedNote', label: 'A fact that could not be confirmed (optional)', hint: 'Shown to users beside the record.', rows: 2 }, sourceGroup(), reviewed()],
    },
  ];
}

export function faqForm(pack: ContentPack, isNew: boolean): FormSection[] {
  return [
    {
      title: 'The question',
      fields: [
        ...(isNew ? [{ kind: 'text', name: 'id', label: 'Short name', hint: 'Lower-case letters, digits and hyphens, for example what-is-early-help. It cannot be changed later.', width: 'govuk-input--width-20' } as FieldSpec] : []),
        { kind: 'select', name: 'topicFile', label: 'Topic', options: faqTopics(pack).map((t) => ({ value: t.file, text: t.topic })) },
        { kind: 'text', name: 'question', label: 'Question', hint: 'As shown on a suggestion button: 5 to 140 characters.' },
        { kind: 'lines', name: 'phrasings', label: 'Other ways staff ask it', hint: 'At least 3, one a line.' },
        { kind: 'lines', name: 'keywords', label: 'Keywords (optional)', hint: 'Words that tell this question apart from similar ones, one a line. Each keyword belongs to one FAQ only.' },
      ],
    },
    {
      title: 'The answer',
      fields: [
        {
          kind: 'textarea',
          name: 'answer',
          label: 'Answer',
          rows: 8,
          hint: `20 to 900 characters, in plain words. Never write a phone number: name the contact instead, as {phone:frontDoor} or {contact:lado} (contacts: ${contactRoles.join(', ')}), or a service's number as {service-phone:its-short-name}.`,
        },
        {
          kind: 'rows',
          name: 'links',
          label: 'Links',
          itemLabel: 'Link',
          hint: 'Leave a row empty to remove it.',
          fields: [
            { kind: 'text', name: 'text', label: 'Link text' },
            { kind: 'text', name: 'href', label: 'Address', hint: 'A path on this site such as /services?need=housing, or a web address starting https://' },
          ],
        },
        { kind: 'checkboxes', name: 'needAreas', label: 'Need areas it is about (optional)', options: needAreaOptions(pack) },
      ],
    },
    { title: 'Source and review', fields: [sourceGroup(), reviewed()] },
  ];
}

export function contactForm(): FormSection[] {
  return [
    {
      title: 'The contact',
      fields: [
        { kind: 'text', name: 'name', label: 'Name' },
        { kind: 'textarea', name: 'description', label: 'When to use it (optional)', rows: 3 },
        phoneRows(),
        { kind: 'text', name: 'email', label: 'Email address (optional)', width: 'govuk-input--width-30' },
        { kind: 'text', name: 'url', label: 'Web page (optional)' },
        { kind: 'text', name: 'formUrl', label: 'Web address of its online referral form (optional)' },
        { kind: 'text', name: 'hours', label: 'Opening hours (optional)' },
        { kind: 'textarea', name: 'unverifiedNote', label: 'A detail that could not be confirmed (optional)', rows: 2 },
      ],
    },
    { title: 'Source and review', fields: [sourceGroup(), reviewed()] },
  ];
}

export function formFor(type: RecordType, pack: ContentPack, isNew: boolean): FormSection[] {
  return type === 'service' ? serviceForm(pack, isNew) : type === 'faq' ? faqForm(pack, isNew) : contactForm();
}

/** the HTML id of a field's input */
export const fieldId = (name: string): string => name.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '');

type Body = Record<string, unknown>;
const texts = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);
const text = (v: unknown): string => texts(v)[0] ?? '';

export interface ReadForm {
  proposed: Proposed;
  /** the values as sent, to show again */
  values: Record<string, string | string[]>;
  /** fields over the length limit: nothing is saved while any remains */
  tooLong: Record<string, string>;
}

/** Reads a posted form into a proposed record. Fields that are not on the form are ignored. */
export function readForm(sections: FormSection[], body: unknown): ReadForm {
  const b = (body && typeof body === 'object' ? body : {}) as Body;
  const values: Record<string, string | string[]> = {};
  const tooLong: Record<string, string> = {};
  const take = (name: string, many: boolean) => {
    const v = many ? texts(b[name]) : text(b[name]);
    for (const s of many ? (v as string[]) : [v as string]) {
      if (s.length > FIELD_MAX_LENGTH) tooLong[name] = `must be at most ${FIELD_MAX_LENGTH.toLocaleString('en-GB')} characters (it has ${s.length.toLocaleString('en-GB')})`;
    }
    values[name] = v;
    return v;
  };
  const readFields = (fields: FieldSpec[], prefix: string): Proposed => {
    const out: Proposed = {};
    for (const f of fields) {
      const name = prefix + f.name;
      const v = readField(f, name);
      if (v !== undefined) out[f.name] = v;
    }
    return out;
  };
  const readField = (f: FieldSpec, name: string): unknown => {
    switch (f.kind) {
      case 'text':
      case 'textarea':
      case 'date':
      case 'select':
      case 'radios': {
        const v = (take(name, false) as string).trim();
        return v === '' ? undefined : f.kind === 'textarea' ? v.replace(/\r\n/g, '\n') : v;
      }
      case 'number': {
        const v = (take(name, false) as string).trim();
        if (v === '') return undefined;
        return /^-?\d+(?:\.\d+)?$/.test(v) ? Number(v) : v;
      }
      case 'boolean': {
        const v = take(name, false) as string;
        return v === 'true' ? true : v === 'false' ? false : undefined;
      }
      case 'lines':
        return (take(name, false) as string)
          .split(/\r?\n/)
          .map((l) => l.trim())
          .filter(Boolean);
      case 'checkboxes':
        return (take(name, true) as string[]).filter((x) => x !== '');
      case 'group': {
        const o = readFields(f.fields, `${name}.`);
        return Object.keys(o).length ? o : undefined;
      }
      case 'rows': {
        const rows: Proposed[] = [];
        for (let i = 0; i < MAX_ROWS; i++) {
          const o = readFields(f.fields, `${name}[${i}].`);
          // a row with only its yes/no and radio answers left is an empty row
          const filled = f.fields.some((sf) => (sf.kind === 'text' || sf.kind === 'textarea' || sf.kind === 'number' || sf.kind === 'group') && o[sf.name] !== undefined);
          if (filled) rows.push(o);
        }
        return rows;
      }
    }
  };
  return { proposed: readFields(sections.flatMap((s) => s.fields), ''), values, tooLong };
}

/** The form's values for a record (or a proposed record), with `blank` empty rows after each list of rows. */
export function formValues(sections: FormSection[], record: unknown): Record<string, string | string[]> {
  const values: Record<string, string | string[]> = {};
  const fill = (fields: FieldSpec[], obj: unknown, prefix: string) => {
    const o = (obj && typeof obj === 'object' ? obj : {}) as Record<string, unknown>;
    for (const f of fields) {
      const name = prefix + f.name;
      const v = o[f.name];
      if (f.kind === 'group') fill(f.fields, v, `${name}.`);
      else if (f.kind === 'rows') (Array.isArray(v) ? v : []).slice(0, MAX_ROWS).forEach((row, i) => fill(f.fields, row, `${name}[${i}].`));
      else if (f.kind === 'lines') values[name] = Array.isArray(v) ? v.map(String).join('\n') : typeof v === 'string' ? v : '';
      else if (f.kind === 'checkboxes') values[name] = Array.isArray(v) ? v.map(String) : [];
      else values[name] = v === undefined || v === null ? '' : String(v);
    }
  };
  fill(sections.flatMap((s) => s.fields), record, '');
  return values;
}

/** how many rows each list of rows shows: its own, and BLANK_ROWS empty ones */
export function rowCounts(sections: FormSection[], values: Record<string, string | string[]>): Record<string, number> {
  const counts: Record<string, number> = {};
  const walk = (fields: FieldSpec[], prefix: string) => {
    for (const f of fields) {
      if (f.kind === 'group') walk(f.fields, `${prefix + f.name}.`);
      if (f.kind !== 'rows') continue;
      const name = prefix + f.name;
      let n = 0;
      const re = new RegExp(`^${name.replace(/[.[\]]/g, '\\$&')}\\[(\\d+)\\]\\.`);
      for (const k of Object.keys(values)) {
        const m = re.exec(k);
        if (m && (values[k] !== '' && !(Array.isArray(values[k]) && values[k].length === 0))) n = Math.max(n, Number(m[1]) + 1);
      }
      counts[name] = Math.min(MAX_ROWS, n + BLANK_ROWS);
    }
  };
  walk(sections.flatMap((s) => s.fields), '');
  return counts;
}

/** every field name the form has (rows up to their count), to find where a problem belongs */
function fieldNames(sections: FormSection[], counts: Record<string, number>): Set<string> {
  const names = new Set<string>();
  const walk = (fields: FieldSpec[], prefix: string) => {
    for (const f of fields) {
      const name = prefix + f.name;
      names.add(name);
      if (f.kind === 'group') walk(f.fields, `${name}.`);
      else if (f.kind === 'rows') for (let i = 0; i < (counts[name] ?? 0); i++) walk(f.fields, `${name}[${i}].`);
    }
  };
  walk(sections.flatMap((s) => s.fields), '');
  return names;
}

export interface FieldError {
  /** the field's name on the form, when the problem belongs to one */
  field?: string;
  text: string;
  href: string;
}

/**
 * Puts each content problem on the form: a problem of this record's file and record at the field it
 * names (or the nearest field that holds it, such as a list for one of its lines); any other problem
 * the draft causes elsewhere in the pack (a need area left without a service) in the summary, named
 * as content:check names it.
 */
export function placeProblems(type: RecordType, id: string, proposed: unknown, problems: ContentProblem[], sections: FormSection[], counts: Record<string, number>): { list: FieldError[]; byField: Record<string, string> } {
  const names = fieldNames(sections, counts);
  const first = [...names][0] ?? '';
  const file = recordFile(type, id, proposed);
  const list: FieldError[] = [];
  const byField: Record<string, string> = {};
  for (const p of problems) {
    let path: string | undefined;
    if (type === 'contact' && p.file === 'pack.yaml') {
      if (p.record === `contacts.${id}`) path = p.field ?? '';
      else if (p.field?.startsWith(`contacts.${id}.`)) path = p.field.slice(`contacts.${id}.`.length);
      else if (p.field === `contacts.${id}`) path = '';
    } else if (p.file === file && (type !== 'faq' || p.record === id || p.record === undefined)) {
      path = p.field ?? '';
    }
    if (path === undefined) {
      list.push({ text: `${[p.file, p.record, p.field].filter(Boolean).join(' › ')}: ${p.message}`, href: `#${fieldId(first)}` });
      continue;
    }
    let field = path;
    while (field && !names.has(field)) field = field.replace(/(?:\[\d+\]|\.[^.[\]]+|^[^.[\]]+)$/, '');
    const label = labelOf(sections, field || path);
    const text = `${label ? `${label}: ` : ''}${p.message}${field !== path && path ? ` (${path})` : ''}`;
    const at = field || first;
    if (field && !byField[field]) byField[field] = text;
    list.push({ text, href: `#${fieldId(at)}` });
  }
  return { list, byField };
}

/** a field's label with the labels of the fieldsets around it, e.g. "Phone numbers 1 › Number" */
export function labelOf(sections: FormSection[], name: string): string {
  const parts: string[] = [];
  let fields = sections.flatMap((s) => s.fields);
  for (const m of name.matchAll(/([^.[\]]+)(?:\[(\d+)\])?/g)) {
    const f = fields.find((x) => x.name === m[1]);
    if (!f) return parts.join(' › ');
    parts.push(m[2] !== undefined ? `${f.label} ${Number(m[2]) + 1}` : f.label);
    fields = f.kind === 'group' || f.kind === 'rows' ? f.fields : [];
  }
  return parts.join(' › ');
}

/** a part of the form as the template draws it: a govuk-frontend macro and its parameters, or a fieldset of parts */
export type FormNode =
  | { macro: 'input' | 'textarea' | 'radios' | 'checkboxes' | 'select'; params: Record<string, unknown> }
  | { fieldset: { legend: { text: string; classes: string } }; hint?: string; error?: string; id: string; children: FormNode[] }
  | { heading: string; hint?: string; error?: string; id: string; children: FormNode[] };

/** The form's sections as govuk-frontend parameters, with the values and errors given. */
export function formView(sections: FormSection[], values: Record<string, string | string[]>, errors: Record<string, string>, counts: Record<string, number>): Array<{ title: string; nodes: FormNode[] }> {
  const value = (name: string) => {
    const v = values[name];
    return Array.isArray(v) ? v.join('\n') : (v ?? '');
  };
  const many = (name: string) => {
    const v = values[name];
    return Array.isArray(v) ? v : v ? [v] : [];
  };
  const common = (f: Base, name: string) => ({
    hint: f.hint ? { text: f.hint } : undefined,
    errorMessage: errors[name] ? { text: errors[name] } : undefined,
  });
  const node = (f: FieldSpec, prefix: string): FormNode => {
    const name = prefix + f.name;
    const id = fieldId(name);
    const label = { text: f.label, classes: 'govuk-label--s' };
    const legend = { text: f.label, classes: 'govuk-fieldset__legend--s' };
    switch (f.kind) {
      case 'text':
      case 'number':
      case 'date':
        return { macro: 'input', params: { id, name, label, value: value(name), classes: f.width, spellcheck: f.kind === 'text' ? undefined : false, inputmode: f.kind === 'number' ? 'decimal' : undefined, ...common(f, name) } };
      case 'textarea':
        return { macro: 'textarea', params: { id, name, label, value: value(name), rows: f.rows ?? 4, ...common(f, name) } };
      case 'lines':
        return { macro: 'textarea', params: { id, name, label, value: value(name), rows: Math.max(3, value(name).split('\n').length + 1), ...common(f, name) } };
      case 'select':
        return { macro: 'select', params: { id, name, label, items: [{ value: '', text: 'Choose one' }, ...f.options.map((o) => ({ ...o, selected: o.value === value(name) }))], ...common(f, name) } };
      case 'radios':
      case 'boolean': {
        const options = f.kind === 'boolean' ? [{ value: 'true', text: 'Yes' }, { value: 'false', text: 'No' }] : f.options;
        const inline = f.kind === 'boolean' || (f.kind === 'radios' && f.small);
        return {
          macro: 'radios',
          params: { idPrefix: id, name, fieldset: { legend }, classes: inline ? 'govuk-radios--small govuk-radios--inline' : undefined, items: options.map((o) => ({ value: o.value, text: o.text, checked: o.value === value(name) })), ...common(f, name) },
        };
      }
      case 'checkboxes': {
        const chosen = new Set(many(name));
        return {
          macro: 'checkboxes',
          params: { idPrefix: id, name, fieldset: { legend }, classes: f.small ? 'govuk-checkboxes--small' : undefined, items: f.options.map((o) => ({ value: o.value, text: o.text, checked: chosen.has(o.value) })), ...common(f, name) },
        };
      }
      case 'group':
        return { fieldset: { legend: { text: f.label, classes: 'govuk-fieldset__legend--m' } }, hint: f.hint, error: errors[name], id, children: f.fields.map((sf) => node(sf, `${name}.`)) };
      case 'rows': {
        const rows: FormNode[] = [];
        for (let i = 0; i < (counts[name] ?? 1); i++) {
          rows.push({ fieldset: { legend: { text: `${f.itemLabel} ${i + 1}`, classes: 'govuk-fieldset__legend--s' } }, id: fieldId(`${name}[${i}]`), children: f.fields.map((sf) => node(sf, `${name}[${i}].`)) });
        }
        return { heading: f.label, hint: f.hint, error: errors[name], id, children: rows };
      }
    }
  };
  return sections.map((s) => ({ title: s.title, nodes: s.fields.map((f) => node(f, '')) }));
}
