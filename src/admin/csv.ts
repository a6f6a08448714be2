/**
 * CSV for spreadsheets (RFC 4180, CRLF line ends, a byte order mark so that Excel reads UTF-8). A cell
 * a spreadsheet would read as a formula (starting with = + - @, or a tab or carriage return) gets a
 * single quote in front, so opening a download can never run one.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number): string {
  let text = String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csv(rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  return `\uFEFF${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/** a file name of letters, digits and hyphens only, safe in a Content-Disposition header */
export function safeFileName(base: string, extension: string): string {
  const name = base.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'download';
  return `${name}.${extension}`;
}
