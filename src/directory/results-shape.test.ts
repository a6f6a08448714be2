/**
 * The results' heading, sort and pages are rendered once per shape of their view (viewShape) and
 * filled with each search's text. For any two views of one shape, the template rendered from the
 * first and filled with the second's text must be the page the second renders to itself.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createViewEnvironment } from '../web/views.js';
import { compileTemplate, CSRF_MARK, PageWriter, slotMark, stripIndentation, viewShape, type Mark } from './page-cache.js';

const env = createViewEnvironment();
const contacts = { frontDoor: { name: 'front door', phones: [] } };
const render = (view: object, token: string) => env.render('directory/views/results.njk', { ...view, contacts, csrfToken: token });

// any text, often with what HTML escapes, and with astral characters and lone surrogates; "" only
// where a view may leave text out
const char = fc.oneof(fc.constantFrom('&', '"', "'", '<', '>', '\\', '=', ' ', 'é', '😀', '\uD800'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }));
const text = fc.string({ unit: char, minLength: 1, maxLength: 12 });
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const orEmpty = fc.oneof(fc.constant(''), text);
const resultsView = fc.record({
  results: fc.record({
    noResults: fc.boolean(),
    many: fc.boolean(),
    heading: text,
    status: text,
    range: orEmpty,
    q: orEmpty,
    alsoSearchedFor: fc.array(text, { maxLength: 6 }),
    loosened: fc.boolean(),
    items: fc.constant([]),
    itemsMark: fc.constant(slotMark(0)),
    active: fc.array(fc.record({ text, removeHref: text, without: maybe(fc.nat(3)) }), { maxLength: 3 }),
    withoutWordsHref: maybe(text),
    pagination: fc.record({
      previous: maybe(text),
      next: maybe(text),
      pages: fc.array(fc.oneof(fc.record({ ellipsis: fc.constant(true) }), fc.record({ number: text, href: text, current: fc.boolean() })), { maxLength: 7 }),
    }),
    returnTo: text,
    cardsHref: maybe(text),
    needName: maybe(text),
  }),
  form: fc.record({ sortOptions: fc.array(fc.record({ value: text, text, selected: fc.boolean() }), { maxLength: 3 }) }),
});

/** the view with every slot of its shape given new text: another view of the same shape */
function sameShape(marked: unknown, texts: string[]): unknown {
  let i = 0;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string' && v.startsWith(slotMark(0).slice(0, -2)) && v !== slotMark(0)) return texts[i++ % texts.length];
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(marked);
}

describe('results rendered once per shape', () => {
  it('are, filled with any view of the shape, the page that view renders to', () => {
    fc.assert(
      fc.property(resultsView, fc.array(text, { minLength: 1, maxLength: 8 }), (first, texts) => {
        const shape = viewShape(first, 1);
        const template = compileTemplate(render(shape.marked as object, CSRF_MARK));
        const second = sameShape(shape.marked, texts) as object;
        const secondShape = viewShape(second, 1);
        expect(secondShape.key).toBe(shape.key);
        const fill = (slot: Mark | number) => (slot === 0 ? slotMark(0) : secondShape.fills[(slot as number) - 1]!);
        const put = new PageWriter().write({ template, fill }).toBuffer('T0ken');
        // indentation is stripped from the template, not from the text put in it (words typed with a
        // new line and spaces stay as typed), so both sides are compared without it
        expect(stripIndentation(put.toString('utf8'))).toBe(stripIndentation(Buffer.from(render(second, 'T0ken'), 'utf8').toString('utf8')));
      }),
      { numRuns: 300 },
    );
  });

  it('keep text with a new line and indentation as it was typed', () => {
    const view = { results: { noResults: false, many: false, heading: 'a\n  b', status: 's', range: '', q: '', alsoSearchedFor: [], loosened: false, items: [], itemsMark: slotMark(0), active: [], pagination: { pages: [] }, returnTo: '/' }, form: { sortOptions: [] } };
    const shape = viewShape(view, 1);
    const template = compileTemplate(render(shape.marked as object, CSRF_MARK));
    const put = new PageWriter().write({ template, fill: (slot: Mark | number) => (slot === 0 ? '' : shape.fills[(slot as number) - 1]!) }).toBuffer('t');
    expect(put.toString('utf8')).toContain('>a\n  b</h2>');
  });

  it('tell shapes apart by empty text, booleans, numbers and list lengths, not by the text itself', () => {
    const key = (v: unknown) => viewShape(v, 1).key;
    expect(key({ a: 'x', b: [1, 'y'] })).toBe(key({ a: '<b>other</b>', b: [1, 'z'] }));
    expect(key({ a: 'x' })).not.toBe(key({ a: '' }));
    expect(key({ a: true })).not.toBe(key({ a: false }));
    expect(key({ a: 1 })).not.toBe(key({ a: 2 }));
    expect(key({ a: ['x'] })).not.toBe(key({ a: ['x', 'x'] }));
    expect(key({ a: undefined })).not.toBe(key({ a: null }));
    expect(key({ a: 'x' })).not.toBe(key({ b: 'x' }));
    // marks stay marks, and a slot's text is escaped as the templates escape it
    const shape = viewShape({ mark: CSRF_MARK, words: `"a" & <b>` }, 3);
    expect(shape.marked).toEqual({ mark: CSRF_MARK, words: slotMark(3) });
    expect(shape.fills).toEqual(['&quot;a&quot; &amp; &lt;b&gt;']);
    expect(() => viewShape({ when: new Date() }, 1)).toThrow(/plain objects/);
  });
});
