import type { Locale } from '../db/types.ts';
import { formatDate, formatDateTime, formatMoney } from './format.ts';
import { html, trustedHtml, type SafeHtml } from './html.ts';

/** Small building blocks any app's views use; nothing here knows an app's words. */

export function money(amount: number, currency: string, locale: Locale): SafeHtml {
  return html`<span class="money">${formatMoney(amount, currency, locale)}</span>`;
}

/** A `<time>` element; shown in WIB unless `timeZone` (an IANA name) says otherwise. */
export function date(value: Date, locale: Locale, withTime = false, timeZone?: string): SafeHtml {
  return html`<time datetime="${value.toISOString()}">${withTime ? formatDateTime(value, locale, timeZone) : formatDate(value, locale, timeZone)}</time>`;
}

export type BadgeTone = 'ok' | 'warn' | 'bad' | 'info' | 'neutral';
export type Icon = 'check' | 'clock' | 'cross' | 'hourglass' | 'undo' | 'pause' | 'calendar' | 'dot';

// Decorative icons (aria-hidden): the badge's text carries the meaning, the icon and the
// colour only repeat it, so status never depends on colour alone.
const ICONS: Record<Icon, string> = {
  check: '<path d="M3 8.5l3 3 7-7" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"/>',
  clock: '<circle cx="8" cy="8" r="6" fill="none" stroke="currentColor" stroke-width="1.8"/><path d="M8 4.5V8l2.5 1.5" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"/>',
  cross: '<path d="M4 4l8 8M12 4l-8 8" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"/>',
  hourglass: '<path d="M4.5 2h7M4.5 14h7M5 2c0 4 6 4 6 6s-6 2-6 6M11 2c0 4-6 4-6 6s6 2 6 6" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linecap="round"/>',
  undo: '<path d="M5 6H10a3 3 0 010 6H6M5 6l2.5-2.5M5 6l2.5 2.5" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/>',
  pause: '<path d="M5.5 3.5v9M10.5 3.5v9" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"/>',
  calendar: '<rect x="2.5" y="3.5" width="11" height="10" rx="1.5" fill="none" stroke="currentColor" stroke-width="1.6"/><path d="M2.5 6.5h11M5.5 2v3M10.5 2v3" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round"/>',
  dot: '<circle cx="8" cy="8" r="4" fill="currentColor"/>',
};

export function badge(tone: BadgeTone, icon: Icon, text: string): SafeHtml {
  return html`<span class="badge badge-${tone}"><svg viewBox="0 0 16 16" aria-hidden="true" focusable="false">${trustedHtml(ICONS[icon])}</svg>${text}</span>`;
}

/**
 * A value someone copies (a secret shown once, a virtual account number): selectable text,
 * and a Copy button that kit.js reveals when the clipboard is available.
 */
export function copyable(id: string, value: string, labels: { copy: string; copied: string }, className = 'secret'): SafeHtml {
  return html`<span class="copy-row"><code class="${className}" id="${id}">${value}</code><button type="button" class="button secondary small" data-copy="${id}" data-copied="${labels.copied}" hidden>${labels.copy}</button></span>`;
}

/** The hidden fields of a state-changing form: the session's CSRF token and a once-only action id. */
export function formSecrets(csrf: string, actionId: string): SafeHtml {
  return html`<input type="hidden" name="csrf" value="${csrf}"><input type="hidden" name="action_id" value="${actionId}">`;
}

export function notice(text: string | undefined): SafeHtml | '' {
  return text ? html`<p class="notice" role="status">${text}</p>` : '';
}

/** A labelled field with its hint and its error (tied by aria-describedby). */
export function field(o: {
  name: string;
  label: string;
  control: (attrs: SafeHtml) => SafeHtml;
  hint?: string;
  error?: string;
}): SafeHtml {
  const hintId = `${o.name}-hint`;
  const errorId = `${o.name}-error`;
  const described = [o.hint ? hintId : '', o.error ? errorId : ''].filter(Boolean).join(' ');
  const attrs = html`id="${o.name}" name="${o.name}"${described ? html` aria-describedby="${described}"` : ''}${o.error ? trustedHtml(' aria-invalid="true"') : ''}`;
  return html`<div class="field">
<label for="${o.name}">${o.label}</label>
${o.hint ? html`<span class="hint" id="${hintId}">${o.hint}</span>` : ''}
${o.control(attrs)}
${o.error ? html`<span class="field-error" id="${errorId}">${o.error}</span>` : ''}
</div>`;
}
