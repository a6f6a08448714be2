/**
 * Progressive enhancement for the editors' workspace: a provider check link's "Copy the link" button
 * (hidden without JavaScript, where the link is plain text to select). It copies the link's text and
 * says so in the link's status region; where the clipboard is refused, it selects the text instead
 * and says how to copy it.
 */
export function initProviderLinkCopy(doc: Document = document): void {
  for (const button of doc.querySelectorAll<HTMLButtonElement>('button[data-provider-link-copy]')) {
    const id = button.dataset['providerLinkCopy'] ?? '';
    const source = doc.getElementById(id);
    if (!source) continue;
    button.hidden = false;
    button.addEventListener('click', () => void copy(doc, source, doc.getElementById(`${id}-status`)));
  }
}

async function copy(doc: Document, source: HTMLElement, status: HTMLElement | null): Promise<void> {
  const text = (source.textContent ?? '').trim();
  try {
    await navigator.clipboard.writeText(text);
    if (status) status.textContent = 'The link was copied. Paste it into your message to the provider.';
  } catch {
    const range = doc.createRange();
    range.selectNodeContents(source);
    const selection = doc.getSelection();
    selection?.removeAllRanges();
    selection?.addRange(range);
    if (status) status.textContent = 'The link is selected: copy it with your keyboard (Ctrl+C, or Cmd+C on a Mac).';
  }
}

if (typeof document !== 'undefined') initProviderLinkCopy();
