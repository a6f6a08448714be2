/**
 * Progressive enhancement for the directory. Without it, everything works through the GET
 * filter form and the POST shortlist forms. With it:
 * - filters update the results in place: the script fetches the same `/services?...` URL the form
 *   would open, swaps the results region and the counts, keeps the address (pushState) so Back and
 *   bookmarks work, and announces the number of results in a live region;
 * - shortlist buttons add and remove without leaving the page;
 * - print and copy buttons appear where the page has them.
 */

const RESULTS_ID = 'directory-results';

export function initDirectory(doc: Document = document): void {
  const form = doc.querySelector<HTMLFormElement>('form[data-module="app-directory-filters"]');
  if (form) {
    enhanceFilters(doc, form);
    collapseFiltersOnPhones(doc, form);
  }
  enhanceShortlist(doc);
  for (const button of doc.querySelectorAll<HTMLButtonElement>('[data-print]')) {
    button.hidden = false;
    button.addEventListener('click', () => window.print());
  }
  for (const button of doc.querySelectorAll<HTMLButtonElement>('[data-copy]')) {
    button.hidden = false;
    button.addEventListener('click', () => void copyFrom(doc, button.dataset['copy'] ?? ''));
  }
}

function enhanceFilters(doc: Document, form: HTMLFormElement): void {
  const status = doc.getElementById('directory-status');
  let controller: AbortController | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const urlFor = (): string => {
    const params = new URLSearchParams();
    // FormData includes the sort select, which sits outside the form with form="directory-form"
    for (const [k, v] of new FormData(form)) if (typeof v === 'string' && v.trim() !== '') params.append(k, v.trim());
    const s = params.toString();
    return s ? `/services?${s}` : '/services';
  };

  // words typed in one go make one step in the history, not one per pause
  let lastTyped = false;
  const load = async (url: string, mode: 'push' | 'replace' | 'pop', focusResults = false): Promise<void> => {
    controller?.abort();
    controller = new AbortController();
    const current = doc.getElementById(RESULTS_ID);
    current?.classList.add('app-results--loading');
    try {
      const res = await fetch(url, { headers: { Accept: 'text/html' }, signal: controller.signal, credentials: 'same-origin' });
      if (!res.ok) throw new Error(String(res.status));
      const next = new DOMParser().parseFromString(await res.text(), 'text/html');
      const fresh = next.getElementById(RESULTS_ID);
      const now = doc.getElementById(RESULTS_ID);
      if (!fresh || !now) throw new Error('no results region');
      // keep focus on the same control (e.g. the sort list) when it was inside the swapped region
      const focusedId = now.contains(doc.activeElement) ? doc.activeElement?.id : undefined;
      now.replaceWith(doc.importNode(fresh, true));
      if (focusedId) doc.getElementById(focusedId)?.focus();
      // messages about the address (a filter that could not be used) belong to the new page
      const notices = next.getElementById('directory-notices');
      if (notices) doc.getElementById('directory-notices')?.replaceWith(doc.importNode(notices, true));
      syncCounts(doc, next);
      if (mode === 'pop') syncFields(form, next);
      doc.title = next.title;
      const here = window.location.pathname + window.location.search;
      if (mode === 'push' && url !== here) history.pushState({ directory: true }, '', url);
      else if (mode === 'replace' || (mode === 'push' && url === here)) history.replaceState({ directory: true }, '', url);
      if (status) status.textContent = fresh.dataset['status'] ?? '';
      if (focusResults) {
        const heading = doc.getElementById('results-heading');
        heading?.setAttribute('tabindex', '-1');
        heading?.focus();
      }
    } catch (err) {
      if ((err as Error).name === 'AbortError') return;
      // fall back to a normal page load: the server renders the same thing
      window.location.assign(url);
    }
  };

  const update = (delay = 0, typing = false) => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      const mode = typing && lastTyped ? 'replace' : 'push';
      lastTyped = typing;
      void load(urlFor(), mode);
    }, delay);
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    update();
  });
  doc.addEventListener('change', (e) => {
    const el = e.target as HTMLInputElement | HTMLSelectElement | null;
    if (!el || el.form !== form) return;
    if (el.id === 'q' || el.id === 'age') return; // typed fields update as you type (below) or on submit
    update();
  });
  form.addEventListener('input', (e) => {
    const el = e.target as HTMLInputElement;
    if (el.id === 'q' || (el.id === 'age' && /^\d{0,2}$/.test(el.value.trim()))) update(400, true);
  });
  // the sort button and pagination live inside the swapped region: delegate
  doc.addEventListener('click', (e) => {
    const link = (e.target as Element | null)?.closest?.('a');
    if (!link || !link.closest(`#${RESULTS_ID} .govuk-pagination`)) return;
    if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    lastTyped = false;
    void load(link.getAttribute('href') ?? '/services', 'push', true);
  });
  window.addEventListener('popstate', () => {
    lastTyped = false;
    if (window.location.pathname === '/services') void load(window.location.pathname + window.location.search, 'pop');
  });
}

/** On a phone the filter form would come three screens before the first result: it sits behind a
 * "Filter" button instead, with what is applied listed above it and a button to remove each (the
 * Ministry of Justice filter pattern). Wider screens, and pages without JavaScript, show it all. */
function collapseFiltersOnPhones(doc: Document, form: HTMLFormElement): void {
  const panel = doc.getElementById('directory-filter-panel');
  const summary = doc.getElementById('directory-filter-summary');
  if (!panel || !summary || typeof window.matchMedia !== 'function') return;
  const phone = window.matchMedia('(max-width: 40.0525em)');

  const toggle = doc.createElement('button');
  toggle.type = 'button';
  toggle.className = 'govuk-button govuk-button--secondary app-filter-toggle';
  toggle.setAttribute('aria-controls', panel.id);
  toggle.dataset['qa'] = 'filter-toggle';
  const applied = doc.createElement('ul');
  applied.className = 'govuk-list app-filter-summary__list';
  summary.append(toggle, applied);

  /** what is applied: a label, and how to take it off */
  const appliedFilters = (): Array<{ text: string; remove: () => void }> => {
    const out: Array<{ text: string; remove: () => void }> = [];
    for (const select of form.querySelectorAll<HTMLSelectElement>('select[data-facet-select]')) {
      const option = select.selectedOptions[0];
      if (select.value && option) out.push({ text: option.text.replace(/\s*\(\d+\)$/, ''), remove: () => (select.value = '') });
    }
    const age = form.querySelector<HTMLInputElement>('#age');
    if (age?.value.trim()) out.push({ text: `Age ${age.value.trim()}`, remove: () => (age.value = '') });
    for (const box of form.querySelectorAll<HTMLInputElement>('input[type="checkbox"]:checked')) {
      const label = form.querySelector(`label[for="${box.id}"]`)?.firstChild?.textContent?.trim() ?? box.value;
      out.push({ text: label, remove: () => (box.checked = false) });
    }
    return out;
  };

  let open = false;
  const render = () => {
    const filters = appliedFilters();
    toggle.textContent = `${open ? 'Hide filters' : 'Filter'}${filters.length ? ` (${filters.length} applied)` : ''}`;
    toggle.setAttribute('aria-expanded', String(open));
    applied.replaceChildren(
      ...filters.map((f) => {
        const li = doc.createElement('li');
        const remove = doc.createElement('button');
        remove.type = 'button';
        remove.className = 'govuk-button govuk-button--secondary app-filter-summary__remove';
        remove.textContent = f.text;
        const hidden = doc.createElement('span');
        hidden.className = 'govuk-visually-hidden';
        hidden.textContent = 'Remove filter: ';
        remove.prepend(hidden);
        remove.append(' \u2715');
        remove.addEventListener('click', () => {
          f.remove();
          // the live filters load the new results, as the form's own button would
          form.requestSubmit();
          render();
        });
        li.append(remove);
        return li;
      }),
    );
  };
  const layout = () => {
    summary.hidden = !phone.matches;
    panel.hidden = phone.matches && !open;
    render();
  };
  toggle.addEventListener('click', () => {
    open = !open;
    layout();
    if (open) panel.querySelector<HTMLElement>('select, input')?.focus();
  });
  form.addEventListener('change', render);
  phone.addEventListener('change', layout);
  layout();
}

/** Copies the facet counts ("(12)") and the option texts of the need and level lists from the new page. */
function syncCounts(doc: Document, next: Document): void {
  for (const el of next.querySelectorAll<HTMLElement>('.app-count[id]')) {
    const mine = doc.getElementById(el.id);
    if (mine) mine.textContent = el.textContent;
  }
  for (const select of next.querySelectorAll<HTMLSelectElement>('select[data-facet-select]')) {
    const mine = doc.getElementById(select.id) as HTMLSelectElement | null;
    if (!mine) continue;
    for (const o of select.options) {
      const match = [...mine.options].find((m) => m.value === o.value);
      if (match && match.text !== o.text) match.text = o.text;
    }
  }
}

/** After Back or Forward, shows the filters the address holds. */
function syncFields(form: HTMLFormElement, next: Document): void {
  for (const el of form.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input[id], select[id]')) {
    const source = next.getElementById(el.id) as HTMLInputElement | HTMLSelectElement | null;
    if (!source) continue;
    if (el instanceof HTMLInputElement && el.type === 'checkbox') el.checked = (source as HTMLInputElement).checked;
    else el.value = source.value;
  }
}

function liveRegion(doc: Document): HTMLElement {
  let region = doc.getElementById('app-shortlist-status');
  if (!region) {
    region = doc.createElement('p');
    region.id = 'app-shortlist-status';
    region.className = 'govuk-visually-hidden';
    region.setAttribute('aria-live', 'polite');
    doc.body.appendChild(region);
  }
  return region;
}

/**
 * A shortlist button names what it does and the service it does it to: `add` or `remove`, with the
 * service's slug as its value. The directory has one form for all its results' buttons.
 */
function enhanceShortlist(doc: Document): void {
  const region = liveRegion(doc);
  doc.addEventListener('submit', (e) => {
    const form = e.target as HTMLFormElement;
    if (!form.matches('form[data-module="app-shortlist"]')) return;
    const button = e.submitter as HTMLButtonElement | null;
    if (!button || (button.name !== 'add' && button.name !== 'remove')) return;
    e.preventDefault();
    // one request at a time per button: a second press while the first is on its way does nothing
    // (the button stays focusable, so keyboard users keep their place)
    if (button.getAttribute('aria-disabled') === 'true') return;
    button.setAttribute('aria-disabled', 'true');
    const adding = button.name === 'add';
    const body = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (typeof v === 'string') body.append(k, v);
    body.set(button.name, button.value);
    void fetch(form.getAttribute('action') ?? '/services/shortlist', {
      method: 'POST',
      body,
      credentials: 'same-origin',
      headers: { 'x-requested-with': 'fetch', Accept: 'application/json' },
    })
      .then(async (res) => {
        if (res.status === 409) {
          const { max } = (await res.json()) as { max: number };
          region.textContent = `Your shortlist is full: it holds ${max} services. Remove one to add another.`;
          button.removeAttribute('aria-disabled');
          return;
        }
        if (!res.ok) throw new Error(String(res.status));
        const { count } = (await res.json()) as { count: number };
        button.name = adding ? 'remove' : 'add';
        const label = button.firstChild;
        if (label && label.nodeType === Node.TEXT_NODE) label.textContent = adding ? 'Remove from shortlist' : 'Add to shortlist';
        region.textContent = `${adding ? 'Added to' : 'Removed from'} your shortlist. It has ${count} ${count === 1 ? 'service' : 'services'}.`;
        button.removeAttribute('aria-disabled');
      })
      .catch(() => {
        // fall back to the plain form post, which the server handles the same way (submit() sends
        // no submitter and fires no submit event, so the button's choice goes in a field)
        const choice = doc.createElement('input');
        choice.type = 'hidden';
        choice.name = button.name;
        choice.value = button.value;
        form.appendChild(choice);
        form.submit();
      });
  });
}

async function copyFrom(doc: Document, id: string): Promise<void> {
  const field = doc.getElementById(id) as HTMLTextAreaElement | null;
  const status = doc.getElementById('copy-status');
  if (!field) return;
  try {
    await navigator.clipboard.writeText(field.value);
  } catch {
    field.select();
  }
  if (status) status.textContent = 'The list has been copied. If it was not, it is selected: copy it with your keyboard.';
}

if (typeof document !== 'undefined') initDirectory();
