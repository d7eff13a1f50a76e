import type { Payment, Subscription } from '../../../db/types.ts';
import type { AccountState } from '../portal.service.ts';
import { canContinue, describePayment } from '../portal.service.ts';
import { formatDate, formatMoney } from '../../../web/format.ts';
import { date, formSecrets, money, notice } from '../../../web/components.ts';
import { paymentBadge, price, statusBadge } from './components.ts';
import { whyNotCancel } from '../../../modules/subscriptions/may-cancel.ts';
import { html, safeUrl, type SafeHtml } from '../../../web/html.ts';
import { layout, type Chrome } from './layout.ts';

export interface OverviewView {
  chrome: Chrome;
  now: Date;
  account: AccountState;
  recent: Payment[];
  notice: string | undefined;
  csrf: string;
  actionId: () => string;
}

export function overviewPage(v: OverviewView): SafeHtml {
  const { t } = v.chrome;
  return layout(
    v.chrome,
    t.overviewTitle,
    html`<h1>${t.overviewTitle}</h1>
${notice(v.notice)}
${currentPlanCard(v)}
${recentPaymentsCard(v)}`,
  );
}

function currentPlanCard(v: OverviewView): SafeHtml {
  const { t, locale, timeZone: tz } = v.chrome;
  const { subscription: sub, current, scheduled, openPayment, status } = v.account;
  const open = openPayment;
  const openPlan = open ? v.account.plansById.get(open.plan_id) : undefined;
  const periodEnd = sub?.current_period_end ?? null;

  const planLine = current
    ? html`<div class="plan-head"><p class="plan-name">${current.name}</p><p class="price">${price(current.price, current.currency, current.interval, locale, t)}</p></div>`
    : html`<p class="lead">${status === 'canceled' ? t.canceledNote : status === 'pending_payment' || status === 'incomplete' ? t.incompleteNote : t.noPlan}</p>`;

  // A scheduled cancel: the badge says the same date as the banner below ("Ends on …").
  const cancelsOn = sub?.cancel_at_period_end && periodEnd ? formatDate(periodEnd, locale, tz) : null;
  const badges = [statusBadge(status, t, status === 'cancel_scheduled' && cancelsOn ? t.endsOn(cancelsOn) : undefined)];
  if (open && status !== 'pending_payment') badges.push(statusBadge('pending_payment', t));

  let when: SafeHtml | '' = '';
  if (sub && current && periodEnd) {
    if (sub.status === 'past_due') when = ''; // the past-due note says what is owed and until when
    else if (sub.cancel_at_period_end) when = ''; // the badge and the resume banner both say when it ends
    else if (scheduled) when = ''; // the scheduled-change note says what happens at the period end
    else if (current.price === 0) when = html`<p class="muted">${t.freeNoRenewal}</p>`;
    else when = renewal(v, sub, formatDate(periodEnd, locale, tz));
  } else if (sub?.status === 'canceled' && sub.canceled_at) {
    when = html`<p>${t.canceledOn(formatDate(sub.canceled_at, locale, tz))}</p>`;
  }

  const notes: SafeHtml[] = [];
  if (sub?.status === 'past_due') {
    notes.push(html`<div class="note warn"><p>${t.pastDueNote(sub.grace_ends_at ? formatDate(sub.grace_ends_at, locale, tz) : null)}</p></div>`);
  }
  if (open && openPlan) {
    const href = canContinue(open, v.now) ? safeUrl(`/portal/payments/${encodeURIComponent(open.id)}`) : undefined;
    const amount = formatMoney(open.amount, open.currency, locale);
    // Owed once the period has ended; opened ahead (a renewal reminder's), it can still be cancelled.
    const renewal = open.purpose === 'renewal' && sub?.status === 'past_due';
    notes.push(html`<div class="note${renewal ? ' warn' : ''}"><p>${open.purpose === 'renewal' ? t.renewalDueNote(amount, openPlan.name) : t.pendingPaymentNote(amount, openPlan.name)}</p>
<div class="actions">${href ? html`<a class="button small" href="${href}">${open.purpose === 'renewal' ? t.payNowShort : t.continuePayment}</a>` : ''}${
      renewal
        ? ''
        : html`<form method="post" action="/portal/payments/${encodeURIComponent(open.id)}/abandon">${formSecrets(v.csrf, v.actionId())}<button type="submit" class="button secondary small">${t.abandonPayment}</button></form>`
    }</div>${
      !open.redirect_url ? html`<p class="muted">${t.preparingPayment}</p>` : ''
    }</div>`);
  }
  if (sub && scheduled && periodEnd && !sub.cancel_at_period_end) {
    notes.push(html`<div class="note"><p>${t.scheduledChangeNote(scheduled.name, formatDate(periodEnd, locale, tz))}</p>
<form method="post" action="/portal/scheduled-change/withdraw">${formSecrets(v.csrf, v.actionId())}
<button type="submit" class="button secondary small">${t.withdrawChange}</button></form></div>`);
  }
  if (sub && cancelsOn) {
    notes.push(html`<div class="note warn"><p>${t.cancelScheduledNote(cancelsOn)}</p>
<form method="post" action="/portal/resume">${formSecrets(v.csrf, v.actionId())}
<button type="submit" class="button small">${t.resumeSubscription}</button></form></div>`);
  }

  const canCancel = Boolean(sub && current && !whyNotCancel(sub, current) && !sub.cancel_at_period_end);
  return html`<section class="card" aria-labelledby="current-plan-title">
<h2 id="current-plan-title">${t.currentPlan}</h2>
${planLine}
<p class="badges"><span class="visually-hidden">${t.status}: </span>${badges}</p>
${when}
${notes}
<div class="actions">
<a class="button${cancelsOn ? ' secondary' : ''}" href="/portal/plans">${current ? t.changePlan : t.choosePlan}</a>
${canCancel ? html`<a class="button secondary" href="/portal/cancel">${t.cancelSubscription}</a>` : ''}
</div>
</section>`;
}

/** "Renews on …" and how: the saved card charged automatically (removable), or a payment link. */
function renewal(v: OverviewView, sub: Subscription, on: string): SafeHtml {
  const { t } = v.chrome;
  if (!sub.saved_card_token) return html`<p>${t.renewsOn(on)}</p><p class="muted">${t.renewsByLink(on)}</p>`;
  return html`<p>${t.renewsOn(on)}</p>
<div class="renewal-method"><p class="muted">${sub.saved_card_last4 ? t.renewsByCard(sub.saved_card_last4, on) : t.renewsBySavedCard(on)}</p>
<form method="post" action="/portal/card/remove">${formSecrets(v.csrf, v.actionId())}<button type="submit" class="button secondary small">${t.removeCard}</button></form></div>`;
}

function recentPaymentsCard(v: OverviewView): SafeHtml {
  const { t, locale, timeZone: tz } = v.chrome;
  if (v.recent.length === 0) return html``;
  const rows = v.recent.map(
    (p) => html`<tr><td data-label="${t.date}">${date(p.created_at, locale, false, tz)}</td><td data-label="${t.description}">${describePayment(p, v.account.plansById, t)}</td><td class="num" data-label="${t.amount}">${money(p.amount, p.currency, locale)}</td><td data-label="${t.status}">${paymentBadge(p, t)}</td></tr>`,
  );
  return html`<section class="card" aria-labelledby="recent-title">
<h2 id="recent-title">${t.recentPayments}</h2>
<div class="table-wrap"><table class="records">
<thead><tr><th scope="col">${t.date}</th><th scope="col">${t.description}</th><th scope="col" class="num">${t.amount}</th><th scope="col">${t.status}</th></tr></thead>
<tbody>${rows}</tbody>
</table></div>
<p><a href="/portal/payments">${t.viewAllPayments}</a></p>
</section>`;
}
