/**
 * The corpus test: the share of personal details in the project's corpus that survive redaction,
 * for chat questions (must be none) and for report notes (only the explained survivors listed in
 * corpus.yaml under `kept`). Measured on the redaction this replaced, on the same corpus: chat
 * 115 of 302 details survived (38.1%), reports 115 of 302 (38.1%).
 */
import { describe, expect, it } from 'vitest';
import { defaultPack } from '../../test/helpers/pack.js';
import { loadCorpus, measure } from './corpus.js';
import { redactorFor } from './redact.js';

const corpus = loadCorpus();
const redactor = redactorFor(defaultPack());
const share = (m: ReturnType<typeof measure>) => `${m.survived.length} of ${m.details} (${((100 * m.survived.length) / m.details).toFixed(1)}%)`;
const listed = (m: ReturnType<typeof measure>) => m.survived.map((s) => `${s.detail.kind} "${s.detail.value}" in "${s.output}"`);

describe('personal details in the corpus', () => {
  it('none survive in a chat question', () => {
    const chat = measure(corpus, (t) => redactor.question(t));
    console.log(`chat: ${share(chat)} personal details survive`);
    expect(listed(chat)).toEqual([]);
  });

  it('in a report note, only the survivors the corpus explains', () => {
    const reports = measure(corpus, (t) => redactor.note(t));
    console.log(`reports: ${share(reports)} personal details survive`);
    const explained = corpus.flatMap((e) => Object.keys(e.kept).map((value) => ({ text: e.text, value })));
    expect(reports.survived.map((s) => ({ text: s.text, value: s.detail.value }))).toEqual(explained);
    for (const e of corpus) for (const why of Object.values(e.kept)) expect(why.length).toBeGreaterThan(40);
    expect(reports.survived.length / reports.details).toBeLessThan(0.01);
  });

  it('keeps what carries no personal detail as it was typed', () => {
    for (const e of corpus.filter((c) => c.details.length === 0)) {
      expect(redactor.note(e.text)).toBe(e.text);
      expect(redactor.question(e.text)).not.toContain('[');
    }
  });
});
