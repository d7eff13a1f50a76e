import type { PaymentMethod, Refund, StatusSnapshot, Transaction } from './types.ts';

/**
 * `POST /v2/{id}/refund` as Midtrans answers it (protocol reference, "Core API"): only a
 * settled transaction (or one already partly refunded), only the methods the refund API
 * supports, several partial refunds while their sum stays within the gross amount, and
 * `refund_key` as the merchant's idempotency key — the same key again is the same refund.
 */

/** Of the simulator's methods, those Midtrans' refund API accepts; bank transfers (VA) are refunded outside Midtrans. */
const refundableMethods: readonly PaymentMethod[] = ['credit_card', 'gopay', 'qris'];

const refundKeyPattern = /^[A-Za-z0-9_-]{1,100}$/;

export interface RefundRequest {
  key?: string;
  amount?: number;
  reason: string;
}

export interface RefundRefusal {
  ok: false;
  httpStatus: number;
  body: { status_code: string; status_message: string; validation_messages?: string[] };
}
export type RefundDecision = { ok: true; refund: Refund; repeated: boolean } | RefundRefusal;

const invalid = (message: string): RefundRefusal => ({
  ok: false,
  httpStatus: 400,
  body: { status_code: '400', status_message: 'One or more parameters in the payload is invalid.', validation_messages: [message] },
});
const cannotModify = (message = 'Merchant cannot modify the status of the transaction'): RefundRefusal => ({
  ok: false,
  httpStatus: 412,
  body: { status_code: '412', status_message: message },
});

/** Reads the request body: `refund_key` (optional), `amount` (optional: the rest), `reason` (optional). */
export function parseRefundRequest(body: unknown): { ok: true; request: RefundRequest } | { ok: false; refusal: RefundRefusal } {
  if (body === undefined || body === null || body === '') return { ok: true, request: { reason: '' } };
  if (typeof body !== 'object' || Array.isArray(body)) return { ok: false, refusal: invalid('body must be a JSON object') };
  const { refund_key: key, amount, reason } = body as Record<string, unknown>;
  const request: RefundRequest = { reason: '' };
  if (key !== undefined) {
    if (typeof key !== 'string' || !refundKeyPattern.test(key)) return { ok: false, refusal: invalid('refund_key may contain only letters, digits, - and _') };
    request.key = key;
  }
  if (amount !== undefined) {
    if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0) return { ok: false, refusal: invalid('amount must be a positive integer') };
    request.amount = amount;
  }
  if (reason !== undefined) {
    if (typeof reason !== 'string' || reason.length > 255) return { ok: false, refusal: invalid('reason must be a string of at most 255 characters') };
    request.reason = reason;
  }
  return { ok: true, request };
}

let nextChargebackId = 1;

/**
 * Decides a refund and, when it is a new one, records it and moves the transaction to
 * `refund` (all of it given back) or `partial_refund`. The caller notifies the merchant.
 */
export function applyRefund(transaction: Transaction, request: RefundRequest, now: Date): RefundDecision {
  const payment = transaction.payment;
  if (!payment) return { ok: false, httpStatus: 404, body: { status_code: '404', status_message: "Transaction doesn't exist." } };
  const earlier = request.key === undefined ? undefined : payment.refunds.find((refund) => refund.key === request.key);
  if (earlier) return { ok: true, refund: earlier, repeated: true };
  if (!refundableMethods.includes(payment.method)) return cannotModify(`Payment type ${payment.method} cannot be refunded through this API`);
  const status = payment.current.transactionStatus;
  if (status !== 'settlement' && status !== 'partial_refund') return cannotModify();
  const refunded = payment.refunds.reduce((sum, refund) => sum + refund.amount, 0);
  const left = transaction.grossAmount - refunded;
  const amount = request.amount ?? left;
  if (amount > left) return cannotModify(`Refund amount ${amount} is greater than the amount left to refund (${left})`);

  const refund: Refund = {
    chargebackId: nextChargebackId++,
    key: request.key ?? `refund-${transaction.orderId}-${payment.refunds.length + 1}`,
    amount,
    reason: request.reason,
    at: now,
  };
  payment.refunds.push(refund);
  const snapshot: StatusSnapshot = {
    transactionStatus: amount === left ? 'refund' : 'partial_refund',
    fraudStatus: payment.current.fraudStatus,
    at: now,
  };
  const settled = payment.history.find((s) => s.settlementTime)?.settlementTime;
  if (settled) snapshot.settlementTime = settled;
  payment.current = snapshot;
  payment.history.push(snapshot);
  return { ok: true, refund, repeated: false };
}
