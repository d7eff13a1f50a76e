import type { Project } from '../../../db/types.ts';
import type { AuditRow } from '../../../modules/audit/audit.repository.ts';
import { PUBLIC_EVENT_TYPES } from '../../../modules/events/public-events.ts';
import type { LoggedEvent } from '../../../modules/events/public-events.repository.ts';
import { copyable, date, field } from '../../../web/components.ts';
import { zoneName } from '../../../web/format.ts';
import { html, trustedHtml, type SafeHtml } from '../../../web/html.ts';
import type { EventsMessages } from '../i18n/webhooks-messages.ts';
import { layout, type Chrome } from './layout.ts';
import { pager, prettyJson } from './webhooks.view.ts';

/**
 * The events section: the project's event log (the public event objects, as the events
 * API returns them) and the dashboard's audit log. JSON is shown as escaped text.
 */

const base = (projectId: string) => `/dashboard/projects/${encodeURIComponent(projectId)}/events`;

function subNav(e: EventsMessages, projectId: string, current: 'events' | 'audit'): SafeHtml {
  const item = (href: string, name: typeof current, label: string) =>
    html`<li><a href="${href}"${current === name ? trustedHtml(' aria-current="page"') : ''}>${label}</a></li>`;
  return html`<nav class="tabs subnav" aria-label="${e.subNav}"><ul>${item(base(projectId), 'events', e.eventsTab)}${item(`${base(projectId)}/audit`, 'audit', e.auditTab)}</ul></nav>`;
}

export interface Paging {
  firstHref: string;
  olderHref?: string | undefined;
  onFirst: boolean;
}

export function eventsPage(
  chrome: Chrome,
  v: { project: Project; events: LoggedEvent[]; customers: Map<string, string>; filters: { type: string; customer: string }; paging: Paging },
): SafeHtml {
  const { t, locale } = chrome;
  const e = t.events;
  const zone = v.project.time_zone;
  const customerHref = (externalId: string) => {
    // Linked when the customer still exists; the customer page is keyed by the integrator's end_user_id.
    return v.customers.has(externalId) ? `/dashboard/projects/${encodeURIComponent(v.project.id)}/customers/${encodeURIComponent(externalId)}` : undefined;
  };
  const items = v.events.map((ev) => {
    const href = ev.end_user_external_id ? customerHref(ev.end_user_external_id) : undefined;
    const jsonId = `event-${ev.id}`;
    return html`<li class="event">
<p class="event-head"><code>${ev.type}</code> ${date(ev.created_at, locale, true, zone)}${ev.end_user_external_id
      ? html` · ${href ? html`<a href="${href}">${ev.end_user_external_id}</a>` : html`<span>${ev.end_user_external_id}</span>`}`
      : ''}</p>
<details><summary>${e.json(ev.id)}</summary>${copyable(jsonId, prettyJson(ev.payload ?? ''), t, 'json')}</details>
</li>`;
  });
  const filtered = v.filters.type || v.filters.customer;
  return layout(
    chrome,
    e.title,
    html`<h1>${e.title}</h1>
${subNav(e, v.project.id, 'events')}
<p class="lead">${e.lead}</p>
<section class="card" aria-labelledby="event-log"><h2 id="event-log">${e.eventsTab}</h2>
<form method="get" action="${base(v.project.id)}" class="inline-form filter">
${field({
  name: 'type',
  label: e.type,
  control: (a) => html`<select ${a}><option value="">${e.anyType}</option>${PUBLIC_EVENT_TYPES.map((type) => html`<option value="${type}"${v.filters.type === type ? trustedHtml(' selected') : ''}>${type}</option>`)}</select>`,
})}
${field({ name: 'customer', label: e.customer, control: (a) => html`<input type="text" ${a} value="${v.filters.customer}" maxlength="200" autocomplete="off" spellcheck="false">` })}
<div class="field"><button type="submit" class="button secondary">${e.filter}</button></div>
${filtered ? html`<div class="field"><a href="${base(v.project.id)}">${e.clear}</a></div>` : ''}
</form>
${v.events.length ? html`<ol class="events">${items}</ol>` : html`<p>${e.noEvents}</p>`}
${pager(e, v.paging.firstHref, v.paging.olderHref, v.paging.onFirst)}
<p class="hint">${t.datesIn(zoneName(new Date(), zone))}</p>
</section>`,
  );
}

export interface AuditFilters {
  actor: string;
  action: string;
  from: string;
  to: string;
}

export function auditPage(
  chrome: Chrome,
  v: {
    project: Project;
    entries: AuditRow[];
    actors: Array<{ id: string; name: string; email: string }>;
    actions: string[];
    filters: AuditFilters;
    errors: Record<string, string>;
    paging: Paging;
  },
): SafeHtml {
  const { t, locale } = chrome;
  const e = t.events;
  const zone = v.project.time_zone;
  const rows = v.entries.map((a) => {
    const data = JSON.stringify(a.data);
    return html`<tr>
<td data-label="${e.when}">${date(a.at, locale, true, zone)}</td>
<td data-label="${e.actor}">${a.actor_name ? html`${a.actor_name}<br><span class="muted">${a.actor_email}</span>` : html`<span class="muted">${e.unknownActor}</span>`}</td>
<td data-label="${e.action}"><code>${a.action}</code>${a.subject_id ? html`<br><code class="muted">${a.subject_id}</code>` : ''}</td>
<td data-label="${e.details}">${data === '{}' ? html`<span class="muted">—</span>` : html`<code class="excerpt">${data}</code>`}${a.ip ? html`<br><span class="muted">${e.ip}: ${a.ip}</span>` : ''}</td></tr>`;
  });
  const filtered = v.filters.actor || v.filters.action || v.filters.from || v.filters.to;
  return layout(
    chrome,
    e.auditTitle,
    html`<h1>${e.title}</h1>
${subNav(e, v.project.id, 'audit')}
<p class="lead">${e.auditLead}</p>
<section class="card" aria-labelledby="audit-log"><h2 id="audit-log">${e.auditTitle}</h2>
<form method="get" action="${base(v.project.id)}/audit" class="inline-form filter" novalidate>
${field({
  name: 'actor',
  label: e.actor,
  control: (a) => html`<select ${a}><option value="">${e.anyone}</option>${v.actors.map((p) => html`<option value="${p.id}"${v.filters.actor === p.id ? trustedHtml(' selected') : ''}>${p.name} (${p.email})</option>`)}</select>`,
})}
${field({
  name: 'action',
  label: e.action,
  control: (a) => html`<select ${a}><option value="">${e.anyAction}</option>${v.actions.map((x) => html`<option value="${x}"${v.filters.action === x ? trustedHtml(' selected') : ''}>${x}</option>`)}</select>`,
})}
${field({ name: 'from', label: e.from, error: v.errors.from, control: (a) => html`<input type="date" ${a} value="${v.filters.from}">` })}
${field({ name: 'to', label: e.to, error: v.errors.to, control: (a) => html`<input type="date" ${a} value="${v.filters.to}">` })}
<div class="field"><button type="submit" class="button secondary">${e.filter}</button></div>
${filtered ? html`<div class="field"><a href="${base(v.project.id)}/audit">${e.clear}</a></div>` : ''}
</form>
<p class="hint">${e.dateHelp(zone)}</p>
${v.entries.length
  ? html`<div class="table-wrap"><table class="records">
<thead><tr><th scope="col">${e.when}</th><th scope="col">${e.actor}</th><th scope="col">${e.action}</th><th scope="col">${e.details}</th></tr></thead>
<tbody>${rows}</tbody></table></div>`
  : html`<p>${e.noEntries}</p>`}
${pager(e, v.paging.firstHref, v.paging.olderHref, v.paging.onFirst)}
</section>`,
  );
}
