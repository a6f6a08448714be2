/**
 * An uploaded template checked as a whole: every row read into a record, all of them applied to the
 * published pack at once, and that pack validated by the same code as `content:check` (and a draft's
 * check). Each problem is put back at its sheet, row and column; a problem the upload causes
 * elsewhere in the pack (a need area left without enough services) is named as content:check names
 * it. With no problem left, each row is new, changed (with the fields that changed) or unchanged.
 */
import type ExcelJS from 'exceljs';
import { checkPack } from '../content/pack-files.js';
import type { ContentPack } from '../content/schema.js';
import { diffRecords, flatten, readableField, type FieldChange } from './diff.js';
import { applyRecord, faqTopics, findRecord, recordHash, recordTitle, type Proposed, type RecordType } from './records.js';
import { columnOfField, readTemplate, validShortName, whichTemplate, type CellProblem, type ReadRow, type Template, type TemplateName } from './templates.js';
import { packSections } from '../sections.js';

export interface ProposalItem {
  type: RecordType;
  id: string;
  action: 'create' | 'change';
  row: number;
  title: string;
  /** the record as it would be published (validated, defaults filled in) */
  proposed: Proposed;
  /** the published record's fingerprint when the upload was checked; null for a new record */
  baseHash: string | null;
  changes: FieldChange[];
}

/** What an upload would do: stored between the preview and its confirmation. */
export interface Proposal {
  template: TemplateName;
  rows: number;
  items: ProposalItem[];
  unchanged: Array<{ row: number; id: string; title: string }>;
}

export interface UploadCheck {
  template: Template;
  rows: number;
  /** problems at a sheet, row and column, in the order of the sheet */
  problems: CellProblem[];
  /** problems the upload causes elsewhere in the guidance, as content:check names them */
  elsewhere: string[];
  /** with no problem: what the upload would do */
  proposal?: Proposal;
}

/** Reads and checks a workbook; one that is not a template throws TemplateMismatch. */
export function checkUpload(workbook: ExcelJS.Workbook, pack: ContentPack, today: Date): UploadCheck {
  const template = whichTemplate(workbook, pack);
  const { rows, problems } = readTemplate(workbook, template);
  const type = template.type;
  const idColumn = (r: ReadRow) => r.origins.get(template.idPath);
  const at = (r: ReadRow, message: string, column = idColumn(r)) => {
    problems.push({ sheet: template.sheet, row: r.row, column: column && { header: column.header, letter: column.letter }, message });
    if (column) r.reported.add(column.letter);
  };

  // each row is checked under its own id; a row whose id cannot be used is checked under a stand-in
  const firstRow = new Map<string, number>();
  const topics = new Set(faqTopics(pack).map((t) => t.file));
  const placed = new Map<string, ReadRow>();
  const keyOf = (file: string, record: string | undefined) => (type === 'service' ? file : `${file}|${record ?? ''}`);
  let next = pack;
  for (const r of rows) {
    let id = r.id;
    if (!id) {
      if (!r.reported.has(idColumn(r)?.letter ?? '')) at(r, `is missing: every row needs the ${template.recordLabel.one}’s short name`);
    } else if (!validShortName(id)) {
      if (!r.reported.has(idColumn(r)?.letter ?? '')) at(r, 'must be a short name of lower-case letters, digits and single hyphens, for example family-support-line');
    } else if (firstRow.has(id)) {
      at(r, `is the same as row ${firstRow.get(id)}’s: each ${template.recordLabel.one} has one row`);
    } else {
      firstRow.set(id, r.row);
    }
    if (firstRow.get(id) !== r.row) {
      id = `template-row-${r.row}`;
      r.reported.add(idColumn(r)?.letter ?? '');
    }
    const record: Proposed = { ...r.record, [template.idPath]: id };
    if (type === 'faq' && !topics.has(String(record['topicFile'] ?? ''))) {
      const column = r.origins.get('topicFile');
      if (record['topicFile'] === undefined && column) at(r, 'is missing: choose a topic from the cell’s list', column);
      record['topicFile'] = [...topics][0];
    }
    r.record = record;
    placed.set(keyOf(type === 'service' ? `services/${id}.yaml` : String(record['topicFile']), id), r);
    next = applyRecord(next, type, id, record);
  }

  const checked = checkPack(next, packSections, { today });
  const elsewhere: string[] = [];
  for (const p of checked.problems) {
    if (p.severity !== 'error') continue;
    const r = placed.get(keyOf(p.file, p.record));
    if (!r) {
      elsewhere.push(`${[p.file, p.record, p.field].filter(Boolean).join(' › ')}: ${p.message}`);
      continue;
    }
    const column = columnOfField(r.origins, p.field);
    if (column && r.reported.has(column.letter)) continue;
    const line = column?.spec.kind === 'lines' && p.field ? /\[(\d+)\]$/.exec(p.field) : null;
    const message = column ? (line ? `line ${Number(line[1]) + 1} ${p.message}` : p.message) : `${p.field ? `${readableField(p.field)}: ` : ''}${p.message}`;
    problems.push({ sheet: template.sheet, row: r.row, column: column && { header: column.header, letter: column.letter }, message });
  }
  // one entry per cell: zod may say two things of one value (not a date; not a real date)
  const byCell = new Map<string, CellProblem>();
  for (const p of problems.splice(0)) {
    const key = `${p.row ?? ''}|${p.column?.letter ?? ''}|${p.column ? '' : p.message}`;
    const first = byCell.get(key);
    if (!first) byCell.set(key, p);
    else if (!first.message.includes(p.message)) first.message += `; ${p.message}`;
  }
  problems.push(...byCell.values());
  const order = (c?: { letter: string }) => (c ? [...c.letter].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) : 0);
  problems.sort((a, b) => (a.row ?? 0) - (b.row ?? 0) || order(a.column) - order(b.column));

  const result: UploadCheck = { template, rows: rows.length, problems, elsewhere };
  if (problems.length || elsewhere.length || !checked.pack) return result;

  const proposal: Proposal = { template: template.name, rows: rows.length, items: [], unchanged: [] };
  for (const r of rows) {
    const current = findRecord(pack, type, r.id);
    const proposed = findRecord(checked.pack, type, r.id) as unknown as Proposed;
    const title = recordTitle(type, proposed, r.id);
    if (current && sameRecord(current, proposed)) {
      proposal.unchanged.push({ row: r.row, id: r.id, title });
      continue;
    }
    proposal.items.push({ type, id: r.id, action: current ? 'change' : 'create', row: r.row, title, proposed, baseHash: recordHash(current) ?? null, changes: current ? diffRecords(current, proposed) : [] });
  }
  result.proposal = proposal;
  return result;
}

/** the same record, but for spaces at either end of a text (a cell's are trimmed when read) */
function sameRecord(a: unknown, b: unknown): boolean {
  const x = flatten(a);
  const y = flatten(b);
  if (x.size !== y.size) return false;
  for (const [k, v] of x) if (y.get(k)?.trim() !== v.trim()) return false;
  return true;
}

/** how a problem reads in a list: "Services, row 14, column F ‘Phone 1’: must be a phone number…" */
export function describeProblem(p: CellProblem): string {
  return [p.sheet, p.row !== undefined ? `row ${p.row}` : undefined, p.column ? `column ${p.column.letter} ‘${p.column.header}’` : undefined].filter(Boolean).join(', ') + `: ${p.message}`;
}
