/**
 * A readable difference between two versions of a record, field by field: each text, number or
 * yes/no that changed, with its old and new value (a list of texts compares line by line). Values
 * are plain text: the pages escape them like any other text.
 */
export interface FieldChange {
  field: string;
  before?: string;
  after?: string;
}

const show = (v: unknown): string => (typeof v === 'boolean' ? (v ? 'Yes' : 'No') : String(v));

/** the record's leaves, as "card.canDo[1]" → "text" */
export function flatten(value: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (value === undefined || value === null) return out;
  if (Array.isArray(value)) value.forEach((v, i) => flatten(v, `${prefix}[${i}]`, out));
  else if (typeof value === 'object') for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  else out.set(prefix, show(value));
  return out;
}

/** "card.canDo[1]" → "card › can do › 2" */
export function readableField(path: string): string {
  return path
    .replace(/\[(\d+)\]/g, (_m, n: string) => `.${Number(n) + 1}`)
    .split('.')
    .map((p) => p.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase())
    .join(' › ');
}

/** What changed from `before` to `after` (either may be absent: a new or a removed record). */
export function diffRecords(before: unknown, after: unknown): FieldChange[] {
  const a = flatten(before);
  const b = flatten(after);
  const changes: FieldChange[] = [];
  const keys = [...new Set([...a.keys(), ...b.keys()])];
  for (const k of keys) {
    const x = a.get(k);
    const y = b.get(k);
    if (x !== y) changes.push({ field: readableField(k), before: x, after: y });
  }
  return changes;
}
