import { describe, expect, it } from 'vitest';
import { nextNonce } from '../../src/web/security.js';

describe('CSP nonces', () => {
  it('are 128 random bits as hex, never the same twice', () => {
    const nonces = Array.from({ length: 1000 }, nextNonce);
    for (const n of nonces) expect(n).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(nonces).size).toBe(nonces.length);
  });
});
