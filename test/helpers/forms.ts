/**
 * What a browser would send for a page's form: its text inputs, checked radios and checkboxes,
 * textareas and selected options, read from the page's HTML (the first form with the given action).
 */
const decode = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&#(\d+);/g, (_m, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, '&');
const attr = (tag: string, name: string) => {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m ? decode(m[1]!) : undefined;
};

export type FormFields = Array<[string, string]>;

export function formFields(html: string, action: string): FormFields {
  const start = html.indexOf(`action="${action}"`);
  if (start < 0) throw new Error(`no form posting to ${action} in the page`);
  const form = html.slice(start, html.indexOf('</form>', start));
  const out: FormFields = [];
  for (const m of form.matchAll(/<input\b[^>]*>|<textarea\b[^>]*>([\s\S]*?)<\/textarea>|<select\b[^>]*>([\s\S]*?)<\/select>/g)) {
    const tag = m[0];
    const name = attr(tag, 'name');
    if (!name) continue;
    if (tag.startsWith('<textarea')) out.push([name, decode(m[1]!.replace(/^\n/, ''))]);
    else if (tag.startsWith('<select')) {
      const selected = /<option\b[^>]*\sselected[^>]*>/.exec(m[2]!);
      out.push([name, selected ? (attr(selected[0], 'value') ?? '') : '']);
    } else {
      const type = attr(tag, 'type') ?? 'text';
      if ((type === 'radio' || type === 'checkbox') && !/\schecked\b/.test(tag)) continue;
      out.push([name, attr(tag, 'value') ?? (type === 'checkbox' || type === 'radio' ? 'on' : '')]);
    }
  }
  return out;
}

/** the fields with some set to new values (a name not there is added) */
export function withValues(fields: FormFields, changes: Record<string, string>): FormFields {
  const out = fields.map(([k, v]): [string, string] => [k, k in changes ? changes[k]! : v]);
  for (const [k, v] of Object.entries(changes)) if (!fields.some(([name]) => name === k)) out.push([k, v]);
  return out;
}

export const encodeForm = (fields: FormFields) => new URLSearchParams(fields).toString();
