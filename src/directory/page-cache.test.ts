import { describe, expect, it } from 'vitest';
import { BODY_MARK, compilePage, compileTemplate, CSRF_MARK, escapeHtml, numberBytes, PageWriter, personalise, slotMark, TITLE_MARK, type Mark } from './page-cache.js';

const text = (b: Buffer) => b.toString('utf8');

describe('directory page pieces', () => {
  it('puts the escaped title words and the content into the frame, then each response its token', () => {
    const frame = compileTemplate(`<title>Find: ${TITLE_MARK}</title>\n    <script></script><main>${BODY_MARK}</main>`);
    const body = compileTemplate(`<form>\n      <input name="_csrf" value="${CSRF_MARK}"></form><p>${CSRF_MARK}</p>`);
    const writer = new PageWriter().write({ template: frame, fill: (m: Mark | number) => (m === 'title' ? escapeHtml(`<b>"food" & 'bank'</b>`) : { template: body, fill: () => '' }) });
    const expected = `<title>Find: &lt;b&gt;&quot;food&quot; &amp; &#39;bank&#39;&lt;/b&gt;</title>\n<script></script><main><form>\n<input name="_csrf" value="T1"></form><p>T1</p></main>`;
    expect(text(writer.toBuffer('T1'))).toBe(expected);
    const page = writer.finish();
    expect(text(personalise(page, 'T1'))).toBe(expected);
    // the same page serves the next response with its own values
    expect(text(personalise(page, 'T2'))).toContain('value="T2"');
    expect(page.marks).toEqual(['csrf', 'csrf']);
  });

  it('fills each numbered slot, as often as it appears, with text, bytes or another piece', () => {
    const form = compileTemplate(`<p>${slotMark(1)}</p>\n    <input value="${slotMark(0)}" name="${CSRF_MARK}">${slotMark(1)}<ul>${slotMark(12)}</ul>`);
    const item = compileTemplate(`<li><a href="${slotMark(3)}">é</a></li>`);
    const back = Buffer.from('/services?q=a&amp;b', 'utf8');
    const fill = (m: Mark | number) => (m === 12 ? [{ template: item, fill: () => back }, Buffer.from('<li>2</li>')] : m === 0 ? 'words' : '42');
    const page = new PageWriter().write({ template: form, fill }).finish();
    expect(text(new PageWriter().write({ template: form, fill }).toBuffer('T'))).toBe(text(personalise(page, 'T')));
    expect(text(personalise(page, 'T'))).toBe(`<p>42</p>\n<input value="words" name="T">42<ul><li><a href="/services?q=a&amp;b">é</a></li><li>2</li></ul>`);
  });

  it('keeps multi-byte text whole across the marks', () => {
    const page = compilePage(`“quotes” ${CSRF_MARK}—dash ${CSRF_MARK}£`);
    expect(text(personalise(page, 'ñ€'))).toBe('“quotes” ñ€—dash ñ€£');
  });

  it('refuses a finished page that still has a per-search mark, and an unknown mark', () => {
    expect(() => compilePage(`<title>${TITLE_MARK}</title>`)).toThrow(/title/);
    expect(() => compileTemplate(`${CSRF_MARK.slice(0, -1)}z`)).toThrow(/unknown page mark/);
  });

  it('writes counts as their digits', () => {
    expect([0, 7, 45, 20000, 123456].map((n) => text(numberBytes(n)))).toEqual(['0', '7', '45', '20000', '123456']);
    expect(numberBytes(45)).toBe(numberBytes(45));
  });

  it('escapes as the templates do', () => {
    expect(escapeHtml(`a\\b<>&"'`)).toBe('a&#92;b&lt;&gt;&amp;&quot;&#39;');
  });
});
