/**
 * Pack sections owned by the tools (the needs check's questions and rules, the chat bot's FAQs...).
 *
 * A tool exports its section's definition; the sections are listed in one place (src/sections.ts) and
 * passed to `loadPack`, which reads, validates and cross-checks them with the rest of the pack, and
 * the store imports them. The tool reads its section back, typed, with its own accessor (e.g.
 * `needsCheckContent(pack)`).
 */
import type { z } from 'zod';
import type { ContentPack } from './schema.js';

export interface SectionCheckContext {
  /** the core of the pack (manifest, levels, need areas, glossary, services), already valid */
  pack: Omit<ContentPack, 'sections'>;
  /** reports a problem at a file (relative to the pack folder), record and field */
  error(file: string, record: string | undefined, field: string | undefined, message: string): void;
  warning(file: string, record: string | undefined, field: string | undefined, message: string): void;
  /** checks an ISO review date: an error when in the future, a warning when older than the review period */
  checkReviewed(file: string, record: string | undefined, field: string, date: string): void;
}

export interface PackSection<T = unknown> {
  /** key under `pack.sections` */
  name: string;
  /**
   * 'file': one YAML file at `path`, validated with `schema`.
   * 'folder': every *.yaml file in the folder at `path`, each validated with `schema`; the section's
   * value is then the list of `{ file, value }`.
   */
  kind: 'file' | 'folder';
  path: string;
  schema: z.ZodType<T>;
  required: boolean;
  /** names records in error reports from a zod issue path, e.g. the id of the n-th item */
  recordOf?: (value: unknown, path: readonly PropertyKey[]) => { record?: string; rest: readonly PropertyKey[] };
  /** cross-references against the rest of the pack */
  check?: (value: SectionValue<T>, ctx: SectionCheckContext) => void;
}

export type SectionValue<T> = T | Array<{ file: string; value: T }>;

/** A section of any value type, as a list of sections holds them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each section has its own value type
export type AnyPackSection = PackSection<any>;

/** Names a record in a list of objects with an `id` (or `slug`) field: "#3 (some-id)". */
export function listRecordOf(value: unknown, path: readonly PropertyKey[]): { record?: string; rest: readonly PropertyKey[] } {
  const [first, ...rest] = path;
  if (typeof first !== 'number') return { record: undefined, rest: path };
  const item = Array.isArray(value) ? (value[first] as Record<string, unknown> | undefined) : undefined;
  const id = item && typeof item === 'object' ? (item['id'] ?? item['slug']) : undefined;
  return { record: typeof id === 'string' ? id : `#${first + 1}`, rest };
}
