import type { EmailStatus, EndUser, Locale, Payment, Plan, Subscription } from '../../../db/types.ts';
import type { CustomerEvent, CustomerRow, CustomerState } from '../../../modules/end-users/customers.repository.ts';
import { CUSTOMER_STATES } from '../../../modules/end-users/customers.repository.ts';
import type { DisplayStatus } from '../../../modules/subscriptions/display-status.ts';
import { badge, copyable, date, field, formSecrets, money, notice, type BadgeTone, type Icon } from '../../../web/components.ts';
import { paymentBadge, subscriptionStatusBadge } from '../../../web/payment-badge.ts';
import { formatDate, formatDateTime, zoneName } from '../../../web/format.ts';
import { html, type SafeHtml } from '../../../web/html.ts';
import type { CustomersMessages } from '../i18n/customers-messages.ts';
import { layout, type Chrome } from './layout.ts';

/** The customers list, one customer's page, and the payment link shown once. */

function stateBadge(state: DisplayStatus, c: CustomersMessages): SafeHtml {
  return subscriptionStatusBadge(state, c.states[state] ?? state);
}

/** A list row's state, as `displayStatus` words a subscription (modules/subscriptions/display-status.ts). */
export function rowState(r: Pick<CustomerRow, 'status' | 'cancel_at_period_end' | 'scheduled_plan_id' | 'open_payment_id'>): DisplayStatus {
  switch (r.status) {
    case null:
      return 'none';
    case 'incomplete':
      return r.open_payment_id ? 'pending_payment' : 'incomplete';
    case 'canceled':
    case 'past_due':
      return r.status;
    case 'active':
      return r.cancel_at_period_end ? 'cancel_scheduled' : r.scheduled_plan_id ? 'downgrade_scheduled' : 'active';
  }
}


const EMAIL_BADGES: Record<EmailStatus, [BadgeTone, Icon]> = {
  sent: ['ok', 'check'],
  pending: ['warn', 'clock'],
  sending: ['info', 'clock'],
  failed: ['bad', 'cross'],
};

const customerPath = (projectId: string, externalId: string) => `/dashboard/projects/${encodeURIComponent(projectId)}/customers/${encodeURIComponent(externalId)}`;

export interface CustomerListView {
  projectId: string;
  timeZone: string;
  plans: Plan[];
  rows: CustomerRow[];
  filters: { q: string; status: CustomerState | ''; plan: string };
  /** Query string of the next page, or undefined on the last. */
  nextHref: string | undefined;
  firstHref: string | undefined;
  exportHref: string;
  anyCustomers: boolean;
}

export function customersPage(chrome: Chrome, v: CustomerListView): SafeHtml {
  const { t, locale } = chrome;
  const c = t.customers;
  const base = `/dashboard/projects/${encodeURIComponent(v.projectId)}/customers`;
  const plansById = new Map(v.plans.map((p) => [p.id, p]));
  const rows = v.rows.map((r) => {
    const state = rowState(r);
    const plan = r.plan_id ? plansById.get(r.plan_id) : undefined;
    const who = [r.name, r.email].filter(Boolean).join(' · ');
    return html`<tr>
<td data-label="${c.customer}"><a href="${customerPath(v.projectId, r.external_id)}"><code>${r.external_id}</code></a>${who ? html`<br><span class="muted">${who}</span>` : ''}</td>
<td data-label="${c.plan}">${plan?.name ?? c.none}</td>
<td data-label="${c.status}"><span class="badges">${stateBadge(state === 'downgrade_scheduled' ? 'active' : state, c)}${state === 'downgrade_scheduled' ? stateBadge('downgrade_scheduled', c) : ''}</span></td>
<td data-label="${c.renewsOrEnds}">${r.current_period_end && (r.status === 'active' || r.status === 'past_due') ? date(r.current_period_end, locale, false, v.timeZone) : c.none}</td>
<td data-label="${c.joined}">${date(r.created_at, locale, false, v.timeZone)}</td>
</tr>`;
  });
  const f = v.filters;
  return layout(
    chrome,
    c.title,
    html`<h1>${c.title}</h1>
<p class="lead">${c.lead}</p>
<form method="get" action="${base}" class="card filters" role="search" aria-label="${c.filters}">
<div class="inline-form">
<div class="field"><label for="q">${c.search}</label><input type="text" id="q" name="q" value="${f.q}" maxlength="200" autocomplete="off" spellcheck="false" aria-describedby="q-hint"></div>
${field({
  name: 'status',
  label: c.status,
  control: (a) => html`<select ${a}><option value="">${c.anyStatus}</option>${CUSTOMER_STATES.map((s) => html`<option value="${s}"${f.status === s ? html` selected` : ''}>${c.listStates[s]}</option>`)}</select>`,
})}
${field({
  name: 'plan',
  label: c.plan,
  control: (a) => html`<select ${a}><option value="">${c.anyPlan}</option>${v.plans.map((p) => html`<option value="${p.id}"${f.plan === p.id ? html` selected` : ''}>${p.name}</option>`)}</select>`,
})}
<div class="field"><button type="submit" class="button">${c.apply}</button></div>
</div>
<p class="hint muted" id="q-hint">${c.searchHint}</p>
${f.q || f.status || f.plan ? html`<p><a href="${base}">${c.clear}</a></p>` : ''}
</form>
<p><a class="button secondary" href="${v.exportHref}" download>${c.exportCsv}</a> <span class="muted">${c.exportHint}</span></p>
<section class="card">
${v.rows.length
  ? html`<table class="records"><caption class="visually-hidden">${c.title}</caption>
<thead><tr><th scope="col">${c.customer}</th><th scope="col">${c.plan}</th><th scope="col">${c.status}</th><th scope="col">${c.renewsOrEnds}</th><th scope="col">${c.joined}</th></tr></thead>
<tbody>${rows}</tbody></table>
<p class="muted">${c.datesIn(zoneName(new Date(), v.timeZone))}</p>`
  : html`<p>${v.anyCustomers ? c.noMatches : c.noCustomers}</p>`}
${v.nextHref || v.firstHref
  ? html`<nav class="pager" aria-label="${c.pages}"><ul>
${v.firstHref ? html`<li><a href="${v.firstHref}">${c.firstPage}</a></li>` : ''}
${v.nextHref ? html`<li><a href="${v.nextHref}" rel="next">${c.nextPage}</a></li>` : ''}
</ul></nav>`
  : ''}
</section>`,
  );
}

export interface CustomerView {
  projectId: string;
  timeZone: string;
  now: Date;
  endUser: EndUser;
  subscription: Subscription | undefined;
  state: DisplayStatus;
  plansById: Map<string, Plan>;
  openPayment: Payment | undefined;
  /** Plans a downgrade may be scheduled to (the service decides again when asked). */
  downgrades: Plan[];
  mayCancel: boolean;
  payments: Payment[];
  events: CustomerEvent[];
  sessions: Array<{ id: string; created_at: Date; expires_at: Date; ended_at: Date | null }>;
  emails: Array<{ id: string; type: string; subject: string; status: EmailStatus; attempts: number; last_error: string | null; created_at: Date; sent_at: Date | null }>;
  canAct: boolean;
  /** Email can be sent from this server (SMTP_URL or the development mail catcher). */
  mailOn: boolean;
  csrf: string;
  actionId: () => string;
  notice?: string | undefined;
  errors: Partial<Record<'reason' | 'plan_id' | 'action', string>>;
  reason?: string;
}

export function customerPage(chrome: Chrome, v: CustomerView): SafeHtml {
  const { t, locale } = chrome;
  const c = t.customers;
  const eu = v.endUser;
  const sub = v.subscription;
  const zone = v.timeZone;
  const path = customerPath(v.projectId, eu.external_id);
  const when = (d: Date) => date(d, locale, true, zone);
  const day = (d: Date) => formatDate(d, locale, zone);
  const live = sub && (sub.status === 'active' || sub.status === 'past_due');
  const plan = sub?.plan_id ? v.plansById.get(sub.plan_id) : undefined;
  const scheduled = sub?.scheduled_plan_id ? v.plansById.get(sub.scheduled_plan_id) : undefined;
  const periodEnd = sub?.current_period_end ?? undefined;
  const title = eu.name ?? eu.external_id;
  const form = (action: string, body: SafeHtml, extra = html``) =>
    html`<form method="post" action="${path}/${action}"${extra}>${formSecrets(v.csrf, v.actionId())}${body}</form>`;

  const renewal = (): SafeHtml | string => {
    if (!live || !plan || !periodEnd || sub.cancel_at_period_end) return c.noRenewal;
    if (plan.price === 0) return c.freeNoRenewal;
    if (sub.status === 'past_due' && sub.grace_ends_at) return c.pastDueUntil(formatDateTime(sub.grace_ends_at, locale, zone));
    if (sub.saved_card_last4) return c.renewsByCard(c.card, sub.saved_card_last4, day(periodEnd));
    return c.renewsByLink(day(periodEnd));
  };
  const pending = (): SafeHtml | string => {
    if (sub?.status === 'canceled' && sub.canceled_at) return html`${c.canceledOn(day(sub.canceled_at))} ${reasonOf(sub, c)}`;
    if (live && sub.cancel_at_period_end && periodEnd) return html`${c.cancelsOn(day(periodEnd))} ${reasonOf(sub, c)}`;
    if (live && scheduled && periodEnd) return c.downgradeOn(scheduled.name, day(periodEnd));
    return c.noPendingChange;
  };

  const actions = (): SafeHtml => {
    if (!v.canAct) return html`<p class="note">${c.readOnly}</p>`;
    const parts: SafeHtml[] = [];
    if (v.errors.action) parts.push(html`<p class="error-text" role="alert">${v.errors.action}</p>`);
    if (live && sub.cancel_at_period_end) {
      parts.push(html`<div><h3>${c.resume}</h3><p>${c.resumeHelp}</p>${form('resume', html`<button type="submit" class="button">${c.resume}</button>`)}</div>`);
    } else if (live && periodEnd) {
      parts.push(
        v.mayCancel
          ? html`<div><h3>${c.cancelTitle}</h3><p>${c.cancelHelp(day(periodEnd))}</p>${form(
              'cancel',
              html`${field({ name: 'reason', label: c.cancelReason, error: v.errors.reason, control: (a) => html`<textarea ${a} rows="2" maxlength="500">${v.reason ?? ''}</textarea>` })}<button type="submit" class="button danger">${c.cancelButton}</button>`,
            )}</div>`
          : html`<div><h3>${c.cancelTitle}</h3><p class="muted">${c.cancelNotAllowed}</p></div>`,
      );
    }
    if (live && scheduled) {
      parts.push(html`<div><h3>${c.pendingChange}</h3><p>${c.downgradeOn(scheduled.name, periodEnd ? day(periodEnd) : '')}</p>${form('withdraw', html`<button type="submit" class="button secondary">${c.withdraw}</button>`)}</div>`);
    } else if (live && !sub.cancel_at_period_end && periodEnd) {
      parts.push(
        v.downgrades.length
          ? html`<div><h3>${c.downgradeTitle}</h3><p>${c.downgradeHelp(day(periodEnd))}</p>${form(
              'downgrade',
              html`${field({
                name: 'plan_id',
                label: c.downgradeTo,
                error: v.errors.plan_id,
                control: (a) => html`<select ${a}>${v.downgrades.map((p) => html`<option value="${p.id}">${p.name}</option>`)}</select>`,
              })}<button type="submit" class="button secondary">${c.downgradeButton}</button>`,
            )}</div>`
          : html`<div><h3>${c.downgradeTitle}</h3><p class="muted">${c.noDowngrades}</p>${v.errors.plan_id ? html`<p class="error-text" role="alert">${v.errors.plan_id}</p>` : ''}</div>`,
      );
    }
    if (v.openPayment) {
      parts.push(
        html`<div><h3>${c.sendLinkTitle}</h3><p>${c.sendLinkHelp}${v.mailOn && eu.email ? html` ${c.emailLinkHelp}` : ''}</p><div class="actions">${form(`payments/${encodeURIComponent(v.openPayment.id)}/link`, html`<button type="submit" class="button secondary">${c.sendLink}</button>`)}${
          v.mailOn && eu.email ? form(`payments/${encodeURIComponent(v.openPayment.id)}/email`, html`<button type="submit" class="button secondary">${c.emailLink(eu.email)}</button>`) : ''
        }</div></div>`,
      );
    }
    parts.push(
      html`<div><h3>${c.openPortal}</h3><p>${c.openPortalHelp}</p>${form('portal', html`<button type="submit" class="button secondary">${c.openPortal}</button>`, html` target="_blank"`)}</div>`,
    );
    return html`<p class="muted">${c.actionsLead}</p><div class="grid-2 customer-actions">${parts}</div>`;
  };

  const paymentRows = v.payments.map((p) => {
    const planName = v.plansById.get(p.plan_id)?.name ?? p.description;
    return html`<tr>
<td data-label="${c.created}"><a href="/dashboard/projects/${encodeURIComponent(v.projectId)}/payments/${encodeURIComponent(p.id)}">${formatDateTime(p.created_at, locale, zone)}</a></td>
<td data-label="${c.description}">${c.describePayment[p.purpose](planName)}<br><code class="muted">${p.order_id}</code></td>
<td data-label="${c.amount}" class="num">${money(p.amount, p.currency, locale)}</td>
<td data-label="${c.status}">${paymentBadge(p, locale)}</td>
</tr>`;
  });
  const eventRows = v.events.map(
    (e) => html`<tr><td data-label="${c.event}"><code>${e.type}</code></td><td data-label="${c.source}">${c.sources[e.source] ?? e.source}</td><td data-label="${c.at}">${when(e.created_at)}</td></tr>`,
  );
  const sessionRows = v.sessions.map((s) => {
    const state = s.ended_at ? 'ended' : s.expires_at <= v.now ? 'expired' : 'active';
    const tone: BadgeTone = state === 'active' ? 'ok' : 'neutral';
    return html`<tr>
<td data-label="${c.started}">${when(s.created_at)}</td>
<td data-label="${c.expires}">${when(s.ended_at ?? s.expires_at)}</td>
<td data-label="${c.status}">${badge(tone, state === 'active' ? 'check' : 'pause', c.sessionStates[state]!)}</td>
<td data-label="">${state === 'active' && v.canAct
      ? form(`sessions/${encodeURIComponent(s.id)}/revoke`, html`<button type="submit" class="button secondary small" aria-label="${c.revokeLabel(formatDateTime(s.created_at, locale, zone))}">${c.revoke}</button>`)
      : ''}</td>
</tr>`;
  });
  const emailRows = v.emails.map((e) => {
    const [tone, icon] = EMAIL_BADGES[e.status];
    return html`<tr>
<td data-label="${c.emailType}">${c.emailTypes[e.type] ?? e.type}<br><span class="muted">${e.subject}</span></td>
<td data-label="${c.status}">${badge(tone, icon, c.emailStates[e.status] ?? e.status)}${e.status === 'failed' && e.last_error ? html`<br><span class="muted">${c.lastError}: ${e.last_error}</span>` : ''}</td>
<td data-label="${c.attempts}" class="num">${String(e.attempts)}</td>
<td data-label="${e.sent_at ? c.sentAt : c.queuedAt}">${when(e.sent_at ?? e.created_at)}</td>
</tr>`;
  });
  const table = (label: string, head: SafeHtml, body: SafeHtml[], empty: string) =>
    body.length ? html`<table class="records"><caption class="visually-hidden">${label}</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>` : html`<p>${empty}</p>`;
  const base = `/dashboard/projects/${encodeURIComponent(v.projectId)}/customers`;

  return layout(
    chrome,
    title,
    html`<p class="crumbs"><a href="${base}">${c.title}</a></p>
<h1>${title}</h1>
${notice(v.notice)}
<div class="grid-2">
<section class="card" aria-labelledby="subscription"><h2 id="subscription">${c.subscription}</h2>
<dl class="summary">
<dt>${c.plan}</dt><dd>${plan && live ? plan.name : c.none}</dd>
<dt>${c.status}</dt><dd>${stateBadge(v.state, c)}</dd>
${live && sub.current_period_start && periodEnd ? html`<dt>${c.period}</dt><dd>${c.periodRange(day(sub.current_period_start), day(periodEnd))}</dd>` : ''}
<dt>${c.renewal}</dt><dd>${renewal()}</dd>
<dt>${c.pendingChange}</dt><dd>${pending()}</dd>
${v.openPayment ? html`<dt>${c.openPayment}</dt><dd><a href="/dashboard/projects/${encodeURIComponent(v.projectId)}/payments/${encodeURIComponent(v.openPayment.id)}">${money(v.openPayment.amount, v.openPayment.currency, locale)}</a> ${paymentBadge(v.openPayment, locale)}</dd>` : ''}
</dl></section>
<section class="card" aria-labelledby="profile"><h2 id="profile">${c.profile}</h2>
<dl class="summary">
<dt>${c.endUserId}</dt><dd><code>${eu.external_id}</code></dd>
<dt>${c.name}</dt><dd>${eu.name ?? c.notSet}</dd>
<dt>${c.email}</dt><dd>${eu.email ?? c.notSet}</dd>
<dt>${c.language}</dt><dd>${eu.locale ? c.languages[eu.locale] : c.notSet}</dd>
<dt>${c.since}</dt><dd>${when(eu.created_at)}</dd>
</dl></section>
</div>
<section class="card" aria-labelledby="act"><h2 id="act">${c.actionsTitle}</h2>${actions()}</section>
<section class="card" aria-labelledby="payments"><h2 id="payments">${c.paymentsTitle}</h2>
${table(c.paymentsTitle, html`<th scope="col">${c.created}</th><th scope="col">${c.description}</th><th scope="col" class="num">${c.amount}</th><th scope="col">${c.status}</th>`, paymentRows, c.noPayments)}
</section>
<section class="card" aria-labelledby="timeline"><h2 id="timeline">${c.eventsTitle}</h2><p class="muted">${c.eventsLead}</p>
${table(c.eventsTitle, html`<th scope="col">${c.event}</th><th scope="col">${c.source}</th><th scope="col">${c.at}</th>`, eventRows, c.noEvents)}
</section>
<section class="card" aria-labelledby="sessions"><h2 id="sessions">${c.sessionsTitle}</h2>
${table(c.sessionsTitle, html`<th scope="col">${c.started}</th><th scope="col">${c.expires}</th><th scope="col">${c.status}</th><th scope="col"><span class="visually-hidden">${c.revoke}</span></th>`, sessionRows, c.noSessions)}
</section>
<section class="card" aria-labelledby="emails"><h2 id="emails">${c.emailsTitle}</h2>
${table(c.emailsTitle, html`<th scope="col">${c.emailType}</th><th scope="col">${c.status}</th><th scope="col" class="num">${c.attempts}</th><th scope="col">${c.at}</th>`, emailRows, c.noEmails)}
</section>
<p class="muted">${c.datesIn(zoneName(v.now, zone))}</p>`,
  );
}

function reasonOf(sub: Subscription, c: CustomersMessages): SafeHtml {
  return html`<br><span class="muted">${c.reason}: ${sub.cancel_reason ?? c.noReason}</span>`;
}

/** The payment link, shown once in the POST's own answer (never put in a URL of ours). */
export function paymentLinkPage(chrome: Chrome, v: { projectId: string; externalId: string; url: string; until: Date; timeZone: string; locale: Locale }): SafeHtml {
  const c = chrome.t.customers;
  return layout(
    chrome,
    c.linkTitle,
    html`<p class="crumbs"><a href="${customerPath(v.projectId, v.externalId)}">${c.backToCustomer}</a></p>
<h1>${c.linkTitle}</h1>
<section class="card"><p class="note warn" role="alert">${c.linkLead(formatDateTime(v.until, v.locale, v.timeZone))}</p>
<div>${copyable('payment-link', v.url, { copy: c.copy, copied: c.copied })}</div>
<p><a class="button secondary" href="${customerPath(v.projectId, v.externalId)}">${c.backToCustomer}</a></p></section>`,
  );
}
