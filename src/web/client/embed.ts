/**
 * In embed mode (the page is in an iframe, `<html data-embed="1">`), tells the parent page this page's
 * height whenever it changes, so the iframe can be as tall as its content:
 *   window.parent.postMessage({ type: 'isg:height', height }, '*')
 * The message holds a number only; the parent should check the message's origin (see /embed).
 */
export function postHeightToParent(win: Window = window): void {
  const doc = win.document;
  if (doc.documentElement.dataset['embed'] !== '1' || win.parent === win) return;
  let last = -1;
  const send = () => {
    const height = Math.ceil(doc.documentElement.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    win.parent.postMessage({ type: 'isg:height', height }, '*');
  };
  send();
  if (typeof ResizeObserver === 'function') new ResizeObserver(send).observe(doc.documentElement);
  win.addEventListener('load', send);
}

if (typeof document !== 'undefined') postHeightToParent();
