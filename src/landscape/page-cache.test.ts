import { describe, expect, it } from 'vitest';
import { BODY_MARK, CSRF_MARK, escapeHtml, fillFrame, fillSlots, NONCE_MARK, PageCache, personalise, preparePage, prepareSlots, slotMark, TITLE_MARK } from './page-cache.js';

describe('landscape page frames', () => {
  it('puts the escaped title words and the content into the frame, then each response its nonce and token', () => {
    const frame = preparePage(`<title>Find: ${TITLE_MARK}</title>\n    <script nonce="${NONCE_MARK}"></script><main>${BODY_MARK}</main>`);
    const body = preparePage(`<form>\n      <input name="_csrf" value="${CSRF_MARK}"></form><p>${CSRF_MARK}</p>`);
    const page = fillFrame(frame, `<b>"food" & 'bank'</b>`, body);
    const html = personalise(page, 'N1', 'T1');
    expect(html).toBe(`<title>Find: &lt;b&gt;&quot;food&quot; &amp; &#39;bank&#39;&lt;/b&gt;</title>\n<script nonce="N1"></script><main><form>\n<input name="_csrf" value="T1"></form><p>T1</p></main>`);
    // the same page serves the next response with its own values
    expect(personalise(page, 'N2', 'T2')).toContain('value="T2"');
  });

  it('escapes as the templates do', () => {
    expect(escapeHtml(`a\\b<>&"'`)).toBe('a&#92;b&lt;&gt;&amp;&quot;&#39;');
  });
});

describe('slotted content', () => {
  it('fills each numbered slot, as often as it appears, and leaves the response marks for later', () => {
    const text = prepareSlots(`<p>${slotMark(1)}</p>\n    <input value="${slotMark(0)}" name="${CSRF_MARK}">${slotMark(1)}`);
    expect(fillSlots(text, ['words', '42'])).toBe(`<p>42</p>\n<input value="words" name="${CSRF_MARK}">42`);
    expect(fillSlots(text, ['other', '7'])).toBe(`<p>7</p>\n<input value="other" name="${CSRF_MARK}">7`);
  });
});

describe('PageCache', () => {
  it('stays within its size and keeps what is still being used', () => {
    const cache = new PageCache<number>(10);
    for (let i = 0; i < 100; i++) {
      cache.set(`k${i}`, i);
      expect(cache.get('k0')).toBe(0); // used all along
    }
    expect(cache.get('k99')).toBe(99);
    expect(cache.get('k50')).toBeUndefined();
    const held = Array.from({ length: 100 }, (_, i) => cache.get(`k${i}`)).filter((v) => v !== undefined);
    expect(held.length).toBeLessThanOrEqual(10);
  });
});
