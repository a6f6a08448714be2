/**
 * The plain-text summary staff copy into a referral form or their records: concerns, indicators,
 * level, routes and actions. It holds no names, because the check never asks for any. Pure.
 */
import type { Outcome } from './engine.js';

export function summaryText(outcome: Outcome, opts: { toolName: string; date?: string }): string {
  const lines: string[] = [];
  lines.push(`${opts.toolName}: summary (no names)${opts.date ? `, ${opts.date}` : ''}`);
  lines.push('');
  if (outcome.kind === 'level' && outcome.level) lines.push(`Level of need suggested: ${outcome.level.label}, ${outcome.level.name}`);
  if (outcome.kind === 'consult') lines.push('No level suggested: a worry the check does not cover, to talk through with the front door');
  if (outcome.firstAction) lines.push(`First action: ${outcome.firstAction.step.text}`);
  if (outcome.routes.length > 0) lines.push(`Special routes: ${outcome.routes.map((r) => r.title).join('; ')}`);
  if (outcome.areas.length > 0) {
    lines.push('');
    lines.push('Concerns and indicators:');
    for (const a of outcome.areas) {
      lines.push(`- ${a.needAreaName} (${a.level.label}):`);
      for (const i of a.indicators) lines.push(`  - ${i.text}`);
      if (a.none) lines.push('  - None of the listed signs');
      if (a.notSure) lines.push('  - Not sure: to discuss with the DSL or the front door');
    }
  }
  const ctx = [
    outcome.context.age && `Age group: ${outcome.context.age.text}`,
    outcome.context.disclosure && `Child told me: ${outcome.context.disclosure.text}`,
    outcome.context.voice && `The child's view: ${outcome.context.voice.text}`,
    outcome.context.family && `Family: ${outcome.context.family.text}`,
    outcome.context.strengths.length > 0 && `Strengths: ${outcome.context.strengths.map((s) => s.text).join('; ')}`,
  ].filter((x): x is string => Boolean(x));
  if (ctx.length > 0) {
    lines.push('');
    lines.push(...ctx);
  }
  if (outcome.loweredBy) lines.push(`Weighed with the family: needs without harm kept at ${outcome.loweredBy.to.label}`);
  if (outcome.raisedBy) lines.push(`Raised: ${outcome.raisedBy.rule.description}`);
  lines.push('');
  lines.push('Next steps suggested:');
  outcome.steps.forEach((s, i) => {
    const phones = s.contact?.phones.map((p) => p.number).join(' or ');
    lines.push(`${i + 1}. ${s.text}${s.contact ? ` (${s.contact.name}${phones ? `: ${phones}` : ''})` : ''}`);
  });
  lines.push('');
  lines.push('Actions taken so far: ');
  lines.push('');
  lines.push('This check supports, and does not replace, professional judgement and the DSL.');
  return lines.join('\n');
}
