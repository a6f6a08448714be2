/**
 * The GOV.UK pagination component's parameters for page `page` of `pages`: previous and next, the
 * first and last pages, two either side of this one, and an ellipsis for each gap. Undefined when
 * everything fits on one page.
 */
export interface Pagination {
  previous?: { href: string };
  next?: { href: string };
  items: Array<{ number?: number; href?: string; current?: boolean; ellipsis?: boolean }>;
}

export function pagination(page: number, pages: number, href: (n: number) => string): Pagination | undefined {
  if (pages <= 1) return undefined;
  const items: Pagination['items'] = [];
  for (let n = 1; n <= pages; n++) {
    if (n === 1 || n === pages || Math.abs(n - page) <= 2) items.push({ number: n, href: href(n), current: n === page });
    else if (!items.at(-1)?.ellipsis) items.push({ ellipsis: true });
  }
  return { previous: page > 1 ? { href: href(page - 1) } : undefined, next: page < pages ? { href: href(page + 1) } : undefined, items };
}

/** the page a query parameter asks for: a whole number from 1, anything else page 1 */
export const pageOf = (raw: unknown): number => (typeof raw === 'string' && /^\d{1,6}$/.test(raw) ? Math.max(1, Number(raw)) : 1);
