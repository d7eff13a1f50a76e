import type { Locale, Payment } from '../db/types.ts';
import { paymentBadgeStatus, type PaymentBadgeStatus } from '../modules/payments/display-status.ts';
import type { DisplayStatus } from '../modules/subscriptions/display-status.ts';
import { badge, type BadgeTone, type Icon } from './components.ts';
import type { SafeHtml } from './html.ts';

/**
 * How a payment's or a subscription's status looks and reads wherever it is shown (the
 * portal, the dashboard's payments and customers): tone, icon and word per status, in each
 * language, so an integrator and their customer see one state alike. The statuses
 * (`paid`, `refund_due`, …) are `modules/payments/display-status.ts`'s and
 * `modules/subscriptions/display-status.ts`'s.
 */
export const PAYMENT_STATUS_WORDS: Record<Locale, Record<PaymentBadgeStatus, string>> = {
  en: { pending: 'Pending', paid: 'Paid', failed: 'Failed', canceled: 'Canceled', expired: 'Expired', refunded: 'Refunded', partially_refunded: 'Partly refunded', refund_due: 'Paid · refund due' },
  id: { pending: 'Menunggu', paid: 'Lunas', failed: 'Gagal', canceled: 'Dibatalkan', expired: 'Kedaluwarsa', refunded: 'Dikembalikan', partially_refunded: 'Dikembalikan sebagian', refund_due: 'Lunas · akan dikembalikan' },
};

export const SUBSCRIPTION_STATUS_WORDS: Record<Locale, Record<DisplayStatus, string>> = {
  en: { active: 'Active', pending_payment: 'Pending payment', past_due: 'Past due', canceled: 'Canceled', cancel_scheduled: 'Scheduled to cancel', downgrade_scheduled: 'Scheduled downgrade', incomplete: 'Not active yet', none: 'No plan' },
  id: { active: 'Aktif', pending_payment: 'Menunggu pembayaran', past_due: 'Lewat jatuh tempo', canceled: 'Dibatalkan', cancel_scheduled: 'Akan berhenti', downgrade_scheduled: 'Penurunan terjadwal', incomplete: 'Belum aktif', none: 'Tanpa paket' },
};

/** A payment's badge in `locale`: what its status, refunds and refund flag make it read. */
export function paymentBadge(p: Pick<Payment, 'status' | 'gateway_status' | 'failure_reason' | 'refund_due_reason' | 'refunded_amount'>, locale: Locale): SafeHtml {
  const status = paymentBadgeStatus(p);
  return paymentStatusBadge(status, PAYMENT_STATUS_WORDS[locale][status]);
}
const LOOKS: Record<string, [BadgeTone, Icon]> = {
  paid: ['ok', 'check'],
  pending: ['warn', 'clock'],
  failed: ['bad', 'cross'],
  canceled: ['neutral', 'cross'],
  expired: ['neutral', 'hourglass'],
  refunded: ['info', 'undo'],
  partially_refunded: ['info', 'undo'],
  refund_due: ['warn', 'undo'],
};

export function paymentStatusBadge(status: string, text: string): SafeHtml {
  const [tone, icon] = LOOKS[status] ?? ['neutral', 'dot'];
  return badge(tone, icon, text);
}

const SUBSCRIPTION_LOOKS: Record<string, [BadgeTone, Icon]> = {
  active: ['ok', 'check'],
  pending_payment: ['warn', 'clock'],
  past_due: ['bad', 'cross'],
  canceled: ['neutral', 'pause'],
  cancel_scheduled: ['warn', 'calendar'],
  downgrade_scheduled: ['info', 'calendar'],
};

export function subscriptionStatusBadge(status: string, text: string): SafeHtml {
  const [tone, icon] = SUBSCRIPTION_LOOKS[status] ?? ['neutral', 'dot'];
  return badge(tone, icon, text);
}
