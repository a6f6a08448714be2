/** Content problems: each names the file, the record and the field, so an editor can fix it at once. */
import type { z } from 'zod';

export type Severity = 'error' | 'warning';

export interface ContentProblem {
  severity: Severity;
  /** path of the file, relative to the pack folder */
  file: string;
  /** the record's id (slug) or its position, e.g. "#3" */
  record?: string;
  /** dotted path of the field inside the record, e.g. "card.canDo" */
  field?: string;
  message: string;
}

export class ProblemList {
  readonly items: ContentProblem[] = [];

  add(p: ContentProblem): void {
    this.items.push(p);
  }

  error(file: string, record: string | undefined, field: string | undefined, message: string): void {
    this.add({ severity: 'error', file, record, field, message });
  }

  warning(file: string, record: string | undefined, field: string | undefined, message: string): void {
    this.add({ severity: 'warning', file, record, field, message });
  }

  get errors(): ContentProblem[] {
    return this.items.filter((p) => p.severity === 'error');
  }

  get warnings(): ContentProblem[] {
    return this.items.filter((p) => p.severity === 'warning');
  }

  /** Adds one problem per zod issue. `recordOf` names the record from the issue's path, if the file holds a list. */
  addZodIssues(file: string, issues: readonly z.core.$ZodIssue[], recordOf?: (path: readonly PropertyKey[]) => { record?: string; rest: readonly PropertyKey[] }): void {
    for (const issue of issues) {
      const { record, rest } = recordOf ? recordOf(issue.path) : { record: undefined, rest: issue.path };
      this.error(file, record, fieldPath(rest) || undefined, describeIssue(issue));
    }
  }
}

export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += (out ? '.' : '') + String(part);
  }
  return out;
}

/** Turns zod's messages into plain words for content editors. */
export function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (/received undefined/.test(issue.message)) return 'is missing';
      if (issue.expected === 'string' && /received object/.test(issue.message))
        return 'must be text (in YAML, text with ": " in it needs quotes)';
      return `must be ${article(issue.expected)}`;
    case 'unrecognized_keys':
      return `has unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
      if (issue.origin === 'array') return `must have at least ${String(issue.minimum)} item${Number(issue.minimum) === 1 ? '' : 's'}`;
      if (issue.origin === 'string') return 'must not be empty';
      return `must be at least ${String(issue.minimum)}`;
    case 'too_big':
      if (issue.origin === 'string') return `must be at most ${String(issue.maximum)} characters`;
      if (issue.origin === 'array') return `must have at most ${String(issue.maximum)} items`;
      return `must be at most ${String(issue.maximum)}`;
    default:
      return issue.message;
  }
}

function article(expected: string): string {
  if (expected === 'array') return 'a list';
  if (expected === 'object') return 'a set of fields';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

export function formatProblem(p: ContentProblem): string {
  const where = [p.file, p.record, p.field].filter(Boolean).join(' › ');
  return `${p.severity === 'error' ? 'error  ' : 'warning'} ${where}: ${p.message}`;
}

/** Thrown when a pack has errors; carries the whole report. */
export class InvalidContentError extends Error {
  constructor(
    readonly packDir: string,
    readonly problems: ContentProblem[],
  ) {
    const errors = problems.filter((p) => p.severity === 'error');
    super(`Content pack ${packDir} has ${errors.length} error${errors.length === 1 ? '' : 's'}:\n${errors.map(formatProblem).join('\n')}`);
    this.name = 'InvalidContentError';
  }
}
