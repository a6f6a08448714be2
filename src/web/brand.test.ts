/**
 * The council's own look from its content pack: colours that keep text readable, a font stack, and a
 * logo that cannot run anything, all checked as content and served at addresses that change with them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/helpers/app.js';
import { copyDefaultPack, problemsAfter, type TempPack } from '../../test/helpers/pack.js';
import { contrast } from '../content/brand.js';
import { IMMUTABLE } from './assets.js';

type Manifest = { brand?: Record<string, unknown> };
const LOGO = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="#00594c"/></svg>';

const brandErrors = (brand: Record<string, unknown>, files: Record<string, string | Buffer> = {}) =>
  problemsAfter((p) => {
    for (const [name, body] of Object.entries(files)) p.write(name, body as string);
    p.editYaml<Manifest>('pack.yaml', (m) => {
      m.brand = brand;
    });
  }).filter((x) => x.severity === 'error' && x.file === 'pack.yaml');

describe('a pack\u2019s brand, checked as content', () => {
  it('measures contrast as WCAG does', () => {
    expect(contrast('#ffffff', '#000000')).toBeCloseTo(21, 5);
    expect(contrast('#1d70b8', '#ffffff')).toBeGreaterThan(4.5);
    expect(contrast('#ffdd00', '#ffffff')).toBeLessThan(2);
  });

  it('accepts readable colours, a font stack and a plain logo', () => {
    expect(brandErrors({ colour: '#00594c', linkColour: '#1d70b8', fontFamily: '"Open Sans", Arial, sans-serif', logo: { file: 'logo.svg' } }, { 'logo.svg': LOGO })).toEqual([]);
  });

  it('refuses colours white text or links would be hard to read on, naming the field', () => {
    const errors = brandErrors({ colour: '#ffdd00', linkColour: '#aaaaaa' });
    expect(errors.map((e) => [e.record, e.field])).toEqual([
      ['brand', 'colour'],
      ['brand', 'linkColour'],
    ]);
    expect(errors[0]!.message).toMatch(/contrast of 1\.\d+:1; it needs at least 4\.5:1/);
  });

  it('refuses a colour or font stack that is not plainly one (nothing can be smuggled into the stylesheet)', () => {
    expect(brandErrors({ colour: 'red' }).map((e) => e.message).join()).toContain('#rrggbb');
    expect(brandErrors({ fontFamily: 'Arial; } body { display: none' }).map((e) => e.message).join()).toContain('font stack');
  });

  it('refuses a logo that is missing, too big, not an image, or able to run script', () => {
    const message = (file: string, body?: string | Buffer) => brandErrors({ logo: { file } }, body === undefined ? {} : { [file]: body }).map((e) => `${e.field}: ${e.message}`);
    expect(message('logo.svg')).toEqual(['logo.file: there is no file logo.svg in the pack folder']);
    expect(message('logo.svg', `<svg>${' '.repeat(120 * 1024)}</svg>`)[0]).toContain('keep it under 100 KB');
    expect(message('logo.png', 'not a png')[0]).toContain('not a PNG');
    expect(message('logo.svg', '<svg onload="alert(1)"></svg>')[0]).toContain('script');
    expect(message('logo.svg', '<svg><script>alert(1)</script></svg>')[0]).toContain('script');
    expect(message('logo.svg', '<svg><image href="https://example.com/x.png"/></svg>')[0]).toContain('links to other files');
    expect(message('logo.gif')[0]).toContain('.svg or .png');
  });
});

describe('the brand on the pages', () => {
  let pack: TempPack;
  let t: TestApp;
  let plain: TestApp;
  beforeAll(async () => {
    pack = copyDefaultPack();
    pack.write('logo.svg', LOGO);
    pack.editYaml<Manifest>('pack.yaml', (m) => {
      m.brand = { colour: '#00594c', linkColour: '#1d70b8', fontFamily: 'Arial, sans-serif', logo: { file: 'logo.svg' } };
    });
    t = await buildTestApp({ packDir: pack.dir });
    plain = await buildTestApp();
  });
  afterAll(async () => {
    await t.close();
    await plain.close();
    pack.cleanup();
  });

  it('sets govuk-frontend\u2019s colours and the font stack from the pack, at an address that changes with them', async () => {
    const home = (await t.app.inject('/')).body;
    const href = /<link rel="stylesheet" href="(\/brand\.css\?v=[0-9a-f]{12})">/.exec(home)?.[1];
    expect(href).toBeDefined();
    expect(home).toContain('<meta name="theme-color" content="#00594c">');
    const css = await t.app.inject(href!);
    expect(css.headers['content-type']).toMatch(/text\/css/);
    expect(css.headers['cache-control']).toBe(IMMUTABLE);
    expect(css.body).toBe(':root{--govuk-brand-colour:#00594c;--govuk-link-colour:#1d70b8;--app-font-family:Arial, sans-serif}\n');
    // an old address gets the current stylesheet, cached only briefly
    expect((await t.app.inject('/brand.css?v=000000000000')).headers['cache-control']).not.toBe(IMMUTABLE);
  });

  it('shows the logo beside the council\u2019s name, served so that it can run nothing', async () => {
    const home = (await t.app.inject('/')).body;
    const src = /<img class="app-header-logo" src="(\/brand\/logo\.svg\?v=[0-9a-f]{12})" alt=""/.exec(home)?.[1];
    expect(src).toBeDefined();
    const logo = await t.app.inject(src!);
    expect(logo.statusCode).toBe(200);
    expect(logo.headers['content-type']).toBe('image/svg+xml');
    expect(logo.headers['content-security-policy']).toContain('sandbox');
    expect(logo.body).toBe(LOGO);
    expect((await t.app.inject('/brand/logo.png')).statusCode).toBe(404);
  });

  it('without a brand, links no brand stylesheet or logo, and keeps govuk-frontend\u2019s colours and system fonts', async () => {
    const home = (await plain.app.inject('/')).body;
    expect(home).not.toContain('/brand.css');
    expect(home).not.toContain('app-header-logo');
    expect((await plain.app.inject('/brand/logo.svg')).statusCode).toBe(404);
  });
});
