import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadPack } from '../content/load.js';
import { defaultPackDir } from '../content/pack-dir.js';
import { packSections } from '../sections.js';
import { chatContent } from './content.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A copy of the default pack with one FAQ file's text changed. */
function packWith(file: string, edit: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'isg-chat-pack-'));
  dirs.push(dir);
  cpSync(defaultPackDir(), dir, { recursive: true });
  const path = join(dir, file);
  writeFileSync(path, edit(readFileSync(path, 'utf8')));
  return dir;
}

const errorsOf = (dir: string) => loadPack(dir, packSections).problems.filter((p) => p.severity === 'error');

describe('the FAQ database in the default pack', () => {
  it('is valid, with at least 80 FAQs, each with several phrasings, a source and a review date', () => {
    const { pack, problems } = loadPack(defaultPackDir(), packSections);
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    const { faqs } = chatContent(pack!);
    expect(faqs.length).toBeGreaterThanOrEqual(80);
    for (const f of faqs) {
      expect(f.phrasings.length, f.id).toBeGreaterThanOrEqual(3);
      expect(f.source.title, f.id).toBeTruthy();
      expect(f.reviewed, f.id).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });
});

describe('FAQ validation', () => {
  it('names the file, record and field of a link to a service that does not exist', () => {
    const dir = packWith('faqs/referrals.yaml', (t) => t.replace('href: /services/school-dsl-and-pastoral-team }', 'href: /services/no-such-service }'));
    expect(errorsOf(dir)).toContainEqual(
      expect.objectContaining({ file: 'faqs/referrals.yaml', record: 'dsl-not-available', field: 'links[0].href', message: expect.stringContaining('unknown service "no-such-service"') }),
    );
  });

  it('rejects an unknown need area, in a filter link and in needAreas', () => {
    const dir = packWith('faqs/need-areas.yaml', (t) => t.replace('href: /services?need=self-harm }', 'href: /services?need=nonsense }').replace('needAreas: [self-harm]', 'needAreas: [not-a-need]'));
    const errors = errorsOf(dir);
    expect(errors).toContainEqual(expect.objectContaining({ record: 'self-harm', field: 'links[0].href', message: expect.stringContaining('unknown need area "nonsense"') }));
    expect(errors).toContainEqual(expect.objectContaining({ record: 'self-harm', field: 'needAreas[0]', message: 'unknown need area "not-a-need"' }));
  });

  it('refuses phone numbers typed into an answer, and unknown placeholders', () => {
    const dir = packWith('faqs/referrals.yaml', (t) => t.replace('yourself on {phone:frontDoor}.', 'yourself on 020 8227 3811 or {phone:nowhere}.'));
    const errors = errorsOf(dir).filter((e) => e.record === 'who-can-refer' && e.field === 'answer');
    expect(errors.map((e) => e.message)).toEqual(expect.arrayContaining([expect.stringContaining('phone number written by hand'), expect.stringContaining('unknown contact "nowhere"')]));
  });

  it('refuses a phrasing shared by two FAQs, and a duplicate id', () => {
    const dir = packWith('faqs/consent.yaml', (t) => t.replace('- gdpr and safeguarding', '- what does marf stand for').replace('id: seven-golden-rules', 'id: gdpr-sharing'));
    const messages = errorsOf(dir).map((e) => `${e.record} ${e.field}: ${e.message}`);
    expect(messages).toContainEqual(expect.stringMatching(/phrasings\[\d\]: "what does marf stand for" is also a phrasing of "(gdpr-sharing|what-is-marf)"/));
    expect(messages).toContainEqual(expect.stringMatching(/duplicate FAQ id "gdpr-sharing"/));
  });

  it('refuses a keyword shared by two FAQs: a keyword must tell one FAQ apart', () => {
    const dir = packWith('faqs/next-steps-and-escalation.yaml', (t) => t.replace('keywords: ["heard nothing"', 'keywords: ["what happens next"'));
    expect(errorsOf(dir)).toContainEqual(
      expect.objectContaining({ file: 'faqs/next-steps-and-escalation.yaml', record: 'no-feedback', field: 'keywords[0]', message: expect.stringContaining('also a keyword of "after-referral"') }),
    );
  });

  it('requires the danger reply to give the emergency and front door numbers', () => {
    const dir = packWith('chat.yaml', (t) => t.replace('call {phone:emergency} now', 'call now').replace(/\{phone:emergency\}/g, 'the police').replace(/\{phone:frontDoor\}/g, 'the front door').replace(/\{name:frontDoor\}/g, 'front door'));
    const messages = errorsOf(dir).map((e) => e.message);
    expect(messages).toContain('the danger reply must give the emergency number ({phone:emergency})');
    expect(messages).toContain('the danger reply must give the front door ({phone:frontDoor})');
  });
});

describe('the danger rules', () => {
  it('report a rule that uses a list the settings do not have, naming the rule', () => {
    const dir = packWith('chat.yaml', (t) => t.replace("unless: ['@past', '@procedure', '@calm']", "unless: ['@past', '@nowhere', '@calm']"));
    const errors = errorsOf(dir);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]!.message).toContain('"@nowhere" names no list');
    expect(errors[0]!.file).toBe('chat.yaml');
  });

  it('report extra guidance for a rule or need area the pack does not have, naming where', () => {
    const dir = packWith('chat.yaml', (t) => t.replace('rules: [suicide-plan, suicide-attempt,', 'rules: [suicide-plans, suicide-attempt,').replace('needAreas: [suicidal-thoughts, self-harm]', 'needAreas: [suicidal-thought, self-harm]'));
    expect(errorsOf(dir)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: 'chat.yaml', field: 'extra[0].rules[0]', message: 'unknown danger rule "suicide-plans"' }),
        expect.objectContaining({ file: 'chat.yaml', field: 'extra[0].needAreas[0]', message: 'unknown need area "suicidal-thought"' }),
      ]),
    );
  });
});

describe('the danger examples the learned detector is trained on', () => {
  it('names a repeated message by its row, and too few examples of a label', () => {
    const dir = packWith('danger-examples.yaml', (t) => {
      const lines = t.split('\n');
      const first = lines.findIndex((l) => l.includes('danger: false }'));
      // repeat an example at the end, then keep only a handful of danger: true examples
      let kept = 0;
      return [...lines, lines[first]!]
        .filter((l) => !l.includes('danger: true }') || kept++ < 10)
        .join('\n');
    });
    const messages = errorsOf(dir).map((e) => `${e.file} ${e.record ?? ''} ${e.message}`);
    expect(messages.some((m) => /danger-examples\.yaml examples\[\d+\] the same message as examples\[\d+\]/.test(m))).toBe(true);
    expect(messages.some((m) => /10 examples with danger: true; the detector needs at least 50/.test(m))).toBe(true);
  });

  it('refuses a threshold outside 0 to 1', () => {
    const dir = packWith('chat.yaml', (t) => t.replace(/learnedThreshold: [\d.]+/, 'learnedThreshold: 1.5'));
    expect(errorsOf(dir).some((e) => e.file === 'chat.yaml' && /learnedThreshold/.test(`${e.field ?? ''} ${e.message}`))).toBe(true);
  });
});
