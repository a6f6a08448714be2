import { describe, expect, it } from 'vitest';
import { diffRecords, readableField } from './diff.js';

describe('diffRecords', () => {
  it('lists each changed, added and removed field, old → new', () => {
    const before = { name: 'A', phones: [{ number: '020 1', verified: true }], card: { canDo: ['x', 'y'] } };
    const after = { name: 'B', phones: [{ number: '020 2', verified: false }], card: { canDo: ['x'] }, email: 'a@b.org' };
    expect(diffRecords(before, after)).toEqual([
      { field: 'name', before: 'A', after: 'B' },
      { field: 'phones › 1 › number', before: '020 1', after: '020 2' },
      { field: 'phones › 1 › verified', before: 'Yes', after: 'No' },
      { field: 'card › can do › 2', before: 'y', after: undefined },
      { field: 'email', before: undefined, after: 'a@b.org' },
    ]);
  });

  it('shows a new record and a removed one as all its fields', () => {
    expect(diffRecords(undefined, { name: 'A' })).toEqual([{ field: 'name', before: undefined, after: 'A' }]);
    expect(diffRecords({ name: 'A' }, undefined)).toEqual([{ field: 'name', before: 'A', after: undefined }]);
    expect(diffRecords({ name: 'A' }, { name: 'A' })).toEqual([]);
  });

  it('names fields in words', () => expect(readableField('referral.viaFrontDoor')).toBe('referral › via front door'));
});
