/**
 * The chat panel: with JavaScript, every page (except /ask, which is the chat itself) gets an "Ask a
 * question" button that opens the chat as a panel. Keyboard first: the button opens it and focuses the
 * question box, Enter sends, replies are announced in a live region, Escape closes it and focus goes
 * back to the button. The conversation's context lives here, in the page, never on the server.
 *
 * Every piece of text from the server is set with textContent, and links are only followed to this
 * site, https pages or phone numbers: no HTML from content reaches the page.
 */

interface ApiReply {
  reply: string;
  links: Array<{ text: string; href: string }>;
  suggestions: string[];
  context: Record<string, unknown>;
  answerId: string | null;
  danger: boolean;
  /** the same-day guidance leads the reply (a worry that cannot wait, not 999) */
  sameDay?: boolean;
}

import { splitPhoneNumbers } from '../content/phones.js';

const SAFE_HREF = /^(\/(?!\/)|https:\/\/|tel:)/;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Puts text into an element as text nodes, every phone number in it a `tel:` link (no HTML parsed). */
export function withPhoneLinks<E extends HTMLElement>(e: E, text: string): E {
  for (const piece of splitPhoneNumbers(text)) {
    if (typeof piece === 'string') {
      e.append(document.createTextNode(piece));
    } else {
      const a = el('a', 'govuk-link', piece.text);
      a.href = piece.href;
      e.append(a);
    }
  }
  return e;
}

export function initChatPanel(): void {
  if (window.location.pathname === '/ask' || document.getElementById('app-chat-panel')) return;
  if (typeof window.fetch !== 'function') return;
  // The navigation's link to the chat page opens the panel instead: nothing floats over the page, so
  // nothing is ever covered. Without it (or without JavaScript) the link leads to the chat page.
  const launcher = document.querySelector<HTMLAnchorElement>('.govuk-service-navigation a[href="/ask"]');
  if (!launcher) return;
  const host = document.querySelector('main') ?? document.body;
  launcher.setAttribute('aria-expanded', 'false');
  launcher.setAttribute('aria-controls', 'app-chat-panel');
  launcher.dataset['qa'] = 'chat-launcher';

  const panel = el('section', 'app-chat-panel');
  panel.id = 'app-chat-panel';
  panel.hidden = true;
  panel.setAttribute('role', 'dialog');
  panel.setAttribute('aria-modal', 'false');
  panel.setAttribute('aria-labelledby', 'app-chat-panel-title');

  const header = el('div', 'app-chat-panel__header');
  const title = el('h2', 'govuk-heading-s app-chat-panel__title', 'Ask a question');
  title.id = 'app-chat-panel-title';
  const close = el('button', 'govuk-button govuk-button--secondary app-chat-panel__close', 'Close');
  close.type = 'button';
  header.append(title, close);

  const privacy = el('p', 'govuk-body-s app-privacy-line', 'Do not type names or other details that could identify a child or family.');
  const log = el('div', 'app-chat-panel__log');
  log.setAttribute('role', 'log');
  log.setAttribute('aria-live', 'polite');
  log.setAttribute('aria-label', 'Conversation');
  log.tabIndex = 0;

  const form = el('form', 'app-chat-panel__form');
  form.noValidate = true;
  const label = el('label', 'govuk-label govuk-label--s', 'Your question');
  label.htmlFor = 'app-chat-panel-input';
  const error = el('p', 'govuk-error-message');
  error.id = 'app-chat-panel-error';
  error.hidden = true;
  const input = el('input', 'govuk-input');
  input.id = 'app-chat-panel-input';
  input.name = 'message';
  input.type = 'text';
  input.maxLength = 2000;
  input.autocomplete = 'off';
  const send = el('button', 'govuk-button govuk-!-margin-bottom-0', 'Ask');
  send.type = 'submit';
  form.append(label, error, input, send);

  const more = el('p', 'govuk-body-s');
  const full = el('a', 'govuk-link', 'Open the chat as a page');
  full.href = '/ask';
  more.append(full);

  panel.append(header, privacy, log, form, more);
  host.append(panel);

  let context: Record<string, unknown> = {};
  let busy = false;

  const open = () => {
    panel.hidden = false;
    launcher.setAttribute('aria-expanded', 'true');
    input.focus();
  };
  const shut = () => {
    panel.hidden = true;
    launcher.setAttribute('aria-expanded', 'false');
    launcher.focus();
  };
  launcher.addEventListener('click', (e) => {
    // a new tab or window still opens the chat page
    if (e.ctrlKey || e.metaKey || e.shiftKey || e.altKey || e.button !== 0) return;
    e.preventDefault();
    if (panel.hidden) open();
    else shut();
  });
  close.addEventListener('click', shut);
  panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      shut();
    }
  });

  const showError = (text: string | undefined) => {
    error.hidden = !text;
    error.textContent = text ? `Error: ${text}` : '';
    input.classList.toggle('govuk-input--error', !!text);
    if (text) input.setAttribute('aria-describedby', error.id);
    else input.removeAttribute('aria-describedby');
  };

  const feedback = (answerId: string) => {
    const box = el('div', 'app-chat-panel__feedback');
    const q = el('p', 'govuk-body-s govuk-!-margin-bottom-1', 'Was this helpful?');
    const group = el('div', 'govuk-button-group');
    for (const [text, helpful] of [
      ['Yes', true],
      ['No', false],
    ] as const) {
      const b = el('button', 'govuk-button govuk-button--secondary app-chat-panel__small', text);
      b.type = 'button';
      b.setAttribute('aria-label', helpful ? 'Yes, this answer was helpful' : 'No, this answer was not helpful');
      b.addEventListener('click', () => {
        void fetch('/api/chat/feedback', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ answerId, helpful }) }).catch(() => undefined);
        box.replaceChildren(el('p', 'govuk-body-s', 'Thank you for your feedback.'));
        input.focus();
      });
      group.append(b);
    }
    box.append(q, group);
    return box;
  };

  const showReply = (r: ApiReply, question: HTMLElement) => {
    const turn = el('div', `app-chat-panel__reply${r.danger ? ' app-chat-panel__reply--danger' : r.sameDay ? ' app-chat-panel__reply--same-day' : ''}`);
    turn.dataset['qa'] = 'chat-reply';
    for (const para of r.reply.split(/\n\n+/)) turn.append(withPhoneLinks(el('p', 'govuk-body-s'), para));
    const links = r.links.filter((l) => SAFE_HREF.test(l.href));
    if (links.length) {
      const ul = el('ul', 'govuk-list govuk-body-s');
      for (const l of links) {
        const li = el('li');
        const a = el('a', 'govuk-link', l.text);
        a.href = l.href;
        li.append(a);
        ul.append(li);
      }
      turn.append(ul);
    }
    if (r.suggestions.length) {
      const group = el('div', 'govuk-button-group');
      for (const s of r.suggestions) {
        const b = el('button', 'govuk-button govuk-button--secondary app-chat-panel__small', s);
        b.type = 'button';
        b.addEventListener('click', () => void ask(s));
        group.append(b);
      }
      turn.append(group);
    }
    if (r.answerId) turn.append(feedback(r.answerId));
    log.append(turn);
    // the start of the answer, with the question above it, not its end
    log.scrollTop = question.offsetTop - log.offsetTop;
  };

  async function ask(message: string): Promise<void> {
    if (busy) return;
    if (!message.trim()) return showError('Enter your question');
    showError(undefined);
    busy = true;
    const asked = el('p', 'govuk-body-s app-chat-panel__question', `You asked: ${message}`);
    log.append(asked);
    input.value = '';
    try {
      const res = await fetch('/api/chat', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ message, context }) });
      const body = (await res.json()) as ApiReply & { message?: string };
      if (!res.ok) {
        showError(body.message ?? 'Your question could not be sent. Try again.');
      } else {
        context = body.context ?? {};
        showReply(body, asked);
      }
    } catch {
      showError('Your question could not be sent. Check your connection and try again.');
    } finally {
      busy = false;
      input.focus();
    }
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void ask(input.value);
  });
}

if (typeof document !== 'undefined') initChatPanel();
