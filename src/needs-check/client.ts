/**
 * Progressive enhancement for the needs check outcome: "Copy summary" and "Print" buttons. Without
 * JavaScript the summary stays in a readonly text box to select and copy, and the browser prints.
 */
export function enhanceNeedsCheck(doc: Document = document): void {
  const box = doc.querySelector<HTMLTextAreaElement>('[data-nc-summary]');
  const actions = doc.querySelector<HTMLElement>('[data-nc-actions]');
  if (!box || !actions) return;

  const status = doc.createElement('p');
  status.className = 'govuk-body';
  status.setAttribute('role', 'status');
  status.setAttribute('data-qa', 'copy-status');

  const copy = doc.createElement('button');
  copy.type = 'button';
  copy.className = 'govuk-button govuk-button--secondary';
  copy.textContent = 'Copy summary';
  copy.setAttribute('data-qa', 'copy-button');
  copy.addEventListener('click', () => {
    const done = () => (status.textContent = 'Summary copied. Paste it into your referral form or records.');
    const fallback = () => {
      box.select();
      status.textContent = doc.execCommand('copy') ? 'Summary copied. Paste it into your referral form or records.' : 'Select the text above and copy it.';
    };
    if (navigator.clipboard?.writeText) navigator.clipboard.writeText(box.value).then(done, fallback);
    else fallback();
  });

  const print = doc.createElement('button');
  print.type = 'button';
  print.className = 'govuk-button govuk-button--secondary';
  print.textContent = 'Print this page';
  print.addEventListener('click', () => window.print());

  actions.append(copy, print, status);
}

enhanceNeedsCheck();
