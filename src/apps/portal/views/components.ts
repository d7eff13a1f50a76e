import type { Locale, Payment, PaymentStatusColumn } from '../../../db/types.ts';
import { badge, money, type BadgeTone, type Icon } from '../../../web/components.ts';
import { html, type SafeHtml } from '../../../web/html.ts';
import type { Messages } from '../i18n/messages.ts';

/** The portal's own building blocks: status badges and prices in its words. */

const PAYMENT_BADGES: Record<PaymentStatusColumn, [BadgeTone, Icon]> = {
  paid: ['ok', 'check'],
  pending: ['warn', 'clock'],
  failed: ['bad', 'cross'],
  expired: ['neutral', 'hourglass'],
  refunded: ['info', 'undo'],
};

/** A payment's status badge; a settlement that bought nothing says so ("Paid · refund due"). */
export function paymentBadge(p: Pick<Payment, 'status' | 'refund_due_reason'>, t: Messages): SafeHtml {
  if (p.status === 'paid' && p.refund_due_reason) return badge('warn', 'undo', t.paidRefundDue);
  const [tone, icon] = PAYMENT_BADGES[p.status];
  return badge(tone, icon, t.paymentStatus[p.status] ?? p.status);
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

export function statusBadge(status: DisplayStatus, t: Messages): SafeHtml {
  const [tone, icon] = STATUS_BADGES[status];
  return badge(tone, icon, t.subscriptionStatus[status] ?? status);
}

export function price(amount: number, currency: string, interval: 'month' | 'year', locale: Locale, t: Messages): SafeHtml {
  if (amount === 0) return html`${t.noCharge}`;
  return html`${money(amount, currency, locale)} / ${t.interval[interval] ?? interval}`;
}
