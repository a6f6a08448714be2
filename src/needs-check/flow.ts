/**
 * The order of the question pages, as plain functions over the answers (after smart-answers: each
 * question has one next-node rule). A journey is the list of pages the answers lead through; the next
 * page is the first one not yet answered. Pure.
 */
import type { Answers } from './answers.js';
import type { NeedsCheckContent } from './content.js';

export type Page =
  | { kind: 'start' }
  | { kind: 'danger' }
  | { kind: 'routes' }
  | { kind: 'areas' }
  | { kind: 'indicators'; area: string }
  | { kind: 'child' }
  | { kind: 'family' }
  | { kind: 'check' }
  | { kind: 'outcome' };

export const BASE = '/needs-check';

export function pagePath(p: Page): string {
  switch (p.kind) {
    case 'indicators':
      return `${BASE}/worry/${p.area}`;
    case 'start':
      return BASE;
    case 'danger':
      return `${BASE}/immediate-danger`;
    case 'routes':
      return `${BASE}/special-routes`;
    case 'areas':
      return `${BASE}/worries`;
    case 'child':
      return `${BASE}/the-child`;
    case 'family':
      return `${BASE}/the-family`;
    case 'check':
      return `${BASE}/check-answers`;
    case 'outcome':
      return `${BASE}/outcome`;
  }
}

function answered(p: Page, a: Answers): boolean {
  switch (p.kind) {
    case 'start':
      return a.asker !== undefined;
    case 'danger':
      return a.danger !== undefined;
    case 'routes':
      return a.routes !== undefined;
    case 'areas':
      return a.areas !== undefined && a.areas.length > 0;
    case 'indicators':
      return a.indicators[p.area] !== undefined;
    case 'child':
      return a.age !== undefined && a.disclosure !== undefined && a.voice !== undefined;
    case 'family':
      return a.family !== undefined && a.strengths !== undefined;
    default:
      return false;
  }
}

/** Whether the chosen routes skip the level questions. */
export function skipsLevelQuestions(c: NeedsCheckContent, a: Answers): boolean {
  return (a.routes ?? []).some((id) => c.routes.find((r) => r.id === id)?.effect === 'instead');
}

/**
 * The question pages these answers lead through, in order, from the start page (which asks who is
 * using the check) to check answers or the outcome (immediate danger goes straight to the outcome).
 * Pages after the first unanswered one are not known yet.
 */
export function journey(c: NeedsCheckContent, a: Answers): Page[] {
  const pages: Page[] = [];
  const visit = (p: Page) => {
    pages.push(p);
    return answered(p, a);
  };
  if (!visit({ kind: 'start' })) return pages;
  if (!visit({ kind: 'danger' })) return pages;
  if (a.danger === 'yes') return [...pages, { kind: 'outcome' }];
  if (!visit({ kind: 'routes' })) return pages;
  if (!skipsLevelQuestions(c, a)) {
    if (!visit({ kind: 'areas' })) return pages;
    for (const area of a.areas ?? []) if (area !== c.areasQuestion.somethingElse.id && !visit({ kind: 'indicators', area })) return pages;
    if (!visit({ kind: 'child' })) return pages;
    if (!visit({ kind: 'family' })) return pages;
  }
  pages.push({ kind: 'check' });
  return pages;
}

/** The first page not yet answered: where to go after any answer (or back to check answers). */
export function nextPage(c: NeedsCheckContent, a: Answers): Page {
  const pages = journey(c, a);
  return pages[pages.length - 1]!;
}

export const samePage = (x: Page, y: Page) => x.kind === y.kind && (x.kind !== 'indicators' || (y.kind === 'indicators' && x.area === y.area));

/** Whether a page can be shown for these answers (it lies on their journey). */
export function onJourney(c: NeedsCheckContent, a: Answers, p: Page): boolean {
  return journey(c, a).some((q) => samePage(q, p));
}

/** The page before `p` on the journey, or undefined for the first question (back to the start page). */
export function previousPage(c: NeedsCheckContent, a: Answers, p: Page): Page | undefined {
  const pages = journey(c, a);
  const i = pages.findIndex((q) => samePage(q, p));
  return i > 0 ? pages[i - 1] : undefined;
}
