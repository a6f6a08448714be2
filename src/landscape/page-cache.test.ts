import { describe, expect, it } from 'vitest';
import { BODY_MARK, CSRF_MARK, escapeHtml, fillFrame, NONCE_MARK, personalise, preparePage, TITLE_MARK } from './page-cache.js';

describe('landscape page frames', () => {
  it('puts the escaped title words and the content into the frame, then each response its nonce and token', () => {
    const frame = preparePage(`<title>Find: ${TITLE_MARK}</title>\n    <script nonce="${NONCE_MARK}"></script><main>${BODY_MARK}</main>`);
    const body = preparePage(`<form>\n      <input name="_csrf" value="${CSRF_MARK}"></form><p>${CSRF_MARK}</p>`);
    const page = fillFrame(frame, `<b>"food" & 'bank'</b>`, body);
    const html = personalise(page, 'N1', 'T1').toString('utf8');
    expect(html).toBe(`<title>Find: &lt;b&gt;&quot;food&quot; &amp; &#39;bank&#39;&lt;/b&gt;</title>\n<script nonce="N1"></script><main><form>\n<input name="_csrf" value="T1"></form><p>T1</p></main>`);
    // the same page serves the next response with its own values
    expect(personalise(page, 'N2', 'T2').toString('utf8')).toContain('value="T2"');
  });

  it('escapes as the templates do', () => {
    expect(escapeHtml(`a\\b<>&"'`)).toBe('a&#92;b&lt;&gt;&amp;&quot;&#39;');
  });
});
