import { describe, expect, it } from 'vitest';
import { defaultPack } from '../../test/helpers/pack.js';
import { createViewEnvironment } from '../web/views.js';

const env = createViewEnvironment();
const pack = defaultPack();
const levelsById = Object.fromEntries(pack.levels.map((l) => [l.id, l]));
const card = (status: string) =>
  env.renderString('{% from "cards/views/card.njk" import expectationCard %}{{ expectationCard(s, levelsById) }}', { s: { ...pack.services[0]!, status }, levelsById });

describe('the expectation card', () => {
  it('warns, on the card itself, that a service is not active, as printed cards travel alone', () => {
    for (const status of ['inactive', 'defunct', 'temporarily closed']) {
      const html = card(status);
      expect(html, status).toContain('data-qa="status-note"');
      expect(html, status).toContain(status.charAt(0).toUpperCase() + status.slice(1));
    }
    expect(card('active')).not.toContain('data-qa="status-note"');
  });

  it('says when a service gives no ages, rather than claiming it takes any age', () => {
    const { ages: _ages, ...noAges } = pack.services.find((s) => s.ages)!;
    const html = env.renderString('{% from "cards/views/card.njk" import expectationCard %}{{ expectationCard(s, levelsById) }}', { s: noAges, levelsById });
    expect(html).toContain('Not stated: check with the service');
    expect(html).not.toContain('Any age');
  });
});
