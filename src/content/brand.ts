/**
 * Checks on a pack's brand (pack.yaml `brand`): colours that keep text readable (WCAG 2.2's 4.5:1 for
 * normal text) and a logo file that is small and cannot run anything. Pure.
 */

/** WCAG relative luminance of a #rrggbb colour */
function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
}

/** WCAG contrast ratio between two #rrggbb colours, from 1 to 21 */
export function contrast(a: string, b: string): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p) as [number, number];
  return (x + 0.05) / (y + 0.05);
}

export const MIN_CONTRAST = 4.5;
export const MAX_LOGO_BYTES = 100 * 1024;

/** What is wrong with a logo file, or undefined when it can be shown. */
export function logoProblem(file: string, bytes: Buffer): string | undefined {
  if (bytes.length === 0) return 'the logo file is empty';
  if (bytes.length > MAX_LOGO_BYTES) return `the logo file is ${Math.ceil(bytes.length / 1024)} KB: keep it under ${MAX_LOGO_BYTES / 1024} KB`;
  if (file.endsWith('.png')) {
    const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    return bytes.subarray(0, 8).equals(signature) ? undefined : 'the logo file is not a PNG image';
  }
  const text = bytes.toString('utf8');
  if (!/<svg[\s>]/i.test(text)) return 'the logo file is not an SVG image';
  // an SVG can carry script and links out; a logo needs neither
  if (/<script|<foreignObject|\son[a-z]+\s*=|javascript:|(?:xlink:)?href\s*=\s*["']\s*(?:https?:|\/\/|data:)|<!ENTITY/i.test(text)) {
    return 'the SVG logo contains script, event handlers, entities or links to other files: export it as plain shapes';
  }
  return undefined;
}
