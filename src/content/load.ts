/**
 * Reads a content pack folder, validates every file against the content model, and cross-checks the
 * references between records. Returns the pack only when there is no error: a half-valid pack is
 * never served.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { contrast, logoProblem, MIN_CONTRAST } from './brand.js';
import { levelCoverage, needAreaCoverage } from './coverage.js';
import { ProblemList, type ContentProblem } from './problems.js';
import { glossaryTerm, level, needArea, packManifest, service, type Brand, type ContentPack, type Service } from './schema.js';
import { listRecordOf, type AnyPackSection, type PackSection, type SectionCheckContext } from './sections.js';

export interface LoadOptions {
  /** the date reviews are judged against; defaults to today */
  today?: Date;
}

export interface LoadResult {
  pack?: ContentPack;
  problems: ContentProblem[];
  /** sha256 over every file read, in a stable order: changes when any content changes */
  hash: string;
}

const MAX_FILE_BYTES = 1024 * 1024;

/**
 * Where a pack's files come from: a folder (content:check, content:publish, the app's start), or
 * files held in memory (an editor's draft applied to the published pack, src/content/pack-files.ts),
 * so that both are validated by the same code.
 */
export interface PackSource {
  /** true when there is a file at this path (relative to the pack) */
  isFile(rel: string): boolean;
  size(rel: string): number;
  read(rel: string): Buffer;
  /** the YAML files directly in a folder, as sorted paths relative to the pack */
  listYaml(relDir: string): string[];
}

export function folderSource(packDir: string): PackSource {
  return {
    isFile: (rel) => existsSync(join(packDir, rel)) && statSync(join(packDir, rel)).isFile(),
    size: (rel) => statSync(join(packDir, rel)).size,
    read: (rel) => readFileSync(join(packDir, rel)),
    listYaml(relDir) {
      const full = join(packDir, relDir);
      if (!existsSync(full) || !statSync(full).isDirectory()) return [];
      return readdirSync(full)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
        .map((f) => relative(packDir, join(full, f)));
    },
  };
}

/** files in memory, keyed by their path relative to the pack ("services/x.yaml") */
export function memorySource(files: ReadonlyMap<string, string | Buffer>): PackSource {
  const bytes = (rel: string) => {
    const f = files.get(rel);
    return f === undefined ? Buffer.alloc(0) : typeof f === 'string' ? Buffer.from(f, 'utf8') : f;
  };
  return {
    isFile: (rel) => files.has(rel),
    size: (rel) => bytes(rel).length,
    read: bytes,
    listYaml: (relDir) => [...files.keys()].filter((k) => k.startsWith(`${relDir}/`) && !k.slice(relDir.length + 1).includes('/') && /\.ya?ml$/.test(k)).sort(),
  };
}

/** `sections`: the tools' sections of the pack, in the order they are read (src/sections.ts lists them). */
export function loadPack(packDir: string | PackSource, sections: readonly AnyPackSection[], options: LoadOptions = {}): LoadResult {
  const today = options.today ?? new Date();
  const problems = new ProblemList();
  const hash = createHash('sha256');
  const source = typeof packDir === 'string' ? folderSource(packDir) : packDir;

  const read = (rel: string, required: boolean): { ok: true; data: unknown } | { ok: false } => {
    if (!source.isFile(rel)) {
      if (required) problems.error(rel, undefined, undefined, 'file is missing');
      return { ok: false };
    }
    const size = source.size(rel);
    if (size > MAX_FILE_BYTES) {
      problems.error(rel, undefined, undefined, `file is too large (${size} bytes; the limit is ${MAX_FILE_BYTES})`);
      return { ok: false };
    }
    const text = source.read(rel).toString('utf8');
    hash.update(rel).update('\0').update(text).update('\0');
    const doc = parseDocument(text, { prettyErrors: true });
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        const line = e.linePos?.[0];
        problems.error(rel, undefined, undefined, `is not valid YAML${line ? ` (line ${line.line}, column ${line.col})` : ''}: ${e.message.split('\n')[0]}`);
      }
      return { ok: false };
    }
    return { ok: true, data: doc.toJS() };
  };

  const listYaml = (relDir: string): string[] => source.listYaml(relDir);

  const parseWith = <T>(rel: string, schema: z.ZodType<T>, data: unknown, recordOf?: (path: readonly PropertyKey[]) => { record?: string; rest: readonly PropertyKey[] }): T | undefined => {
    const r = schema.safeParse(data);
    if (r.success) return r.data;
    problems.addZodIssues(rel, r.error.issues, recordOf);
    return undefined;
  };

  // Core files
  const manifestRaw = read('pack.yaml', true);
  const manifest = manifestRaw.ok ? parseWith('pack.yaml', packManifest, manifestRaw.data) : undefined;

  const listFile = <T>(rel: string, itemSchema: z.ZodType<T>, required: boolean): T[] | undefined => {
    const raw = read(rel, required);
    if (!raw.ok) return required ? undefined : [];
    return parseWith(rel, z.array(itemSchema), raw.data ?? [], (path) => listRecordOf(raw.data, path));
  };
  const levels = listFile('levels.yaml', level, true);
  const needAreas = listFile('need-areas.yaml', needArea, true);
  const glossary = listFile('glossary.yaml', glossaryTerm, false);

  const services: Array<{ file: string; value: Service }> = [];
  const serviceFiles = listYaml('services');
  if (serviceFiles.length === 0) problems.error('services/', undefined, undefined, 'no service files found (one YAML file per service)');
  for (const rel of serviceFiles) {
    const raw = read(rel, true);
    if (!raw.ok) continue;
    const recordName = (raw.data as { slug?: unknown } | null)?.slug;
    const value = parseWith(rel, service, raw.data, (path) => ({ record: typeof recordName === 'string' ? recordName : undefined, rest: path }));
    if (value) services.push({ file: rel, value });
  }

  const reviewPeriodMonths = manifest?.reviewPeriodMonths ?? 12;
  const checkReviewed = (file: string, record: string | undefined, field: string, date: string) => {
    const d = new Date(`${date}T00:00:00Z`);
    if (d.getTime() > today.getTime()) {
      problems.error(file, record, field, `review date ${date} is in the future`);
      return;
    }
    const due = new Date(d);
    due.setUTCMonth(due.getUTCMonth() + reviewPeriodMonths);
    if (due.getTime() < today.getTime()) problems.warning(file, record, field, `last reviewed ${date}, more than ${reviewPeriodMonths} months ago: due for review`);
  };

  // Cross-checks on the core
  if (manifest) {
    for (const [role, c] of Object.entries(manifest.contacts)) checkReviewed('pack.yaml', `contacts.${role}`, 'reviewed', c.reviewed);
    checkReviewed('pack.yaml', 'escalationPolicy', 'reviewed', manifest.escalationPolicy.reviewed);
    if (manifest.contacts.emergency.phones.length === 0) problems.error('pack.yaml', 'contacts.emergency', 'phones', 'the emergency contact needs a phone number');
    if (manifest.contacts.frontDoor.phones.length === 0) problems.error('pack.yaml', 'contacts.frontDoor', 'phones', 'the front door needs a phone number');
    checkBrand(source, manifest.brand, problems);
  }

  const levelIds = new Set<string>();
  if (levels) {
    const ranks = new Map<number, string>();
    for (const l of levels) {
      if (levelIds.has(l.id)) problems.error('levels.yaml', l.id, 'id', `duplicate level id "${l.id}"`);
      levelIds.add(l.id);
      const other = ranks.get(l.rank);
      if (other) problems.error('levels.yaml', l.id, 'rank', `rank ${l.rank} is already used by level "${other}"`);
      ranks.set(l.rank, l.id);
      checkReviewed('levels.yaml', l.id, 'reviewed', l.reviewed);
    }
    if (levels.length === 0) problems.error('levels.yaml', undefined, undefined, 'at least one level is needed');
  }

  const needAreaIds = new Set<string>();
  if (needAreas) {
    for (const a of needAreas) {
      for (const n of [a, ...a.children]) {
        if (needAreaIds.has(n.id)) problems.error('need-areas.yaml', n.id, 'id', `duplicate need area id "${n.id}"`);
        needAreaIds.add(n.id);
      }
    }
  }

  const slugs = new Map<string, string>();
  for (const { file, value: s } of services) {
    const prev = slugs.get(s.slug);
    if (prev) problems.error(file, s.slug, 'slug', `duplicate slug "${s.slug}" (also in ${prev})`);
    else slugs.set(s.slug, file);
    const base = file.replace(/^services\//, '').replace(/\.ya?ml$/, '');
    if (base !== s.slug) problems.error(file, s.slug, 'slug', `file name must match the slug: rename to services/${s.slug}.yaml`);
    if (needAreas) {
      s.needAreas.forEach((id, i) => {
        if (!needAreaIds.has(id)) problems.error(file, s.slug, `needAreas[${i}]`, `unknown need area "${id}"`);
      });
    }
    if (levels) {
      s.levels.forEach((id, i) => {
        if (!levelIds.has(id)) problems.error(file, s.slug, `levels[${i}]`, `unknown level "${id}"`);
      });
    }
    if (s.ages && s.ages.min > s.ages.max) problems.error(file, s.slug, 'ages', `minimum age ${s.ages.min} is above maximum age ${s.ages.max}`);
    s.schedules.forEach((sc, i) => {
      if (sc.opensAt && sc.closesAt && sc.opensAt >= sc.closesAt) problems.error(file, s.slug, `schedules[${i}]`, `opens at ${sc.opensAt} but closes at ${sc.closesAt}`);
    });
    if (s.referral.self === false && s.referral.professional === false && s.referral.viaFrontDoor === false)
      problems.error(file, s.slug, 'referral', 'at least one referral route (self, professional or viaFrontDoor) must be true');
    checkReviewed(file, s.slug, 'reviewed', s.reviewed);
  }

  // Coverage: a need area or level that no active service serves is a gap a user would meet. With the
  // pack's own coverage promise it is an error; without it, a warning.
  if (manifest && levels && needAreas && problems.errors.length === 0) {
    const promise = manifest.coverage;
    const report = promise ? problems.error.bind(problems) : problems.warning.bind(problems);
    const pack = { levels, needAreas, services: services.map((s) => s.value) };
    const least = promise?.servicesPerNeedArea ?? 1;
    for (const c of needAreaCoverage(pack)) {
      if (c.services.length < least) {
        const n = c.services.length;
        const found = n === 0 ? 'no active service is tagged with this need area' : `only ${n} active service${n === 1 ? ' is' : 's are'} tagged with this need area (${c.services.join(', ')})`;
        report('need-areas.yaml', c.id, 'services', `${found}; ${promise ? `pack.yaml coverage asks for at least ${least}` : 'a worry staff can name should lead to a service'}`);
      }
    }
    for (const [id, slugs] of levelCoverage(pack)) {
      if (slugs.length === 0) report('levels.yaml', id, 'services', 'no active service is tagged with this level');
    }
  }

  // Tool sections
  const core = manifest && levels && needAreas && glossary ? { manifest, levels, needAreas, glossary, services: services.map((s) => s.value) } : undefined;
  const values: Record<string, unknown> = {};
  for (const section of sections as readonly PackSection<unknown>[]) {
    let value: unknown;
    if (section.kind === 'file') {
      const raw = read(section.path, section.required);
      if (!raw.ok) continue;
      value = parseWith(section.path, section.schema, raw.data, section.recordOf ? (p) => section.recordOf!(raw.data, p) : undefined);
    } else {
      const files = listYaml(section.path);
      if (files.length === 0 && section.required) problems.error(`${section.path}/`, undefined, undefined, 'no files found');
      const items: Array<{ file: string; value: unknown }> = [];
      for (const rel of files) {
        const raw = read(rel, true);
        if (!raw.ok) continue;
        const v = parseWith(rel, section.schema, raw.data, section.recordOf ? (p) => section.recordOf!(raw.data, p) : undefined);
        if (v !== undefined) items.push({ file: rel, value: v });
      }
      value = items;
    }
    if (value === undefined) continue;
    values[section.name] = value;
    if (core && section.check) {
      const ctx: SectionCheckContext = {
        pack: core,
        error: (f, r, fld, m) => problems.error(f, r, fld, m),
        warning: (f, r, fld, m) => problems.warning(f, r, fld, m),
        checkReviewed,
      };
      section.check(value, ctx);
    }
  }

  const digest = hash.digest('hex');
  if (problems.errors.length > 0 || !core) return { problems: problems.items, hash: digest };
  return { pack: { ...core, sections: values }, problems: problems.items, hash: digest };
}

/** The brand's colours keep text readable, and its logo is read into the pack (or reported). */
function checkBrand(source: PackSource, brand: Brand, problems: ProblemList): void {
  const white = '#ffffff';
  if (brand.colour && contrast(brand.colour, white) < MIN_CONTRAST) {
    problems.error('pack.yaml', 'brand', 'colour', `white text on ${brand.colour} has a contrast of ${contrast(brand.colour, white).toFixed(2)}:1; it needs at least ${MIN_CONTRAST}:1`);
  }
  if (brand.linkColour && contrast(brand.linkColour, white) < MIN_CONTRAST) {
    problems.error('pack.yaml', 'brand', 'linkColour', `links in ${brand.linkColour} on white have a contrast of ${contrast(brand.linkColour, white).toFixed(2)}:1; they need at least ${MIN_CONTRAST}:1`);
  }
  if (!brand.logo) return;
  if (!source.isFile(brand.logo.file)) {
    problems.error('pack.yaml', 'brand', 'logo.file', `there is no file ${brand.logo.file} in the pack folder`);
    return;
  }
  const bytes = source.read(brand.logo.file);
  const problem = logoProblem(brand.logo.file, bytes);
  if (problem) problems.error('pack.yaml', 'brand', 'logo.file', problem);
  else brand.logo.data = bytes.toString('base64');
}
