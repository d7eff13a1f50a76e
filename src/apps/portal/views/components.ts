import { ABANDONED } from '../../../modules/payments/abandon.ts';
import type { Locale, Payment, PaymentStatusColumn } from '../../../db/types.ts';
import { badge, money, type BadgeTone, type Icon } from '../../../web/components.ts';
import { html, type SafeHtml } from '../../../web/html.ts';
import type { Messages } from '../i18n/messages.ts';

/** The portal's own building blocks: status badges and prices in its words. */

/** What the customer is told about a payment: our status, except that one they canceled themselves is not a failure. */
export type PaymentDisplayStatus = PaymentStatusColumn | 'canceled';

/**
 * A payment closed because the customer canceled it on the gateway's page (Midtrans
 * `transaction_status: cancel`, kept in `gateway_status`) is `failed` in our vocabulary, but
 * calling it "Failed" would blame a choice on an error: it reads "Canceled".
 */
export function paymentDisplayStatus(p: Pick<Payment, 'status' | 'gateway_status' | 'failure_reason'>): PaymentDisplayStatus {
  // Canceled by the customer: on Midtrans' page, or from the portal ("Cancel this payment").
  if (p.status === 'failed' && p.gateway_status === 'cancel') return 'canceled';
  if (p.status === 'expired' && p.failure_reason === ABANDONED) return 'canceled';
  return p.status;
}

const PAYMENT_BADGES: Record<PaymentDisplayStatus, [BadgeTone, Icon]> = {
  paid: ['ok', 'check'],
  pending: ['warn', 'clock'],
  failed: ['bad', 'cross'],
  canceled: ['neutral', 'cross'],
  expired: ['neutral', 'hourglass'],
  refunded: ['info', 'undo'],
};

/** A payment's status badge; a settlement that bought nothing says so ("Paid · refund due"). */
export function paymentBadge(p: Pick<Payment, 'status' | 'gateway_status' | 'failure_reason' | 'refund_due_reason'>, t: Messages): SafeHtml {
  if (p.status === 'paid' && p.refund_due_reason) return badge('warn', 'undo', t.paidRefundDue);
  const status = paymentDisplayStatus(p);
  const [tone, icon] = PAYMENT_BADGES[status];
  return badge(tone, icon, t.paymentStatus[status] ?? status);
}

export type DisplayStatus = 'active' | 'pending_payment' | 'past_due' | 'canceled' | 'cancel_scheduled' | 'downgrade_scheduled' | 'incomplete' | 'none';

const STATUS_BADGES: Record<DisplayStatus, [BadgeTone, Icon]> = {
  active: ['ok', 'check'],
  pending_payment: ['warn', 'clock'],
  past_due: ['bad', 'cross'],
  canceled: ['neutral', 'pause'],
  cancel_scheduled: ['warn', 'calendar'],
  downgrade_scheduled: ['info', 'calendar'],
  incomplete: ['neutral', 'dot'],
  none: ['neutral', 'dot'],
};

/** A subscription's badge; `label` words it more exactly ("Ends on 5 Jan 2027" for a scheduled cancel). */
export function statusBadge(status: DisplayStatus, t: Messages, label?: string): SafeHtml {
  const [tone, icon] = STATUS_BADGES[status];
  return badge(tone, icon, label ?? t.subscriptionStatus[status] ?? status);
}

export function price(amount: number, currency: string, interval: 'month' | 'year', locale: Locale, t: Messages): SafeHtml {
  if (amount === 0) return html`${t.noCharge}`;
  return html`${money(amount, currency, locale)} / ${t.interval[interval] ?? interval}`;
}
