import type { Project } from '../../../db/types.ts';
import { copyable, date, formSecrets } from '../../../web/components.ts';
import { formatDateTime, zoneName } from '../../../web/format.ts';
import { html, type SafeHtml } from '../../../web/html.ts';
import { layout, type Chrome } from './layout.ts';

/** A secret or link shown once, selectable, with a Copy button that script reveals. */
export function shownOnce(id: string, value: string, t: { copy: string; copied: string }): SafeHtml {
  return html`<div>${copyable(id, value, t)}</div>`;
}

/** The grace windows the rotation form offers (seconds), as the admin API takes them. */
const GRACE_CHOICES = [
  ['0', 'graceNow'],
  ['3600', 'grace1h'],
  ['86400', 'grace24h'],
] as const;

export function keysPage(
  chrome: Chrome,
  v: { project: Project; now: Date; canRotate: boolean; csrf: string; actionId: string; newSecret?: string; created?: boolean },
): SafeHtml {
  const { t, locale } = chrome;
  const p = v.project;
  const zone = p.time_zone;
  const when = (d: Date | null) => (d ? date(d, locale, true, zone) : t.never);
  const previousUntil = p.previous_secret_expires_at && p.previous_secret_expires_at > v.now ? p.previous_secret_expires_at : undefined;
  return layout(
    chrome,
    t.keysTitle,
    html`<h1>${t.keysTitle}</h1>
<p class="lead">${t.keysLead}</p>
${v.newSecret
  ? html`<section class="card" aria-labelledby="new-secret"><h2 id="new-secret">${t.newSecretTitle}</h2>
<p class="note warn" role="alert">${t.newSecretWarning}</p>
${shownOnce('client-secret', v.newSecret, t)}
<p>${v.created ? t.projectCreated : previousUntil ? t.oldSecretWorksUntil(formatDateTime(previousUntil, locale, zone)) : t.oldSecretStopped}</p></section>`
  : ''}
<section class="card" aria-labelledby="credentials">
<h2 id="credentials">${t.keysTitle}</h2>
<dl class="summary">
<dt>${t.clientId}</dt><dd>${shownOnce('client-id', p.client_id, t)}</dd>
<dt>${t.clientSecret}</dt><dd><span class="muted">${t.secretHidden}</span><br>${t.lastUsed}: <span id="current-last-used">${when(p.client_secret_last_used_at)}</span></dd>
${previousUntil
  ? html`<dt>${t.previousSecret}</dt><dd><span id="previous-until">${t.previousSecretUntil(formatDateTime(previousUntil, locale, zone))}</span><br>${t.lastUsed}: <span id="previous-last-used">${when(p.previous_secret_last_used_at)}</span></dd>`
  : ''}
</dl>
<p class="hint">${t.datesIn(zoneName(new Date(), zone))}</p>
</section>
${v.canRotate
  ? html`<section class="card" aria-labelledby="rotate">
<h2 id="rotate">${t.rotateSecret}</h2>
<p id="rotate-help">${t.rotateHelp}</p>
<form method="post" action="/dashboard/projects/${encodeURIComponent(p.id)}/keys/rotate">${formSecrets(v.csrf, v.actionId)}
<fieldset aria-describedby="rotate-help"><legend>${t.oldSecretStops}</legend>
${GRACE_CHOICES.map(
  ([seconds, label]) =>
    html`<div class="choice"><input type="radio" id="grace-${seconds}" name="previous_secret_expires_in" value="${seconds}"${seconds === '0' ? html` checked` : ''}><label for="grace-${seconds}">${t[label]}</label></div>`,
)}
</fieldset>
<button type="submit" class="button danger">${t.rotateSecret}</button></form>
</section>`
  : ''}`,
  );
}
