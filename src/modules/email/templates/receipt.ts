import { PAYMENT_METHOD_NAMES } from '../../payments/method-names.ts';
import { formatDate, formatDateTime, formatMoney } from '../../../web/format.ts';
import { renderMessage, type PaymentEmailBase, type RenderedEmail } from './layout.ts';
import { emailMessages } from './messages.ts';

export interface ReceiptData extends PaymentEmailBase {
  method: string | null;
  paidAt: Date;
  periodStart: Date | null;
  periodEnd: Date | null;
  orderId: string;
  /** "View in billing": a sign-in link that opens this payment, and until when it works. */
  view?: { url: string; until: Date };
}

/** "Payment received": amount, plan, period, when, how, and the order id to quote. */
export function renderReceipt(d: ReceiptData): RenderedEmail {
  const m = emailMessages[d.locale].receipt;
  const amount = formatMoney(d.amount, d.currency, d.locale);
  const rows: Array<[string, string]> = [
    [m.amount, amount],
    [m.plan, d.planName],
    ...(d.periodStart && d.periodEnd
      ? [[m.period, `${formatDate(d.periodStart, d.locale, d.timeZone)} – ${formatDate(d.periodEnd, d.locale, d.timeZone)}`] as [string, string]]
      : []),
    [m.paidAt, formatDateTime(d.paidAt, d.locale, d.timeZone)],
    ...(d.method ? [[m.method, PAYMENT_METHOD_NAMES[d.locale][d.method] ?? d.method] as [string, string]] : []),
    [m.reference, d.orderId],
  ];
  return renderMessage(d, {
    subject: m.subject(d.planName, amount),
    heading: m.heading,
    lead: [m.intro(amount, d.projectName)],
    rows,
    ...(d.view && { link: { label: m.view, href: d.view.url } }),
    after: [...(d.view ? [m.viewNote(formatDateTime(d.view.until, d.locale, d.timeZone))] : []), m.keep],
  });
}
