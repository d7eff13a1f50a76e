import { bankName, storeName } from '../../../modules/payments/method-names.ts';
import type { Payment, Plan } from '../../../db/types.ts';
import { formatDateTime, formatMoney } from '../../../web/format.ts';
import type { Messages } from '../i18n/messages.ts';
import { canContinue, describePayment } from '../portal.service.ts';
import { copyable, date, formSecrets, money } from '../../../web/components.ts';
import type { PaymentInstructions } from '../../../payments/gateway.ts';
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
  /** An open renewal is owed (the subscription is past due), not one opened ahead: it cannot be abandoned. */
  renewalDue: boolean;
  csrf: string;
  actionId: string;
}

/**
 * One payment, with its real status from our database — the page the gateway sends the
 * browser back to (via /portal/payments/return) and the one a fresh checkout starts from.
 */
export function paymentPage(v: PaymentView): SafeHtml {
  const { t, locale, timeZone: tz } = v.chrome;
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
  const abandon =
    p.status === 'pending' && (p.purpose !== 'renewal' || !v.renewalDue)
      ? html`<form method="post" action="/portal/payments/${encodeURIComponent(p.id)}/abandon" class="actions">${formSecrets(v.csrf, v.actionId)}<button type="submit" class="button secondary">${t.abandonPayment}</button></form>`
      : '';
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
    }${p.status === 'paid' && p.refunded_amount > 0 ? html` ${t.partlyRefundedExplain(formatMoney(p.refunded_amount, p.currency, locale))}` : ''}</p>
${pending && !p.redirect_url ? html`<p>${t.preparingPayment}</p>` : ''}
${pending && continueUrl && !p.payment_instructions ? html`<p>${t.payBefore(formatDateTime(p.expires_at, locale, tz))}</p>` : ''}
${pending && p.payment_instructions ? howToPay(v, p.payment_instructions) : ''}
<dl class="summary">
<dt>${t.description}</dt><dd>${description}</dd>
<dt>${t.amount}</dt><dd>${money(p.amount, p.currency, locale)}</dd>
<dt>${t.status}</dt><dd>${paymentBadge(p, t)}</dd>
${p.refunded_amount > 0 ? html`<dt>${t.refundedAmount}</dt><dd>${money(p.refunded_amount, p.currency, locale)}</dd>` : ''}
<dt>${t.method}</dt><dd>${methodLabel(p.payment_method, t)}</dd>
<dt>${t.createdAt}</dt><dd>${date(p.created_at, locale, true, tz)}</dd>
</dl>
<div class="actions">${actions}</div>
${abandon}
</section>`,
  );
}


/**
 * What a customer needs to pay a pending payment outside the gateway's page: the bank and
 * virtual account number (copyable), bill codes, a store code, or the QR link; with the
 * amount and the deadline, from what the gateway told us (`payments.payment_instructions`).
 */
function howToPay(v: PaymentView, how: PaymentInstructions): SafeHtml {
  const { t, locale, timeZone: tz } = v.chrome;
  const p = v.payment;
  const rows: SafeHtml[] = [];
  let explain = t.howToPayQr;
  if (how.va) {
    explain = t.howToPayVa;
    rows.push(html`<dt>${t.vaBank}</dt><dd>${bankName(how.va.bank)}</dd>`);
    rows.push(html`<dt>${t.vaNumber}</dt><dd>${copyable('va-number', how.va.number, t, 'code')}</dd>`);
  } else if (how.bill) {
    explain = t.howToPayBill;
    rows.push(html`<dt>${t.billerCode}</dt><dd>${copyable('biller-code', how.bill.billerCode, t, 'code')}</dd>`);
    rows.push(html`<dt>${t.billKey}</dt><dd>${copyable('bill-key', how.bill.billKey, t, 'code')}</dd>`);
  } else if (how.store) {
    explain = t.howToPayStore;
    rows.push(html`<dt>${t.storeName}</dt><dd>${storeName(how.store.store)}</dd>`);
    rows.push(html`<dt>${t.paymentCode}</dt><dd>${copyable('payment-code', how.store.paymentCode, t, 'code')}</dd>`);
  }
  rows.push(html`<dt>${t.amount}</dt><dd>${money(p.amount, p.currency, locale)}</dd>`);
  rows.push(html`<dt>${t.payDeadline}</dt><dd>${date(p.expires_at, locale, true, tz)}</dd>`);
  const qr = !how.va && !how.bill && !how.store ? safeUrl(how.qrUrl) : undefined;
  return html`<section class="how-to-pay" aria-labelledby="how-to-pay-title">
<h2 id="how-to-pay-title">${t.howToPay}</h2>
<p>${explain}</p>
<dl class="summary">${rows}</dl>
${qr ? html`<p><a class="button" href="${qr}" rel="noopener noreferrer">${t.openQr}</a></p>` : ''}
</section>`;
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
  const { t, locale, timeZone: tz } = v.chrome;
  const rows = v.payments.map((p) => {
    const description = describePayment(p, v.plansById, t);
    const continueHere = canContinue(p, v.now)
      ? html`<br><a href="/portal/payments/${encodeURIComponent(p.id)}" aria-label="${t.continuePaymentFor(description)}">${t.continuePayment}</a>`
      : '';
    return html`<tr>
<td data-label="${t.date}">${date(p.created_at, locale, true, tz)}</td>
<td data-label="${t.description}"><a href="/portal/payments/${encodeURIComponent(p.id)}">${description}</a></td>
<td class="num" data-label="${t.amount}">${money(p.amount, p.currency, locale)}</td>
<td data-label="${t.method}">${methodLabel(p.payment_method, t)}</td>
<td data-label="${t.status}">${paymentBadge(p, t)}${
      p.status === 'paid' && p.refunded_amount > 0 ? html`<br><span class="muted">${t.amountRefunded(formatMoney(p.refunded_amount, p.currency, locale))}</span>` : ''
    }${continueHere}</td>
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
