import type { Project, WebhookAttempt, WebhookDeliveryStatus, WebhookEndpoint } from '../../../db/types.ts';
import { PUBLIC_EVENT_TYPES } from '../../../modules/events/public-events.ts';
import type { DeliveryLogRow } from '../../../modules/webhooks/delivery-log.ts';
import { badge, copyable, date, field, formSecrets, notice } from '../../../web/components.ts';
import { formatDateTime, zoneName } from '../../../web/format.ts';
import { html, trustedHtml, type SafeHtml } from '../../../web/html.ts';
import type { WebhooksMessages } from '../i18n/webhooks-messages.ts';
import { layout, type Chrome } from './layout.ts';

/**
 * Webhook endpoints (list, form, one endpoint with its delivery log, delete confirmation),
 * the project-wide delivery log and one delivery with every attempt. Receivers' answers
 * and event bodies are shown as text (escaped by `html`), never interpreted.
 */

const base = (projectId: string) => `/dashboard/projects/${encodeURIComponent(projectId)}/webhooks`;
const endpointPath = (projectId: string, endpointId: string) => `${base(projectId)}/${encodeURIComponent(endpointId)}`;
export const deliveryPath = (projectId: string, endpointId: string, deliveryId: string) =>
  `${endpointPath(projectId, endpointId)}/deliveries/${encodeURIComponent(deliveryId)}`;

/** What the list cell of a long response shows; the delivery page shows the whole stored excerpt. */
const LIST_EXCERPT_CHARS = 160;

export function statusBadge(w: WebhooksMessages, status: WebhookDeliveryStatus): SafeHtml {
  if (status === 'succeeded') return badge('ok', 'check', w.statuses.succeeded);
  if (status === 'failed') return badge('bad', 'cross', w.statuses.failed);
  return badge('info', 'clock', w.statuses.pending);
}

function subNav(w: WebhooksMessages, projectId: string, current: 'endpoints' | 'log'): SafeHtml {
  const item = (href: string, name: typeof current, label: string) =>
    html`<li><a href="${href}"${current === name ? trustedHtml(' aria-current="page"') : ''}>${label}</a></li>`;
  return html`<nav class="tabs subnav" aria-label="${w.subNav}"><ul>${item(base(projectId), 'endpoints', w.endpointsTab)}${item(`${base(projectId)}/deliveries`, 'log', w.logTab)}</ul></nav>`;
}

function typesOf(w: WebhooksMessages, e: WebhookEndpoint): SafeHtml {
  return e.event_types === null ? html`${w.everyType}` : html`${e.event_types.map((t, i) => html`${i ? ', ' : ''}<code>${t}</code>`)}`;
}

/** The development-mode rules, said plainly for this project and this instance. */
function rules(w: WebhooksMessages, developmentMode: string, project: Project, production: boolean): SafeHtml {
  const text = !project.development_mode ? w.rulesProduction : production ? w.rulesProductionInstance : w.rulesDevelopment;
  return html`<section class="card" aria-labelledby="rules"><h2 id="rules">${w.rulesTitle}</h2>
${project.development_mode && !production ? html`<p>${badge('warn', 'dot', developmentMode)}</p>` : ''}<p>${text}</p>
<p class="hint">${w.rulesSettings} <a href="/dashboard/projects/${encodeURIComponent(project.id)}/settings">${w.rulesSettingsLink}</a></p></section>`;
}

export function endpointsPage(chrome: Chrome, v: { project: Project; endpoints: WebhookEndpoint[]; canEdit: boolean; production: boolean; notice?: string }): SafeHtml {
  const { t, locale } = chrome;
  const w = t.webhooks;
  const zone = v.project.time_zone;
  const rows = v.endpoints.map(
    (e) => html`<tr>
<td data-label="${w.url}"><a href="${endpointPath(v.project.id, e.id)}" class="url">${e.url}</a>${e.description ? html`<br><span class="muted">${e.description}</span>` : ''}</td>
<td data-label="${w.eventTypes}">${typesOf(w, e)}</td>
<td data-label="${w.created}">${date(e.created_at, locale, false, zone)}</td></tr>`,
  );
  return layout(
    chrome,
    w.title,
    html`<h1>${w.title}</h1>
${subNav(w, v.project.id, 'endpoints')}
${notice(v.notice)}
<p class="lead">${w.lead}</p>
${v.canEdit ? html`<p><a class="button" href="${base(v.project.id)}/new">${w.newEndpoint}</a></p>` : html`<p class="note">${t.readOnly}</p>`}
<section class="card" aria-labelledby="endpoints"><h2 id="endpoints">${w.endpointsTab}</h2>
${v.endpoints.length
  ? html`<div class="table-wrap"><table class="records">
<thead><tr><th scope="col">${w.url}</th><th scope="col">${w.eventTypes}</th><th scope="col">${w.created}</th></tr></thead>
<tbody>${rows}</tbody></table></div>`
  : html`<p>${w.noEndpoints}</p>`}
</section>
${rules(w, t.developmentMode, v.project, v.production)}`,
  );
}

export interface EndpointForm {
  url: string;
  description: string;
  scope: 'all' | 'chosen';
  event_types: string[];
}

export function endpointFormPage(
  chrome: Chrome,
  v: { project: Project; endpoint?: WebhookEndpoint; form: EndpointForm; errors: Record<string, string>; production: boolean; csrf: string; actionId: string },
): SafeHtml {
  const { t } = chrome;
  const w = t.webhooks;
  const f = v.form;
  const title = v.endpoint ? w.editTitle : w.newEndpoint;
  const action = v.endpoint ? `${endpointPath(v.project.id, v.endpoint.id)}/edit` : `${base(v.project.id)}/new`;
  const back = v.endpoint ? endpointPath(v.project.id, v.endpoint.id) : base(v.project.id);
  const typesError = v.errors.event_types;
  return layout(
    chrome,
    title,
    html`<p class="crumbs"><a href="${base(v.project.id)}">${w.title}</a></p>
<h1>${title}</h1>
${Object.keys(v.errors).length ? html`<p class="error-text" role="alert">${t.fixErrors}</p>` : ''}
<form method="post" action="${action}" class="card" novalidate>
${formSecrets(v.csrf, v.actionId)}
${field({ name: 'url', label: w.url, hint: w.urlHelp, error: v.errors.url, control: (a) => html`<input type="url" ${a} value="${f.url}" maxlength="2000" required autocomplete="off" spellcheck="false">` })}
${field({ name: 'description', label: w.description, hint: w.descriptionHelp, error: v.errors.description, control: (a) => html`<input type="text" ${a} value="${f.description}" maxlength="200">` })}
<fieldset${typesError ? trustedHtml(' aria-describedby="event_types-error"') : ''}><legend>${w.eventTypes}</legend>
<div class="choice"><input type="radio" id="scope-all" name="scope" value="all"${f.scope === 'all' ? trustedHtml(' checked') : ''}><label for="scope-all">${w.allTypes}</label></div>
<div class="choice"><input type="radio" id="scope-chosen" name="scope" value="chosen"${f.scope === 'chosen' ? trustedHtml(' checked') : ''}><label for="scope-chosen">${w.chosenTypes}</label></div>
<div class="type-choices">${PUBLIC_EVENT_TYPES.map(
      (type) =>
        html`<div class="choice"><input type="checkbox" id="type-${type}" name="event_types" value="${type}"${f.event_types.includes(type) ? trustedHtml(' checked') : ''}><label for="type-${type}"><code>${type}</code></label></div>`,
    )}</div>
${typesError ? html`<span class="field-error" id="event_types-error">${typesError}</span>` : ''}
</fieldset>
<div class="actions"><button type="submit" class="button">${v.endpoint ? w.save : w.create}</button><a class="button secondary" href="${back}">${w.cancel}</a></div>
</form>
${rules(w, t.developmentMode, v.project, v.production)}`,
  );
}

/** Older-than links for a keyset-paginated list: to the newest page, and the next older one. */
export function pager(labels: { older: string; newest: string; pages: string }, firstHref: string, olderHref: string | undefined, onFirst: boolean): SafeHtml | '' {
  if (onFirst && !olderHref) return '';
  return html`<nav class="pager" aria-label="${labels.pages}"><ul>
${onFirst ? '' : html`<li><a href="${firstHref}">${labels.newest}</a></li>`}
${olderHref ? html`<li><a href="${olderHref}" rel="next">${labels.older}</a></li>` : ''}
</ul></nav>`;
}

export interface DeliveryLogView {
  rows: DeliveryLogRow[];
  status?: WebhookDeliveryStatus | undefined;
  /** The href of the next older page, if any. */
  olderHref?: string | undefined;
  firstHref: string;
  onFirst: boolean;
  filterAction: string;
}

function excerpt(text: string | null, limit: number): string {
  if (text === null) return '';
  return text.length > limit ? `${text.slice(0, limit)}…` : text;
}

/** The delivery log table (one endpoint's or every endpoint's), with its status filter and pages. */
function deliveryLog(chrome: Chrome, projectId: string, zone: string, v: DeliveryLogView, showEndpoint: boolean): SafeHtml {
  const { locale } = chrome;
  const w = chrome.t.webhooks;
  const statusFilter = html`<form method="get" action="${v.filterAction}" class="inline-form filter">
<div class="field"><label for="status">${w.status}</label><select id="status" name="status">
<option value="">${w.anyStatus}</option>${(['pending', 'succeeded', 'failed'] as const).map((s) => html`<option value="${s}"${v.status === s ? trustedHtml(' selected') : ''}>${w.statuses[s]}</option>`)}
</select></div><div class="field"><button type="submit" class="button secondary">${w.filter}</button></div></form>`;
  const rows = v.rows.map((d) => {
    const last = d.last_attempt;
    const response = last
      ? last.status_code !== null
        ? html`<strong>${String(last.status_code)}</strong>${last.response_excerpt ? html` <code class="excerpt">${excerpt(last.response_excerpt, LIST_EXCERPT_CHARS)}</code>` : ''}`
        : html`<span class="muted">${w.noResponse}</span>${last.error ? html` <code class="excerpt">${last.error}</code>` : ''}`
      : html`<span class="muted">—</span>`;
    return html`<tr>
<td data-label="${w.delivery}"><a href="${deliveryPath(projectId, d.endpoint_id, d.id)}"><code>${d.event_type}</code></a><br>${date(d.created_at, locale, true, zone)}${showEndpoint ? html`<br><span class="muted url">${d.url}</span>` : ''}</td>
<td data-label="${w.status}">${statusBadge(w, d.status)}</td>
<td data-label="${w.attempts}" class="num">${String(d.attempt_count)}</td>
<td data-label="${w.nextRetry}">${d.status === 'pending' && d.next_attempt_at ? date(d.next_attempt_at, locale, true, zone) : html`<span class="muted">—</span>`}</td>
<td data-label="${w.lastResponse}">${response}</td></tr>`;
  });
  return html`${statusFilter}
${v.rows.length
  ? html`<div class="table-wrap"><table class="records">
<thead><tr><th scope="col">${w.delivery}</th><th scope="col">${w.status}</th><th scope="col" class="num">${w.attempts}</th><th scope="col">${w.nextRetry}</th><th scope="col">${w.lastResponse}</th></tr></thead>
<tbody>${rows}</tbody></table></div>`
  : html`<p>${w.noDeliveries}</p>`}
${pager(w, v.firstHref, v.olderHref, v.onFirst)}
<p class="hint">${chrome.t.datesIn(zoneName(new Date(), zone))}</p>`;
}

export function allDeliveriesPage(chrome: Chrome, v: { project: Project; log: DeliveryLogView }): SafeHtml {
  const w = chrome.t.webhooks;
  return layout(
    chrome,
    w.logTab,
    html`<h1>${w.title}</h1>
${subNav(w, v.project.id, 'log')}
<section class="card" aria-labelledby="log"><h2 id="log">${w.logTab}</h2><p>${w.allDeliveriesLead}</p>
${deliveryLog(chrome, v.project.id, v.project.time_zone, v.log, true)}</section>`,
  );
}

export function endpointPage(
  chrome: Chrome,
  v: {
    project: Project;
    endpoint: WebhookEndpoint;
    now: Date;
    canEdit: boolean;
    csrf: string;
    actionId: () => string;
    log: DeliveryLogView;
    notice?: string;
    /** Shown once, in the answer to the POST that made it (create or rotate). */
    newSecret?: { secret: string; created: boolean };
  },
): SafeHtml {
  const { t, locale } = chrome;
  const w = t.webhooks;
  const e = v.endpoint;
  const zone = v.project.time_zone;
  const path = endpointPath(v.project.id, e.id);
  const previousUntil = e.previous_secret_expires_at && e.previous_secret_expires_at > v.now ? e.previous_secret_expires_at : undefined;
  const secretCard = v.newSecret
    ? html`<section class="card" aria-labelledby="new-secret"><h2 id="new-secret">${w.secretTitle}</h2>
<p class="note warn" role="alert">${w.secretWarning}</p>
<div>${copyable('webhook-secret', v.newSecret.secret, t)}</div>
${v.newSecret.created ? '' : html`<p>${previousUntil ? w.oldSecretUntil(formatDateTime(previousUntil, locale, zone)) : w.oldSecretStopped}</p>`}</section>`
    : '';
  const manage = v.canEdit
    ? html`<section class="card" aria-labelledby="test"><h2 id="test">${w.testTitle}</h2><p id="test-help">${w.testHelp}</p>
<form method="post" action="${path}/test">${formSecrets(v.csrf, v.actionId())}<button type="submit" class="button secondary" aria-describedby="test-help">${w.sendTest}</button></form></section>
<section class="card" aria-labelledby="rotate"><h2 id="rotate">${w.rotateTitle}</h2><p id="rotate-help">${w.rotateHelp}</p>
<form method="post" action="${path}/rotate">${formSecrets(v.csrf, v.actionId())}
<fieldset aria-describedby="rotate-help"><legend>${t.oldSecretStops}</legend>
${(
  [
    ['86400', t.grace24h],
    ['3600', t.grace1h],
    ['0', t.graceNow],
  ] as const
).map(
  ([seconds, label]) =>
    html`<div class="choice"><input type="radio" id="grace-${seconds}" name="previous_secret_expires_in" value="${seconds}"${seconds === '86400' ? trustedHtml(' checked') : ''}><label for="grace-${seconds}">${label}</label></div>`,
)}
</fieldset>
<button type="submit" class="button danger">${w.rotate}</button></form></section>`
    : '';
  return layout(
    chrome,
    e.url,
    html`<p class="crumbs"><a href="${base(v.project.id)}">${w.title}</a></p>
<h1 class="url">${e.url}</h1>
${notice(v.notice)}
${secretCard}
<section class="card" aria-labelledby="endpoint"><h2 id="endpoint">${w.endpoint}</h2>
<dl class="summary">
<dt>${w.url}</dt><dd><code>${e.url}</code></dd>
${e.description ? html`<dt>${w.description}</dt><dd>${e.description}</dd>` : ''}
<dt>${w.eventTypes}</dt><dd>${typesOf(w, e)}</dd>
<dt>${w.secretTitle}</dt><dd><span class="muted">${w.secretHidden}</span>${previousUntil ? html`<br>${w.previousSecretUntil(formatDateTime(previousUntil, locale, zone))}` : ''}</dd>
<dt>${w.created}</dt><dd>${date(e.created_at, locale, true, zone)}</dd>
</dl>
${v.canEdit ? html`<div class="actions"><a class="button secondary" href="${path}/edit">${w.edit}</a><a class="button secondary" href="${path}/delete">${w.delete}</a></div>` : ''}
</section>
<section class="card" aria-labelledby="deliveries"><h2 id="deliveries">${w.deliveries}</h2>
${deliveryLog(chrome, v.project.id, zone, v.log, false)}</section>
${manage}`,
  );
}

export function deletePage(chrome: Chrome, v: { project: Project; endpoint: WebhookEndpoint; csrf: string; actionId: string }): SafeHtml {
  const w = chrome.t.webhooks;
  const path = endpointPath(v.project.id, v.endpoint.id);
  return layout(
    chrome,
    w.deleteTitle,
    html`<p class="crumbs"><a href="${base(v.project.id)}">${w.title}</a></p>
<h1>${w.deleteTitle}</h1>
<section class="card"><p><code>${v.endpoint.url}</code></p><p>${w.deleteLead}</p>
<form method="post" action="${path}/delete">${formSecrets(v.csrf, v.actionId)}
<div class="actions"><button type="submit" class="button danger">${w.deleteConfirm}</button><a class="button secondary" href="${path}">${w.cancel}</a></div></form></section>`,
  );
}

/** The stored body, pretty-printed when it is JSON (it always is; a broken one is shown as is). */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export function deliveryPage(
  chrome: Chrome,
  v: {
    project: Project;
    endpoint: WebhookEndpoint;
    delivery: { id: string; event_id: string; event_type: string; status: WebhookDeliveryStatus; next_attempt_at: Date | null; created_at: Date };
    attempts: WebhookAttempt[];
    body: string;
    canEdit: boolean;
    csrf: string;
    actionId: string;
    notice?: string;
    error?: string;
  },
): SafeHtml {
  const { t, locale } = chrome;
  const w = t.webhooks;
  const zone = v.project.time_zone;
  const d = v.delivery;
  const path = deliveryPath(v.project.id, v.endpoint.id, d.id);
  // Attempts as a list, not a table: a receiver's answer needs the full width, on a phone too.
  const items = v.attempts.map(
    (a, i) => html`<li class="attempt"><h3>${w.attempt(i + 1)}</h3><dl class="summary">
<dt>${w.attemptedAt}</dt><dd>${date(a.attempted_at, locale, true, zone)}</dd>
<dt>${w.lastResponse}</dt><dd>${a.status_code !== null ? html`<strong>${String(a.status_code)}</strong>` : html`<span class="muted">${w.noResponse}</span>`}${a.error ? html`<br><code class="excerpt">${a.error}</code>` : ''}</dd>
<dt>${w.duration}</dt><dd>${w.ms(a.duration_ms)}</dd>
<dt>${w.scheduled}</dt><dd>${a.next_attempt_at ? date(a.next_attempt_at, locale, true, zone) : html`<span class="muted">—</span>`}</dd>
</dl>${a.response_excerpt ? html`<p class="excerpt-label">${w.responseBody} ${w.bodyCut}</p><pre class="excerpt">${a.response_excerpt}</pre>` : ''}</li>`,
  );
  return layout(
    chrome,
    `${w.delivery} ${d.event_type}`,
    html`<p class="crumbs"><a href="${base(v.project.id)}">${w.title}</a> › <a href="${endpointPath(v.project.id, v.endpoint.id)}" class="url">${v.endpoint.url}</a></p>
<h1>${w.delivery}: <code>${d.event_type}</code></h1>
${notice(v.notice)}
${v.error ? html`<p class="note warn" role="alert">${v.error}</p>` : ''}
<p class="lead">${w.deliveryLead}</p>
<section class="card" aria-labelledby="summary"><h2 id="summary" class="visually-hidden">${w.delivery}</h2>
<dl class="summary">
<dt>${w.status}</dt><dd>${statusBadge(w, d.status)}</dd>
<dt>${w.webhookId}</dt><dd><code>${d.event_id}</code></dd>
<dt>${w.endpoint}</dt><dd><code>${v.endpoint.url}</code></dd>
<dt>${w.created}</dt><dd>${date(d.created_at, locale, true, zone)}</dd>
${d.status === 'pending' && d.next_attempt_at ? html`<dt>${w.nextRetry}</dt><dd>${date(d.next_attempt_at, locale, true, zone)}</dd>` : ''}
</dl>
${v.canEdit && d.status !== 'pending'
  ? html`<form method="post" action="${path}/replay">${formSecrets(v.csrf, v.actionId)}<p id="replay-help" class="hint">${w.replayHelp}</p><button type="submit" class="button" aria-describedby="replay-help">${w.replay}</button></form>`
  : ''}
</section>
<section class="card" aria-labelledby="attempts"><h2 id="attempts">${w.attempts}</h2>
${v.attempts.length ? html`<ol class="attempts">${items}</ol>` : html`<p>${w.noAttempts}</p>`}
<p class="hint">${t.datesIn(zoneName(new Date(), zone))}</p>
</section>
<section class="card" aria-labelledby="body"><h2 id="body">${w.body}</h2>
${copyable('delivery-body', prettyJson(v.body), t, 'json')}
</section>`,
  );
}
