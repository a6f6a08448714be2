/** The published pack written back out as files is the same pack, with the same problems, as its folder. */
import { describe, expect, it } from 'vitest';
import { loadPack } from './load.js';
import { packSections } from '../sections.js';
import { defaultPackDir } from './pack-dir.js';
import { checkPack } from './pack-files.js';

describe('checkPack', () => {
  const folder = loadPack(defaultPackDir(), packSections);

  it('reads the pack written out from memory as the same pack, with the same problems', () => {
    expect(folder.pack).toBeDefined();
    const again = checkPack(folder.pack!, packSections);
    expect(again.problems).toEqual(folder.problems);
    expect(again.pack).toEqual(folder.pack);
  });

  it('finds what content:check finds: a service with a bad phone, by file, record and field', () => {
    const pack = structuredClone(folder.pack!);
    const s = pack.services.find((x) => x.phones.length > 0)!;
    s.phones[0]!.number = 'call us';
    const { pack: checked, problems } = checkPack(pack, packSections);
    expect(checked).toBeUndefined();
    expect(problems).toContainEqual(expect.objectContaining({ severity: 'error', file: `services/${s.slug}.yaml`, record: s.slug, field: 'phones[0].number' }));
  });
});
