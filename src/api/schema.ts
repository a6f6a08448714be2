/**
 * The profile's compiled service schema as an ajv validator, for checking records imported from other
 * directories' feeds. The schema file is the profile's own, copied unchanged into src/api/oruk.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import * as formats from 'ajv-formats';
import { projectRoot } from '../content/pack-dir.js';

// ajv-formats is CommonJS: its plugin is the default export under ESM interop
const addFormats = (formats as unknown as { default: (ajv: Ajv) => Ajv }).default;

/**
 * An ajv instance for the profile's schemas: they carry table-package keywords ajv does not know.
 * Own properties only: a field a record inherits does not count as present.
 */
export function orukAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, ownProperties: true });
  addFormats(ajv);
  return ajv;
}

let cached: ValidateFunction | undefined;

export function serviceValidator(): ValidateFunction {
  cached ??= orukAjv().compile(JSON.parse(readFileSync(join(projectRoot(), 'src', 'api', 'oruk', 'service.json'), 'utf8')) as object);
  return cached;
}

/** ajv's error as a field path in dotted form ("organization.name", "schedules[0].byday") and a message. */
export function describeError(e: ErrorObject): { field: string; message: string } {
  const parts = e.instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (e.keyword === 'required') parts.push(String((e.params as { missingProperty?: string }).missingProperty ?? ''));
  const field = parts.reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
  const allowed = (e.params as { allowedValues?: unknown[] }).allowedValues;
  const message = e.keyword === 'required' ? 'is required' : allowed ? `must be one of: ${allowed.join(', ')}` : (e.message ?? 'is not valid');
  return { field: field || '(record)', message };
}
