import type { Event, Payment } from '../../../db/types.ts';
import { paymentBadgeStatus } from '../../../modules/payments/display-status.ts';
import { bankName, storeName } from '../../../modules/payments/method-names.ts';
import type { ListedPayment, PaymentListStatus } from '../../../modules/payments/payments-list.repository.ts';
import type { PaymentRefund } from '../../../modules/payments/refunds.repository.ts';
import { badge, copyable, date, field, formSecrets, money, notice } from '../../../web/components.ts';
import { formatMoney, zoneName } from '../../../web/format.ts';
import { html, safeUrl, type SafeHtml } from '../../../web/html.ts';
import { paymentStatusBadge } from '../../../web/payment-badge.ts';
import type { PaymentsMessages } from '../i18n/payments-messages.ts';
import { layout, type Chrome } from './layout.ts';

export const LIST_STATUSES: readonly PaymentListStatus[] = ['pending', 'paid', 'partially_refunded', 'refunded', 'failed', 'expired'];
export const LIST_METHODS: readonly string[] = ['credit_card', 'bank_transfer', 'echannel', 'permata', 'qris', 'gopay', 'shopeepay', 'cstore'];

const paymentsBase = (projectId: string) => `/dashboard/projects/${encodeURIComponent(projectId)}/payments`;
export const paymentPath = (projectId: string, paymentId: string) => `${paymentsBase(projectId)}/${encodeURIComponent(paymentId)}`;
const customerPath = (projectId: string, externalId: string) => `/dashboard/projects/${encodeURIComponent(projectId)}/customers/${encodeURIComponent(externalId)}`;

/** The portal's badge look and the portal's words for the status, in the dashboard's language. */
export function statusBadge(p: Payment, m: PaymentsMessages): SafeHtml {
  const status = paymentBadgeStatus(p);
  return paymentStatusBadge(status, m.statuses[status] ?? status);
}

function methodText(method: string | null, m: PaymentsMessages): SafeHtml {
  return method ? html`${m.methods[method] ?? method}` : html`<span class="muted">${m.methodNone}</span>`;
}

function customerCell(projectId: string, p: ListedPayment): SafeHtml {
  return html`<a href="${customerPath(projectId, p.external_id)}"><code>${p.external_id}</code></a>${p.email ? html`<br><span class="muted">${p.email}</span>` : ''}`;
}

export interface ListFilters {
  status: string;
  method: string;
  from: string;
  to: string;
}

export interface PaymentsListView {
  projectId: string;
  timeZone: string;
  rows: ListedPayment[];
  attention: ListedPayment[];
  filters: ListFilters;
  errors: Record<string, string>;
  nextHref?: string;
  firstHref?: string;
  anyPayments: boolean;
}

export function paymentsListPage(chrome: Chrome, v: PaymentsListView): SafeHtml {
  const { locale } = chrome;
  const m = chrome.t.payments;
  const tz = v.timeZone;
  const base = paymentsBase(v.projectId);
  const f = v.filters;
  const rows = v.rows.map(
    (p) => html`<tr>
<td data-label="${m.date}"><a href="${paymentPath(v.projectId, p.id)}" aria-label="${m.openPayment(p.order_id)}">${date(p.created_at, locale, true, tz)}</a></td>
<td data-label="${m.customer}">${customerCell(v.projectId, p)}</td>
<td data-label="${m.purpose}">${m.purposes[p.purpose] ?? p.purpose}</td>
<td data-label="${m.amount}" class="num">${money(p.amount, p.currency, locale)}</td>
<td data-label="${m.method}">${methodText(p.payment_method, m)}</td>
<td data-label="${m.status}">${statusBadge(p, m)}${p.refunded_amount > 0 && p.status === 'paid' ? html`<br><span class="muted">${m.amountRefunded(formatMoney(p.refunded_amount, p.currency, locale))}</span>` : ''}</td>
</tr>`,
  );
  const attention = v.attention.length
    ? html`<section class="card" aria-labelledby="attention-title">
<h2 id="attention-title">${m.attentionTitle}</h2>
<p>${m.attentionLead}</p>
<table class="records"><caption class="visually-hidden">${m.attentionTitle}</caption>
<thead><tr><th scope="col">${m.flaggedAt}</th><th scope="col">${m.customer}</th><th scope="col">${m.amount}</th><th scope="col">${m.reason}</th><th scope="col"><span class="visually-hidden">${m.open}</span></th></tr></thead>
<tbody>${v.attention.map(
        (p) => html`<tr>
<td data-label="${m.flaggedAt}">${p.refund_due_at ? date(p.refund_due_at, locale, true, tz) : ''}</td>
<td data-label="${m.customer}">${customerCell(v.projectId, p)}</td>
<td data-label="${m.amount}" class="num">${money(p.amount, p.currency, locale)}${p.refunded_amount > 0 ? html`<br><span class="muted">${m.amountRefunded(formatMoney(p.refunded_amount, p.currency, locale))}</span>` : ''}</td>
<td data-label="${m.reason}">${m.refundDueReasons[p.refund_due_reason ?? ''] ?? p.refund_due_reason}</td>
<td data-label="${m.open}"><a class="button secondary small" href="${paymentPath(v.projectId, p.id)}" aria-label="${m.openPayment(p.order_id)}">${m.open}</a></td>
</tr>`,
      )}</tbody></table>
</section>`
    : '';
  const anyFilter = f.status || f.method || f.from || f.to;
  return layout(
    chrome,
    m.title,
    html`<h1>${m.title}</h1>
<p class="lead">${m.lead}</p>
${attention}
<form method="get" action="${base}" class="card filters" role="search" aria-label="${m.filters}" novalidate>
<div class="inline-form">
${field({
  name: 'status',
  label: m.status,
  control: (a) => html`<select ${a}><option value="">${m.anyStatus}</option>${LIST_STATUSES.map((s) => html`<option value="${s}"${f.status === s ? html` selected` : ''}>${m.statuses[s]}</option>`)}</select>`,
})}
${field({
  name: 'method',
  label: m.method,
  control: (a) => html`<select ${a}><option value="">${m.anyMethod}</option>${LIST_METHODS.map((s) => html`<option value="${s}"${f.method === s ? html` selected` : ''}>${m.methods[s] ?? s}</option>`)}</select>`,
})}
${field({ name: 'from', label: m.from, error: v.errors.from, control: (a) => html`<input type="date" ${a} value="${f.from}">` })}
${field({ name: 'to', label: m.to, error: v.errors.to, control: (a) => html`<input type="date" ${a} value="${f.to}">` })}
<div class="field"><button type="submit" class="button">${m.apply}</button></div>
</div>
<p class="hint">${m.dateHint}${anyFilter ? html` <a href="${base}">${m.clear}</a>` : ''}</p>
</form>
<section class="card" aria-label="${m.title}">
${v.rows.length
  ? html`<table class="records"><caption class="visually-hidden">${m.title}</caption>
<thead><tr><th scope="col">${m.date}</th><th scope="col">${m.customer}</th><th scope="col">${m.purpose}</th><th scope="col" class="num">${m.amount}</th><th scope="col">${m.method}</th><th scope="col">${m.status}</th></tr></thead>
<tbody>${rows}</tbody></table>
<p class="muted">${m.timesIn(zoneName(new Date(), tz))}</p>`
  : html`<p>${v.anyPayments ? m.none : m.noneYet}</p>`}
${v.nextHref || v.firstHref
  ? html`<nav class="pager" aria-label="${m.pagination}"><ul>
${v.firstHref ? html`<li><a href="${v.firstHref}">${m.newest}</a></li>` : ''}
${v.nextHref ? html`<li><a href="${v.nextHref}" rel="next">${m.older}</a></li>` : ''}
</ul></nav>`
  : ''}
</section>`,
  );
}

export interface PaymentPageView {
  projectId: string;
  timeZone: string;
  payment: ListedPayment;
  planName: string | undefined;
  events: Event[];
  refunds: PaymentRefund[];
  /** Names of who asked for each refund (dashboard users), by user id. */
  people: Map<string, string>;
  remaining: number;
  canRefund: boolean;
  /** Whether Midtrans' refund API can refund this payment's method. */
  gatewayCanRefund: boolean;
  csrf: string;
  actionId: () => string;
  refundKey: string;
  notice?: string;
  errors: Record<string, string>;
  form: { amount: string; reason: string; note: string; channel: 'midtrans' | 'outside' };
}

export function paymentPage(chrome: Chrome, v: PaymentPageView): SafeHtml {
  const { locale } = chrome;
  const m = chrome.t.payments;
  const tz = v.timeZone;
  const p = v.payment;
  const here = paymentPath(v.projectId, p.id);
  const amount = formatMoney(p.amount, p.currency, locale);
  const title = m.paymentTitle(amount);

  const summary = html`<dl class="summary">
<dt>${m.status}</dt><dd>${statusBadge(p, m)}</dd>
<dt>${m.amount}</dt><dd>${money(p.amount, p.currency, locale)}</dd>
${p.refunded_amount > 0 ? html`<dt>${m.refunded}</dt><dd>${money(p.refunded_amount, p.currency, locale)}</dd>` : ''}
<dt>${m.customer}</dt><dd>${customerCell(v.projectId, p)}</dd>
<dt>${m.purpose}</dt><dd>${m.purposes[p.purpose] ?? p.purpose}${v.planName ? html` · ${v.planName}` : ''}</dd>
<dt>${m.description}</dt><dd>${p.description}</dd>
<dt>${m.created}</dt><dd>${date(p.created_at, locale, true, tz)}</dd>
${p.paid_at ? html`<dt>${m.paidAt}</dt><dd>${date(p.paid_at, locale, true, tz)}</dd>` : ''}
${p.refund_due_reason ? html`<dt>${m.reason}</dt><dd>${badge('warn', 'undo', m.refundDueReasons[p.refund_due_reason] ?? p.refund_due_reason)}</dd>` : ''}
</dl>`;

  const gateway = html`<section class="card" aria-labelledby="gateway-title">
<h2 id="gateway-title">${m.gateway}</h2>
<dl class="summary">
<dt>${m.orderId}</dt><dd>${copyable('order-id', p.order_id, m, 'code')}</dd>
<dt>${m.gatewayStatus}</dt><dd>${p.gateway_status ? html`<code>${p.gateway_status}</code>` : html`<span class="muted">${m.gatewayStatusNone}</span>`}</dd>
${p.gateway_transaction_id ? html`<dt>${m.transactionId}</dt><dd><code>${p.gateway_transaction_id}</code></dd>` : ''}
<dt>${m.method}</dt><dd>${methodText(p.payment_method, m)}</dd>
${methodDetails(p, m)}
</dl>
<form method="post" action="${here}/check">${formSecrets(v.csrf, v.actionId())}<button type="submit" class="button secondary">${m.checkNow}</button></form>
</section>`;

  const history = html`<section class="card" aria-labelledby="history-title">
<h2 id="history-title">${m.historyTitle}</h2>
<p class="muted">${m.historyLead} ${m.timesIn(zoneName(new Date(), tz))}</p>
${v.events.length
  ? html`<ol class="timeline">${v.events.map((e) => {
      const refund = e.type === 'payment.refunded' ? (e.data.refund as { amount?: number } | undefined) : undefined;
      return html`<li>${date(e.created_at, locale, true, tz)} — <strong>${m.eventNames[e.type] ?? e.type}</strong> <span class="muted">${m.bySource(m.sources[e.source] ?? e.source)}${
        typeof e.data.gateway_status === 'string' ? html` · <code>${e.data.gateway_status}</code>` : ''
      }${typeof refund?.amount === 'number' ? html` · ${m.refundOf(formatMoney(refund.amount, p.currency, locale))}` : ''}</span></li>`;
    })}</ol>`
  : html`<p>${m.noHistory}</p>`}
</section>`;

  return layout(
    chrome,
    title,
    html`<p class="crumbs"><a href="${paymentsBase(v.projectId)}">${m.back}</a></p>
<h1>${title}</h1>
${notice(v.notice)}
<div class="grid-2">
<section class="card" aria-labelledby="summary-title"><h2 id="summary-title">${m.summary}</h2>${summary}</section>
${gateway}
</div>
${refundsSection(chrome, v)}
${history}`,
  );
}

function methodDetails(p: Payment, m: PaymentsMessages): SafeHtml | '' {
  const rows: SafeHtml[] = [];
  const how = p.payment_instructions;
  if (p.card_last4) {
    const brand = p.card_brand ? (m.cardBrands[p.card_brand] ?? p.card_brand) : m.card;
    rows.push(html`<dt>${m.card}</dt><dd>${m.cardEnding(brand, p.card_last4)}</dd>`);
  }
  if (how?.va) {
    rows.push(html`<dt>${m.vaBank}</dt><dd>${bankName(how.va.bank)}</dd>`);
    rows.push(html`<dt>${m.vaNumber}</dt><dd>${copyable('va-number', how.va.number, m, 'code')}</dd>`);
  }
  if (how?.bill) rows.push(html`<dt>${m.billerCode}</dt><dd><code>${how.bill.billerCode}</code></dd><dt>${m.billKey}</dt><dd><code>${how.bill.billKey}</code></dd>`);
  if (how?.store) rows.push(html`<dt>${m.store}</dt><dd>${storeName(how.store.store)}</dd><dt>${m.paymentCode}</dt><dd><code>${how.store.paymentCode}</code></dd>`);
  const qr = how?.qrUrl ? safeUrl(how.qrUrl) : undefined;
  if (qr) rows.push(html`<dt>${m.qr}</dt><dd><a href="${qr}" rel="noopener noreferrer">${m.qr}</a></dd>`);
  return rows.length ? html`${rows}` : '';
}

function refundsSection(chrome: Chrome, v: PaymentPageView): SafeHtml {
  const { locale } = chrome;
  const m = chrome.t.payments;
  const p = v.payment;
  const here = paymentPath(v.projectId, p.id);
  const table = v.refunds.length
    ? html`<table class="records"><caption class="visually-hidden">${m.refundsTitle}</caption>
<thead><tr><th scope="col">${m.date}</th><th scope="col" class="num">${m.amount}</th><th scope="col">${m.channel}</th><th scope="col">${m.status}</th><th scope="col">${m.reason}</th><th scope="col">${m.by}</th></tr></thead>
<tbody>${v.refunds.map((r) => {
        const tone = r.status === 'succeeded' ? 'info' : r.status === 'failed' ? 'bad' : 'warn';
        const icon = r.status === 'succeeded' ? 'undo' : r.status === 'failed' ? 'cross' : 'clock';
        const retry =
          v.canRefund && r.status === 'pending' && r.channel === 'midtrans'
            ? html`<form method="post" action="${here}/refunds/${encodeURIComponent(r.id)}/retry">${formSecrets(v.csrf, v.actionId())}<button type="submit" class="button secondary small" aria-label="${m.retryFor(formatMoney(r.amount, p.currency, locale))}">${m.retry}</button></form>`
            : '';
        return html`<tr>
<td data-label="${m.date}">${date(r.created_at, locale, true, v.timeZone)}</td>
<td data-label="${m.amount}" class="num">${money(r.amount, p.currency, locale)}</td>
<td data-label="${m.channel}">${m.channels[r.channel] ?? r.channel}</td>
<td data-label="${m.status}">${badge(tone, icon, m.refundStatuses[r.status] ?? r.status)}${r.failure_reason ? html`<br><span class="muted">${r.failure_reason}</span>` : ''}${retry}</td>
<td data-label="${m.reason}">${r.reason || html`<span class="muted">—</span>`}${r.note ? html`<br><span class="muted">${m.note}: ${r.note}</span>` : ''}</td>
<td data-label="${m.by}">${r.created_by ? (v.people.get(r.created_by) ?? '') : m.sources.gateway}</td>
</tr>`;
      })}</tbody></table>`
    : html`<p>${m.noRefunds}</p>`;
  return html`<section class="card" aria-labelledby="refunds-title">
<h2 id="refunds-title">${m.refundsTitle}</h2>
${table}
${refundForms(chrome, v)}
</section>`;
}

function refundForms(chrome: Chrome, v: PaymentPageView): SafeHtml {
  const { locale } = chrome;
  const m = chrome.t.payments;
  const p = v.payment;
  const here = paymentPath(v.projectId, p.id);
  if (p.status === 'refunded') return html`<p class="note">${m.nothingLeft}</p>`;
  if (p.status !== 'paid') return html`<p class="note">${m.notRefundable}</p>`;
  if (!v.canRefund) return html`<p class="note">${m.readOnly}</p>`;
  if (v.remaining <= 0) return html``;
  const left = formatMoney(v.remaining, p.currency, locale);
  const errorsFor = (channel: 'midtrans' | 'outside') => (v.form.channel === channel ? v.errors : {});
  const amountField = (channel: 'midtrans' | 'outside') =>
    field({
      name: `${channel}-amount`,
      label: m.refundAmount,
      hint: m.refundAmountHint,
      error: errorsFor(channel).amount,
      control: (a) => html`<input type="text" inputmode="numeric" ${a} value="${v.form.channel === channel && v.form.amount ? v.form.amount : String(v.remaining)}" required autocomplete="off">`,
    });
  const secrets = (channel: 'midtrans' | 'outside') =>
    html`${formSecrets(v.csrf, v.actionId())}<input type="hidden" name="refund_key" value="${v.refundKey}"><input type="hidden" name="channel" value="${channel}">`;
  const reasonField = (channel: 'midtrans' | 'outside') =>
    field({
      name: `${channel}-reason`,
      label: m.refundReason,
      hint: m.refundReasonHint,
      error: errorsFor(channel).reason,
      control: (a) => html`<input type="text" ${a} value="${v.form.channel === channel ? v.form.reason : ''}" maxlength="255">`,
    });
  const outside = html`<form method="post" action="${here}/refund" novalidate class="refund-form">
<h3>${m.outsideTitle}</h3>
<p>${v.gatewayCanRefund ? m.outsideLeadAny : m.outsideLead(m.methods[p.payment_method ?? ''] ?? p.payment_method ?? '')}</p>
${secrets('outside')}
${amountField('outside')}
${field({
  name: 'outside-note',
  label: m.outsideNote,
  hint: m.outsideNoteHint,
  error: errorsFor('outside').note,
  control: (a) => html`<textarea ${a} rows="2" maxlength="1000" required>${v.form.channel === 'outside' ? v.form.note : ''}</textarea>`,
})}
${reasonField('outside')}
<p class="hint">${m.confirmRefund}</p>
<button type="submit" class="button${v.gatewayCanRefund ? ' secondary' : ''}">${m.recordOutside}</button>
</form>`;
  const throughMidtrans = v.gatewayCanRefund
    ? html`<form method="post" action="${here}/refund" novalidate class="refund-form">
<h3>${m.refundThroughMidtrans}</h3>
${secrets('midtrans')}
${amountField('midtrans')}
${reasonField('midtrans')}
<p class="hint">${m.confirmRefund}</p>
<button type="submit" class="button danger">${m.refundThroughMidtrans}</button>
</form>`
    : '';
  return html`<h3 class="visually-hidden">${m.refundTitle}</h3>
<p>${m.refundLead(left)}</p>
${v.errors.form ? html`<p class="error-text" role="alert">${v.errors.form}</p>` : ''}
<div class="grid-2">${throughMidtrans}${outside}</div>`;
}
