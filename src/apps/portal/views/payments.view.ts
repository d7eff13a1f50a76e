import type { Payment, Plan } from '../../../db/types.ts';
import { formatDateTime, formatMoney } from '../../../web/format.ts';
import type { Messages } from '../i18n/messages.ts';
import { canContinue, describePayment } from '../portal.service.ts';
import { date, money } from '../../../web/components.ts';
import { paymentBadge, paymentDisplayStatus } from './components.ts';
import { html, safeUrl, type SafeHtml } from '../../../web/html.ts';
import { layout, type Chrome } from './layout.ts';

export function methodLabel(method: string | null, t: Messages): SafeHtml {
  if (!method) return html`<span class="muted">${t.methodNone}</span>`;
  return html`${t.methods[method] ?? method}`;
}

/** ready · processing · paid · failed · canceled · expired · refunded: what the page says about a payment. */
export function paymentPhase(payment: Payment): string {
  if (payment.status === 'pending') return payment.payment_method ? 'processing' : 'ready';
  return paymentDisplayStatus(payment);
}

export interface PaymentView {
  chrome: Chrome;
  now: Date;
  payment: Payment;
  plansById: Map<string, Plan>;
  /** The plan the subscription is on now (to say "You're now on Pro" after a paid change). */
  currentPlanId: string | null;
}

/**
 * One payment, with its real status from our database — the page the gateway sends the
 * browser back to (via /portal/payments/return) and the one a fresh checkout starts from.
 */
export function paymentPage(v: PaymentView): SafeHtml {
  const { t, locale } = v.chrome;
  const p = v.payment;
  const phase = paymentPhase(p);
  const heading = t.paymentHeading[phase] ?? t.paymentTitle;
  const continueUrl = canContinue(p, v.now) ? safeUrl(p.redirect_url) : undefined;
  const plan = v.plansById.get(p.plan_id);
  const description = describePayment(p, v.plansById, t);

  const actions: SafeHtml[] = [];
  if (continueUrl) {
    actions.push(html`<a class="button" href="${continueUrl}">${phase === 'ready' ? t.payNow(formatMoney(p.amount, p.currency, locale)) : t.continuePayment}</a>`);
  }
  if (p.status === 'pending') actions.push(html`<a class="button secondary" href="/portal/payments/${encodeURIComponent(p.id)}">${t.refreshStatus}</a>`);
  if (p.status === 'failed' || p.status === 'expired') actions.push(html`<a class="button" href="/portal/plans">${t.tryAgain}</a>`);
  actions.push(html`<a class="button secondary" href="/portal">${t.backToOverview}</a>`);

  const pending = p.status === 'pending';
  return layout(
    v.chrome,
    heading,
    html`<h1>${heading}</h1>
<section class="card" aria-labelledby="payment-title"${
      pending ? html` data-poll="/portal/payments/${encodeURIComponent(p.id)}/status" data-status="${p.status}" data-phase="${phase}"` : ''
    }>
<h2 id="payment-title" class="visually-hidden">${t.details}</h2>
<p class="lead" id="payment-explain">${p.refund_due_reason ? t.refundDueExplain : (t.paymentExplain[phase] ?? '')}${
      p.status === 'paid' && !p.refund_due_reason && plan && v.currentPlanId === plan.id ? html` ${t.nowOnPlan(plan.name)}` : ''
    }</p>
${pending && !p.redirect_url ? html`<p>${t.preparingPayment}</p>` : ''}
${pending && continueUrl ? html`<p>${t.payBefore(formatDateTime(p.expires_at, locale))}</p>` : ''}
<dl class="summary">
<dt>${t.description}</dt><dd>${description}</dd>
<dt>${t.amount}</dt><dd>${money(p.amount, p.currency, locale)}</dd>
<dt>${t.status}</dt><dd>${paymentBadge(p, t)}</dd>
<dt>${t.method}</dt><dd>${methodLabel(p.payment_method, t)}</dd>
<dt>${t.createdAt}</dt><dd>${date(p.created_at, locale, true)}</dd>
</dl>
<div class="actions">${actions}</div>
</section>`,
  );
}

export interface HistoryView {
  chrome: Chrome;
  now: Date;
  payments: Payment[];
  plansById: Map<string, Plan>;
  page: number;
  hasNext: boolean;
}

export function historyPage(v: HistoryView): SafeHtml {
  const { t, locale } = v.chrome;
  const rows = v.payments.map((p) => {
    const description = describePayment(p, v.plansById, t);
    const continueHere = canContinue(p, v.now)
      ? html`<br><a href="/portal/payments/${encodeURIComponent(p.id)}" aria-label="${t.continuePaymentFor(description)}">${t.continuePayment}</a>`
      : '';
    return html`<tr>
<td data-label="${t.date}">${date(p.created_at, locale, true)}</td>
<td data-label="${t.description}"><a href="/portal/payments/${encodeURIComponent(p.id)}">${description}</a></td>
<td class="num" data-label="${t.amount}">${money(p.amount, p.currency, locale)}</td>
<td data-label="${t.method}">${methodLabel(p.payment_method, t)}</td>
<td data-label="${t.status}">${paymentBadge(p, t)}${continueHere}</td>
</tr>`;
  });
  const pager =
    v.page > 1 || v.hasNext
      ? html`<nav class="pager" aria-label="${t.pagination}"><p class="muted">${t.pageN(v.page)}</p><ul>
${v.page > 1 ? html`<li><a href="/portal/payments${v.page - 1 > 1 ? `?page=${v.page - 1}` : ''}" rel="prev">${t.newer}</a></li>` : ''}
${v.hasNext ? html`<li><a href="/portal/payments?page=${v.page + 1}" rel="next">${t.older}</a></li>` : ''}
</ul></nav>`
      : '';
  const table = v.payments.length
    ? html`<div class="table-wrap" role="region" aria-labelledby="history-caption" tabindex="0"><table class="history records">
<caption id="history-caption">${t.timesInWib}</caption>
<thead><tr><th scope="col">${t.date}</th><th scope="col">${t.description}</th><th scope="col" class="num">${t.amount}</th><th scope="col">${t.method}</th><th scope="col">${t.status}</th></tr></thead>
<tbody>${rows}</tbody>
</table></div>`
    : html`<p>${t.noPayments}</p>`;
  return layout(
    v.chrome,
    t.historyTitle,
    html`<h1>${t.historyTitle}</h1>
<section class="card" aria-label="${t.historyTitle}">
${table}
${pager}
</section>`,
  );
}
