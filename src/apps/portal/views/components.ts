import type { Locale, Payment } from '../../../db/types.ts';
import { paymentBadgeStatus } from '../../../modules/payments/display-status.ts';
import type { DisplayStatus } from '../../../modules/subscriptions/display-status.ts';
import { money } from '../../../web/components.ts';
import { html, type SafeHtml } from '../../../web/html.ts';
import { paymentStatusBadge, subscriptionStatusBadge } from '../../../web/payment-badge.ts';
import type { Messages } from '../i18n/messages.ts';

/** The portal's own building blocks: status badges and prices in its words. */

export { paymentDisplayStatus, type PaymentDisplayStatus } from '../../../modules/payments/display-status.ts';

/**
 * A payment's status badge (the look shared with the dashboard, web/payment-badge.ts); a
 * settlement that bought nothing says so ("Paid · refund due"), a partial refund "Partly refunded".
 */
export function paymentBadge(p: Pick<Payment, 'status' | 'gateway_status' | 'failure_reason' | 'refund_due_reason' | 'refunded_amount'>, t: Messages): SafeHtml {
  const status = paymentBadgeStatus(p);
  return paymentStatusBadge(status, t.paymentStatus[status] ?? status);
}


/** A subscription's badge; `label` words it more exactly ("Ends on 5 Jan 2027" for a scheduled cancel). */
export function statusBadge(status: DisplayStatus, t: Messages, label?: string): SafeHtml {
  return subscriptionStatusBadge(status, label ?? t.subscriptionStatus[status] ?? status);
}

export function price(amount: number, currency: string, interval: 'month' | 'year', locale: Locale, t: Messages): SafeHtml {
  if (amount === 0) return html`${t.noCharge}`;
  return html`${money(amount, currency, locale)} / ${t.interval[interval] ?? interval}`;
}
