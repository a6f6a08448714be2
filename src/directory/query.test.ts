import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDueForReview } from './labels.js';
import { formEncode, directoryHref, parseDirectoryQuery, resolveLevel } from './query.js';
import { redactorFor } from '../privacy/redact.js';
import { defaultPack } from '../../test/helpers/pack.js';
import { validateReport } from './reports.js';
import { parseShortlist, safeReturnTo } from './shortlist.js';

const levels = [
  { id: 'targeted', rank: 2 },
  { id: 'statutory', rank: 3 },
] as Parameters<typeof resolveLevel>[0]['levels'];
const needAreas = [{ id: 'housing', name: 'Housing', hint: 'h', synonyms: [], abbreviations: [], children: [{ id: 'eviction', name: 'Eviction', hint: 'h', synonyms: [], abbreviations: [] }] }];
const pack = { levels, needAreas };

describe('directory query from the address', () => {
  it('maps a level number through the pack, never by a fixed meaning', () => {
    expect(resolveLevel(pack, '2')).toBe('targeted');
    expect(resolveLevel(pack, '3')).toBe('statutory');
    expect(resolveLevel(pack, 'statutory')).toBe('statutory');
    expect(resolveLevel(pack, '4')).toBeUndefined();
  });

  it('keeps known values and explains what it dropped', () => {
    const { query, notices } = parseDirectoryQuery({ q: '  food   bank ', need: 'eviction', level: '3', age: '7', free: 'yes', delivery: ['phone', 'pigeon'], route: 'self', sort: 'name', page: '2' }, pack);
    expect(query).toMatchObject({ q: 'food bank', need: 'eviction', level: 'statutory', age: 7, free: true, delivery: ['phone'], route: ['self'], sort: 'name', page: 2 });
    expect(notices).toEqual(['Some delivery options in the link were not recognised and were left out.']);
  });

  it('ignores tampered values with a notice each', () => {
    const { query, notices } = parseDirectoryQuery({ need: 'x', level: 'x', age: '-1', free: 'maybe', sort: 'x', page: '0', provider: 'x' }, pack);
    expect(query).toEqual({ q: '', delivery: [], provider: [], route: [] });
    expect(notices).toHaveLength(7);
  });

  it('caps the search words', () => {
    const { query, notices } = parseDirectoryQuery({ q: 'x'.repeat(10_000) }, pack);
    expect(query.q).toHaveLength(200);
    expect(notices).toHaveLength(1);
  });

  it('builds links in a stable order without empty values', () => {
    expect(directoryHref({ q: 'a&b', need: 'housing', delivery: ['phone', 'online'], page: 1 })).toBe('/services?q=a%26b&need=housing&delivery=phone&delivery=online');
    expect(directoryHref({ q: 'x', level: 'statutory' }, { level: undefined })).toBe('/services?q=x');
  });
});

describe('links built from a query', () => {
  it('encode any words exactly as URLSearchParams does, lone surrogates and all', () => {
    const reference = (v: string) => new URLSearchParams({ q: v }).toString().slice(2);
    for (const v of ['', 'food bank', "a&b=c+d/é'!()~*", '\uD800x', 'x\uDC00', '😀 \u0000 <script>']) expect(formEncode(v)).toBe(reference(v));
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (v) => formEncode(v) === reference(v)), { numRuns: 2000 });
  });
});

describe('review dates', () => {
  const today = new Date('2026-11-26T12:00:00Z');
  it('flags a record older than the review period', () => {
    expect(isDueForReview('2025-11-25', 12, today)).toBe(true);
    expect(isDueForReview('2025-11-27', 12, today)).toBe(false);
    expect(isDueForReview('2026-05-01', 6, today)).toBe(true);
  });
});

describe('reports', () => {
  it('removes names, emails, phone numbers and postcodes from the details before they can be stored', () => {
    const r = validateReport({ reason: 'wrong-contact', details: 'Call 020 8227 3811 or +44 7700 900123, email a.b@example.co.uk, lives at IG11 7NB. Mum is Jane Doe. Open 9 to 5.' }, redactorFor(defaultPack()).note);
    expect(r.value?.details).toBe('Call [phone] or [phone], email [email], lives at [postcode]. Mum is [name]. Open 9 to 5.');
  });

  it('needs a known reason and limits the details', () => {
    expect(validateReport({}, (t) => t).errors.reason).toBe('Select what is wrong with this page');
    expect(validateReport({ reason: 'closed', details: 'x'.repeat(1001) }, (t) => t).errors.details).toMatch(/1000 characters/);
    expect(validateReport({ reason: 'closed', details: '  ' }, (t) => t).value).toEqual({ reason: 'closed', details: undefined });
  });
});

describe('shortlist cookie', () => {
  const index = { service: (slug: string) => (['kooth', 'childline'].includes(slug) ? ({ slug } as never) : undefined) };
  it('keeps only slugs of published services, once each', () => {
    expect(parseShortlist('kooth.nope.childline.kooth.<script>', index)).toEqual(['kooth', 'childline']);
    expect(parseShortlist(undefined, index)).toEqual([]);
    expect(parseShortlist('x'.repeat(5000), index)).toEqual([]);
  });

  it('only returns to our own service pages', () => {
    expect(safeReturnTo('/services?q=a')).toBe('/services?q=a');
    expect(safeReturnTo('/services/kooth')).toBe('/services/kooth');
    for (const bad of ['https://evil.example', '//evil.example', '/services//evil', '/servicesx', '/\\evil', 42, '/services?q=é', '/services?q=a b', '/services?q=\n']) expect(safeReturnTo(bad)).toBe('/services/shortlist');
  });
});
