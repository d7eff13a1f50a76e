import { PAYMENT_METHOD_NAMES } from '../../payments/method-names.ts';
import { resolveTheme } from '../../../theme/resolve.ts';
import { formatDate, formatDateTime, formatMoney } from '../../../web/format.ts';
import { html } from '../../../web/html.ts';
import { detailRows, renderEmail, type PaymentEmailBase, type RenderedEmail } from './layout.ts';
import { emailMessages } from './messages.ts';

export interface ReceiptData extends PaymentEmailBase {
  method: string | null;
  paidAt: Date;
  periodStart: Date | null;
  periodEnd: Date | null;
  orderId: string;
}

/** "Payment received": amount, plan, period, when, how, and the order id to quote. */
export function renderReceipt(d: ReceiptData): RenderedEmail {
  const t = emailMessages[d.locale];
  const amount = formatMoney(d.amount, d.currency, d.locale);
  const v = resolveTheme(d.theme, 'light').vars;
  const rows: Array<[string, string]> = [
    [t.receipt.amount, amount],
    [t.receipt.plan, d.planName],
    ...(d.periodStart && d.periodEnd
      ? [[t.receipt.period, `${formatDate(d.periodStart, d.locale, d.timeZone)} – ${formatDate(d.periodEnd, d.locale, d.timeZone)}`] as [string, string]]
      : []),
    [t.receipt.paidAt, formatDateTime(d.paidAt, d.locale, d.timeZone)],
    ...(d.method ? [[t.receipt.method, PAYMENT_METHOD_NAMES[d.locale][d.method] ?? d.method] as [string, string]] : []),
    [t.receipt.reference, d.orderId],
  ];
  const details = detailRows(rows, { muted: v['--muted']!, border: v['--border']! });
  const greeting = t.greeting(d.customerName);
  const intro = t.receipt.intro(amount, d.projectName);
  return renderEmail({
    locale: d.locale,
    projectName: d.projectName,
    theme: d.theme,
    subject: t.receipt.subject(d.planName, amount),
    heading: t.receipt.heading,
    body: html`<p style="margin:0 0 12px;">${greeting}</p><p style="margin:0 0 12px;">${intro}</p>${details.html}<p style="margin:0;">${t.receipt.keep}</p>`,
    text: [greeting, '', intro, '', ...details.text, '', t.receipt.keep],
  });
}
