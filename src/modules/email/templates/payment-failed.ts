import { formatDateTime, formatMoney } from '../../../web/format.ts';
import { PAYMENT_METHOD_NAMES } from '../../payments/method-names.ts';
import { renderMessage, type PaymentEmailBase, type RenderedEmail } from './layout.ts';
import { emailMessages } from './messages.ts';

export interface PaymentFailedData extends PaymentEmailBase {
  /** `failed`: refused or canceled at the gateway; `expired`: not completed before its deadline. */
  outcome: 'failed' | 'expired';
  method: string | null;
  orderId: string;
  /**
   * What happens next: a renewal leaves the subscription past due until the end of its grace
   * period, with "Pay now" onto the renewal that took the failed one's place; any other
   * payment changed nothing, and the plan the customer had (if any) goes on.
   */
  next: { pastDueUntil: Date; pay?: { url: string; until: Date } } | { currentPlan: string | null };
}

/** "Your payment did not go through" / "Your payment expired": what, how much, and what now. */
export function renderPaymentFailed(d: PaymentFailedData): RenderedEmail {
  const t = emailMessages[d.locale];
  const { common: c, paymentFailed: m } = t;
  const o = m[d.outcome];
  const amount = formatMoney(d.amount, d.currency, d.locale);
  const rows: Array<[string, string]> = [
    [c.amount, amount],
    [c.plan, d.planName],
    ...(d.method ? [[c.method, PAYMENT_METHOD_NAMES[d.locale][d.method] ?? d.method] as [string, string]] : []),
    [c.reference, d.orderId],
  ];
  let next: string[];
  let link: { label: string; href: string } | undefined;
  if ('pastDueUntil' in d.next) {
    const until = formatDateTime(d.next.pastDueUntil, d.locale, d.timeZone);
    const { pay } = d.next;
    rows.push([c.usableUntil, until]);
    next = [`${m.pastDue(d.planName)} ${c.stillUsable(until)}`, pay ? m.payRenewalLink(formatDateTime(pay.until, d.locale, d.timeZone)) : c.payRenewal(d.projectName)];
    if (pay) link = { label: c.payNow, href: pay.url };
  } else {
    next = [d.next.currentPlan ? m.unchanged(d.next.currentPlan) : m.nothingStarted, m.tryAgain(d.projectName)];
  }
  return renderMessage(d, { subject: o.subject(d.planName, amount), heading: o.heading, lead: [o.intro(amount, d.planName, d.projectName)], rows, ...(link && { link }), after: next });
}
