/**
 * Charts drawn on the server as SVG, readable without JavaScript or colour: each is an image with a
 * title and a description that states its figures (role="img"), every bar carries its value as text,
 * and the page puts the same figures in a table after it. Pure functions of their data.
 */
export interface Bar {
  label: string;
  value: number;
}

export interface ChartText {
  /** unique on the page: the title's and description's ids derive from it */
  id: string;
  title: string;
  description: string;
}

const WIDTH = 640;
const escapeXml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const fmt = (n: number) => n.toLocaleString('en-GB');

function frame(text: ChartText, height: number, body: string): string {
  const id = escapeXml(text.id);
  return (
    `<svg class="app-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" aria-labelledby="${id}-title ${id}-desc" focusable="false">` +
    `<title id="${id}-title">${escapeXml(text.title)}</title><desc id="${id}-desc">${escapeXml(text.description)}</desc>${body}</svg>`
  );
}

/** Horizontal bars, one per item, its label above it and its value after it. */
export function barChart(text: ChartText, bars: readonly Bar[]): string {
  const row = 44;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const barSpace = WIDTH - 80;
  const body = bars
    .map((b, i) => {
      const y = i * row;
      const w = b.value === 0 ? 0 : Math.max(2, Math.round((b.value / max) * barSpace));
      return (
        `<text x="0" y="${y + 16}" class="app-chart__label" fill="#0b0c0c" font-size="16">${escapeXml(b.label)}</text>` +
        `<rect x="0" y="${y + 22}" width="${w}" height="16" fill="#1d70b8"></rect>` +
        `<text x="${w + 6}" y="${y + 36}" class="app-chart__value" fill="#0b0c0c" font-size="16" font-weight="bold">${fmt(b.value)}</text>`
      );
    })
    .join('');
  return frame(text, Math.max(row, bars.length * row), body);
}

/** Columns, one per day, with the axis's highest value and the first, middle and last days named. */
export function dayChart(text: ChartText, days: ReadonlyArray<{ day: string; value: number }>): string {
  const top = 24;
  const plot = 180;
  const left = 48;
  const height = top + plot + 40;
  const max = Math.max(1, ...days.map((d) => d.value));
  const step = (WIDTH - left) / Math.max(1, days.length);
  const barWidth = Math.max(1, step * 0.75);
  const base = top + plot;
  const cols = days
    .map((d, i) => {
      const h = d.value === 0 ? 0 : Math.max(1, Math.round((d.value / max) * plot));
      const x = left + i * step;
      // each column's value in words for a short range; otherwise the table has them
      const value = days.length <= 31 && d.value > 0 ? `<text x="${(x + barWidth / 2).toFixed(1)}" y="${base - h - 4}" text-anchor="middle" fill="#0b0c0c" font-size="12">${fmt(d.value)}</text>` : '';
      return `<rect x="${x.toFixed(1)}" y="${base - h}" width="${barWidth.toFixed(1)}" height="${h}" fill="#1d70b8"></rect>${value}`;
    })
    .join('');
  const named = days.length === 0 ? [] : [...new Set([0, Math.floor((days.length - 1) / 2), days.length - 1])];
  const xLabels = named
    .map((i) => {
      const x = left + i * step + barWidth / 2;
      const anchor = i === 0 ? 'start' : i === days.length - 1 ? 'end' : 'middle';
      return `<text x="${Math.min(WIDTH, Math.max(left, x)).toFixed(1)}" y="${base + 24}" text-anchor="${anchor}" fill="#0b0c0c" font-size="14">${escapeXml(shortDate(days[i]!.day))}</text>`;
    })
    .join('');
  const axis =
    `<line x1="${left}" y1="${base}" x2="${WIDTH}" y2="${base}" stroke="#0b0c0c" stroke-width="1"></line>` +
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${base}" stroke="#0b0c0c" stroke-width="1"></line>` +
    `<text x="${left - 6}" y="${top + 5}" text-anchor="end" fill="#0b0c0c" font-size="14">${fmt(max)}</text>` +
    `<text x="${left - 6}" y="${base}" text-anchor="end" fill="#0b0c0c" font-size="14">0</text>`;
  return frame(text, height, axis + cols + xLabels);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** 2026-01-05 → 5 Jan 2026 */
export function shortDate(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return `${d} ${MONTHS[(m ?? 1) - 1]} ${y}`;
}
