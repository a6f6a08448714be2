import { describe, expect, it } from 'vitest';
import { parsePublicUrl, parseTrustProxy, readConfig } from './config.js';

describe('TRUST_PROXY', () => {
  it('trusts no proxy unless told, and never "true" (anyone could choose their address)', () => {
    for (const off of [undefined, '', ' ', 'false', '0', 'off']) expect(parseTrustProxy(off)).toBe(false);
    expect(() => parseTrustProxy('true')).toThrow(/number of proxies or a list/);
  });

  it('takes a hop count, or the proxies’ addresses and ranges', () => {
    expect(parseTrustProxy('1')).toBe(1);
    expect(parseTrustProxy('10.0.0.0/8, 192.0.2.1 ::1 loopback')).toEqual(['10.0.0.0/8', '192.0.2.1', '::1', 'loopback']);
    for (const bad of ['proxy.example', '10.0.0.0/33', '10.0.0.1/8/1', '*']) expect(() => parseTrustProxy(bad)).toThrow(/TRUST_PROXY/);
  });
});

describe('PUBLIC_URL', () => {
  it('is an origin, or unset', () => {
    expect(parsePublicUrl(undefined)).toBeUndefined();
    expect(parsePublicUrl('https://guidance.example.gov.uk/')).toBe('https://guidance.example.gov.uk');
    for (const bad of ['guidance.example.gov.uk', 'javascript:alert(1)', 'https://a.example/path', 'https://user:pw@a.example', 'https://a.example/?q=1', 'ftp://a.example'])
      expect(() => parsePublicUrl(bad), bad).toThrow(/PUBLIC_URL/);
  });
});

describe('the configuration', () => {
  it('keeps what staff send for 90 days unless RETENTION_DAYS says otherwise', () => {
    expect(readConfig({}).retentionDays).toBe(90);
    expect(readConfig({ RETENTION_DAYS: '30' }).retentionDays).toBe(30);
    for (const bad of ['0', '-1', '1.5', 'ninety', '99999']) expect(() => readConfig({ RETENTION_DAYS: bad })).toThrow(/RETENTION_DAYS/);
  });

  it('is production only when NODE_ENV says so', () => {
    expect(readConfig({}).production).toBe(false);
    expect(readConfig({ NODE_ENV: 'production' }).production).toBe(true);
    expect(readConfig({}).trustProxy).toBe(false);
  });
});

describe('DATABASE_URL', () => {
  it('chooses PostgreSQL for a postgres:// address and the SQLite file when unset', () => {
    expect(readConfig({}).databaseUrl).toBeUndefined();
    expect(readConfig({ DATABASE_URL: ' ' }).databaseUrl).toBeUndefined();
    expect(readConfig({ DATABASE_URL: 'postgres://u:p@db.example:5432/guidance' }).databaseUrl).toBe('postgres://u:p@db.example:5432/guidance');
    expect(readConfig({ DATABASE_URL: 'postgresql://db.example/guidance' }).databaseUrl).toBe('postgresql://db.example/guidance');
    for (const bad of ['mysql://db.example/x', 'data/guidance.sqlite', 'sqlite:guidance']) expect(() => readConfig({ DATABASE_URL: bad }), bad).toThrow(/DATABASE_URL/);
  });
});

describe("the editors' workspace", () => {
  const oidc = { OIDC_ISSUER: 'https://login.example.org/tenant/v2.0', OIDC_CLIENT_ID: 'guidance', OIDC_CLIENT_SECRET: 's3cret', OIDC_ALLOWED_DOMAIN: '@Council.Example.gov.uk' };

  it('ends sessions after 30 idle minutes and 8 hours unless told otherwise', () => {
    expect(readConfig({}).admin.sessions).toEqual({ idleMs: 30 * 60_000, absoluteMs: 8 * 3_600_000 });
    expect(readConfig({ ADMIN_IDLE_MINUTES: '15', ADMIN_SESSION_HOURS: '4' }).admin.sessions).toEqual({ idleMs: 15 * 60_000, absoluteMs: 4 * 3_600_000 });
    for (const bad of ['0', '-5', '1.5', 'soon', '100000']) expect(() => readConfig({ ADMIN_IDLE_MINUTES: bad }), bad).toThrow(/ADMIN_IDLE_MINUTES/);
    expect(() => readConfig({ ADMIN_SESSION_HOURS: '25' })).toThrow(/ADMIN_SESSION_HOURS/);
  });

  it('makes provider check links that work for 14 days unless told otherwise, signed with a secret of at least 32 characters when one is given', () => {
    expect(readConfig({}).admin.providerLinks).toEqual({ days: 14 });
    expect(readConfig({ PROVIDER_LINK_DAYS: '7', PROVIDER_LINK_SECRET: 'x'.repeat(32) }).admin.providerLinks).toEqual({ days: 7, secret: 'x'.repeat(32) });
    for (const bad of ['0', '91', '1.5', 'a fortnight']) expect(() => readConfig({ PROVIDER_LINK_DAYS: bad }), bad).toThrow(/PROVIDER_LINK_DAYS/);
    expect(() => readConfig({ PROVIDER_LINK_SECRET: 'too short' })).toThrow(/PROVIDER_LINK_SECRET/);
  });

  it('signs in with council accounts only with all four OIDC settings, an https issuer and an email domain', () => {
    expect(readConfig(oidc).admin.oidc).toEqual({ issuer: oidc.OIDC_ISSUER, clientId: 'guidance', clientSecret: 's3cret', allowedDomain: 'council.example.gov.uk' });
    expect(readConfig({ ...oidc, OIDC_ISSUER: 'http://localhost:8080' }).admin.oidc?.issuer).toBe('http://localhost:8080');
    expect(() => readConfig({ ...oidc, OIDC_CLIENT_SECRET: '' })).toThrow(/missing: OIDC_CLIENT_SECRET/);
    expect(() => readConfig({ ...oidc, OIDC_ISSUER: 'http://login.example.org' })).toThrow(/https/);
    expect(() => readConfig({ ...oidc, OIDC_ISSUER: 'not a url' })).toThrow(/OIDC_ISSUER/);
    expect(() => readConfig({ ...oidc, OIDC_ALLOWED_DOMAIN: 'example.org/evil' })).toThrow(/OIDC_ALLOWED_DOMAIN/);
  });
});
