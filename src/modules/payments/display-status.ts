import type { Payment, PaymentStatusColumn } from '../../db/types.ts';
import { ABANDONED } from './payment-records.ts';

/**
 * What a payment's status reads as, to a customer (portal, email) and to the integrator
 * (dashboard) alike — one rule, so both say the same word for the same payment.
 */

/** Our status, except that a payment the customer canceled themselves is not a failure. */
export type PaymentDisplayStatus = PaymentStatusColumn | 'canceled';

/** The badge a payment wears: its display status, or what its refunds and refund flag add. */
export type PaymentBadgeStatus = PaymentDisplayStatus | 'partially_refunded' | 'refund_due';

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

/**
 * Paid and partly given back reads "Partly refunded" (the amount is shown beside it); a
 * settlement that bought nothing and is not yet refunded in full, "Paid · refund due".
 */
export function paymentBadgeStatus(p: Pick<Payment, 'status' | 'gateway_status' | 'failure_reason' | 'refund_due_reason' | 'refunded_amount'>): PaymentBadgeStatus {
  if (p.status === 'paid' && p.refund_due_reason) return 'refund_due';
  if (p.status === 'paid' && p.refunded_amount > 0) return 'partially_refunded';
  return paymentDisplayStatus(p);
}
