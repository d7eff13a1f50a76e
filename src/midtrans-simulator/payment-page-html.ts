import type { Transaction } from './types.ts';

/** Server-rendered pages of the simulated Snap payment page: no scripts, no external resources. */

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** `150000` → `Rp 150.000`, `-50000` → `-Rp 50.000` (Indonesian grouping). */
export function formatIdr(amount: number): string {
  const grouped = String(Math.abs(amount)).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${amount < 0 ? '-' : ''}Rp ${grouped}`;
}

export const methodChoices = [
  { value: 'credit_card', label: 'Credit card (test card 4811 1111 1111 1114)' },
  { value: 'bank_transfer:bca', label: 'BCA Virtual Account' },
  { value: 'bank_transfer:bni', label: 'BNI Virtual Account' },
  { value: 'bank_transfer:bri', label: 'BRI Virtual Account' },
  { value: 'qris', label: 'QRIS' },
  { value: 'gopay', label: 'GoPay' },
] as const;

export const firstVisitOutcomes = [
  { value: 'pay', label: 'Pay' },
  { value: 'pending', label: 'Leave pending' },
  { value: 'deny', label: 'Deny' },
  { value: 'expire', label: 'Expire' },
  { value: 'cancel', label: 'Cancel' },
] as const;

export const pendingOutcomes = [
  { value: 'settle', label: 'Settle' },
  { value: 'expire', label: 'Expire' },
] as const;

const styles = `
body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border-bottom:1px solid #ddd;padding:.4rem;text-align:left}
td.amount,th.amount{text-align:right}fieldset{margin:1rem 0}label{display:block;margin:.3rem 0}
button{margin:.3rem .3rem 0 0;padding:.5rem 1rem}.notice{background:#fff3cd;padding:.5rem}`;

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${styles}</style></head>
<body><main>
${body}
</main></body>
</html>`;
}

function orderSummary(merchantName: string, transaction: Transaction): string {
  const rows = transaction.items.map((item) => `<tr><td>${escapeHtml(item.name)}</td><td class="amount">${item.quantity}</td>` +
    `<td class="amount">${escapeHtml(formatIdr(item.price))}</td><td class="amount">${escapeHtml(formatIdr(item.price * item.quantity))}</td></tr>`);
  const items = rows.length === 0 ? '' : `<table>
<caption>Items</caption>
<thead><tr><th scope="col">Item</th><th scope="col" class="amount">Qty</th><th scope="col" class="amount">Price</th><th scope="col" class="amount">Subtotal</th></tr></thead>
<tbody>${rows.join('\n')}</tbody>
</table>`;
  return `<h1>${escapeHtml(merchantName)}</h1>
<p>Midtrans simulator — no real money moves.</p>
<dl>
<dt>Order ID</dt><dd id="order-id">${escapeHtml(transaction.orderId)}</dd>
<dt>Amount</dt><dd id="amount">${escapeHtml(formatIdr(transaction.grossAmount))}</dd>
</dl>
${items}`;
}

function outcomeButtons(outcomes: ReadonlyArray<{ value: string; label: string }>): string {
  return outcomes.map((outcome) => `<button type="submit" name="outcome" value="${outcome.value}">${escapeHtml(outcome.label)}</button>`).join('\n');
}

export interface PageView {
  merchantName: string;
  transaction: Transaction;
  formAction: string;
  notice?: string;
}

function notice(view: PageView): string {
  return view.notice ? `<p class="notice" role="alert">${escapeHtml(view.notice)}</p>` : '';
}

/** First visit: choose a method and an outcome. */
export function renderChooseMethodPage(view: PageView): string {
  const defaultMethod = view.transaction.saveCard ? 'credit_card' : 'bank_transfer:bca';
  const radios = methodChoices.map((choice, index) => {
    const id = `method-${index}`;
    const checked = choice.value === defaultMethod ? ' checked' : '';
    return `<label for="${id}"><input type="radio" id="${id}" name="payment_method" value="${choice.value}"${checked}> ${escapeHtml(choice.label)}</label>`;
  });
  return layout(`Pay ${view.transaction.orderId}`, `${orderSummary(view.merchantName, view.transaction)}
${notice(view)}
<form method="post" action="${escapeHtml(view.formAction)}" aria-label="Simulated payment">
<fieldset><legend>Payment method</legend>
${radios.join('\n')}
</fieldset>
${outcomeButtons(firstVisitOutcomes)}
</form>`);
}

function paymentDetails(transaction: Transaction): string {
  const payment = transaction.payment;
  if (!payment) return '';
  const lines = [`<dt>Payment method</dt><dd id="payment-method">${escapeHtml(payment.method)}</dd>`,
    `<dt>Status</dt><dd id="transaction-status">${escapeHtml(payment.current.transactionStatus)}</dd>`];
  if (payment.va) lines.push(`<dt>${escapeHtml(payment.va.bank.toUpperCase())} virtual account</dt><dd id="va-number">${escapeHtml(payment.va.number)}</dd>`);
  if (payment.card) lines.push(`<dt>Card</dt><dd>${escapeHtml(payment.card.maskedCard)}</dd>`);
  return `<dl>${lines.join('\n')}</dl>`;
}

/** A pending payment: the customer (or a test) settles or expires it. */
export function renderPendingPage(view: PageView): string {
  return layout(`Waiting for payment ${view.transaction.orderId}`, `${orderSummary(view.merchantName, view.transaction)}
${notice(view)}
<h2>Waiting for payment</h2>
${paymentDetails(view.transaction)}
<form method="post" action="${escapeHtml(view.formAction)}" aria-label="Complete pending payment">
${outcomeButtons(pendingOutcomes)}
</form>`);
}

/** Final (or card-captured) state, shown when there is no finish URL or nothing left to do. */
export function renderResultPage(merchantName: string, transaction: Transaction, statusCode: string): string {
  const finish = transaction.finishUrl ? `<p><a href="${escapeHtml(transaction.finishUrl)}">Back to ${escapeHtml(merchantName)}</a></p>` : '';
  return layout(`Payment ${transaction.orderId}`, `${orderSummary(merchantName, transaction)}
<h2>Payment result</h2>
${paymentDetails(transaction)}
<p>status_code <span id="status-code">${escapeHtml(statusCode)}</span></p>
${finish}`);
}

export function renderMessagePage(title: string, message: string): string {
  return layout(title, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(message)}</p>`);
}
