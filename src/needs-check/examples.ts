/**
 * Runs the content's example answer sets through the engine and reports every difference from the
 * expected outcome (like govuk-frontend's component examples: each documented example is a test).
 */
import type { ContentPack } from '../content/schema.js';
import { parseAnswers, describeAnswerError } from './answers.js';
import type { Example, ExampleFailure, NeedsCheckContent } from './content.js';
import { assess, type Outcome } from './engine.js';

export function checkExample(pack: ContentPack, e: Example): ExampleFailure[] {
  const c = pack.sections['needsCheck'] as NeedsCheckContent;
  const fail = (field: string, message: string): ExampleFailure => ({ example: e.id, field, message });
  const parsed = parseAnswers(c, e.answers);
  if (!parsed.ok) return [fail('answers', describeAnswerError(parsed.error))];
  let outcome: Outcome;
  try {
    outcome = assess(pack, parsed.answers);
  } catch (err) {
    return [fail('answers', `the engine failed: ${err instanceof Error ? err.message : String(err)}`)];
  }
  const failures: ExampleFailure[] = [];
  const x = e.expect;
  if (outcome.kind !== x.outcome) failures.push(fail('expect.outcome', `the rules give "${outcome.kind}", not "${x.outcome}"`));
  if (x.level !== undefined && outcome.level?.id !== x.level) failures.push(fail('expect.level', `the rules give level "${outcome.level?.id ?? 'none'}", not "${x.level}"`));
  if (x.routes !== undefined) {
    const got = outcome.routes.map((r) => r.id).sort();
    const want = [...x.routes].sort();
    if (got.join(',') !== want.join(',')) failures.push(fail('expect.routes', `the rules give routes [${got.join(', ')}], not [${want.join(', ')}]`));
  }
  for (const [areaId, levelId] of Object.entries(x.areaLevels ?? {})) {
    const got = outcome.areas.find((a) => a.id === areaId)?.level.id;
    if (got !== levelId) failures.push(fail(`expect.areaLevels.${areaId}`, `the rules give "${got ?? 'no answer'}", not "${levelId}"`));
  }
  if (x.unsure !== undefined && outcome.unsure !== x.unsure) failures.push(fail('expect.unsure', `the rules give ${String(outcome.unsure)}, not ${String(x.unsure)}`));
  if (x.firstAction !== undefined && outcome.firstAction?.kind !== x.firstAction)
    failures.push(fail('expect.firstAction', `the first step is "${outcome.firstAction?.kind ?? 'of no kind'}" (${outcome.firstAction?.step.text ?? 'no step'}), not "${x.firstAction}"`));
  if (x.lowered !== undefined && Boolean(outcome.loweredBy) !== x.lowered) failures.push(fail('expect.lowered', `the strengths ${outcome.loweredBy ? 'lowered' : 'did not lower'} the level`));
  if (x.raisedBy !== undefined && outcome.raisedBy?.rule.id !== x.raisedBy)
    failures.push(fail('expect.raisedBy', `the level was raised by "${outcome.raisedBy?.rule.id ?? 'no rule'}", not "${x.raisedBy}"`));
  if (x.referral !== undefined && outcome.referral !== x.referral) failures.push(fail('expect.referral', `the outcome ${outcome.referral ? 'makes' : 'makes no'} referral at its level`));
  if (x.heldBy !== undefined && outcome.heldBy !== x.heldBy) failures.push(fail('expect.heldBy', `the level was held by "${outcome.heldBy ?? 'no rule'}", not "${x.heldBy}"`));
  return failures;
}

export function runExamples(pack: ContentPack): ExampleFailure[] {
  const c = pack.sections['needsCheck'] as NeedsCheckContent | undefined;
  if (!c) return [];
  return c.examples.flatMap((e) => checkExample(pack, e));
}
