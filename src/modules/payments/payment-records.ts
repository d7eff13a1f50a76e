import type { Db } from '../../db/database.ts';
import type { EventSource, Payment, PaymentSource, RefundDueReason } from '../../db/types.ts';
import { newId } from '../../lib/ids.ts';
import type { CheckoutItem } from '../../payments/gateway.ts';
import { recordEvent } from '../events/events.repository.ts';
import * as repo from './payments.repository.ts';
import * as refunds from './refunds.repository.ts';
import type { PaymentRefund } from './refunds.repository.ts';

/**
 * The one place payments are created, closed, replaced, flagged and refunded — each together with
 * its event, in the caller's transaction (the outbox rule: a state change and its event
 * commit together). Plan changes, renewals, reconciliation and the webhook all go through
 * here, so no path can forget the event.
 */

/**
 * `failure_reason` of a payment the customer abandoned (`abandon.ts`): the portal labels it
 * "Canceled", and no "payment failed" email goes. Set on the pending payment before the
 * gateway is asked to close it, so whichever path records the close knows whose it was.
 */
export const ABANDONED = 'abandoned by the customer';

/** How long the caller that creates a payment holds the right to open its payment page. */
export const CHECKOUT_LEASE_MS = 60_000;
/** First check of a fresh payment by the reconciler, in case its notification never comes. */
const FIRST_RECONCILE_AFTER_MS = 5 * 60_000;

export interface PendingPaymentInput {
  projectId: string;
  subscriptionId: string;
  endUserId: string;
  purpose: Payment['purpose'];
  planId: string;
  description: string;
  amount: number;
  currency: string;
  items: CheckoutItem[];
  /** The period a renewal buys, or the period an upgrade was priced against. */
  periodStart: Date | null;
  periodEnd: Date | null;
  expiresAt: Date;
  source: PaymentSource;
  /** The gateway's name (`deps.gateway.name`). */
  gateway: string;
  /**
   * Who opens the payment page: `held` — the caller, right after commit (others wait for the
   * lease); `due` — whoever comes next (reconciler, portal); `none` — no page (a saved-card
   * charge owns this order id at the gateway).
   */
  checkout: 'held' | 'due' | 'none';
  now: Date;
}

export async function createPendingPayment(trx: Db, p: PendingPaymentInput): Promise<Payment> {
  const id = newId('pay');
  const retryAt = { held: new Date(p.now.getTime() + CHECKOUT_LEASE_MS), due: p.now, none: null }[p.checkout];
  const payment = await repo.insertPayment(trx, {
    id,
    order_id: id, // pay_ + base64url: within Midtrans' 50 characters and charset
    project_id: p.projectId,
    subscription_id: p.subscriptionId,
    end_user_id: p.endUserId,
    purpose: p.purpose,
    plan_id: p.planId,
    description: p.description,
    amount: p.amount,
    currency: p.currency,
    item_details: JSON.stringify(p.items),
    period_start: p.periodStart,
    period_end: p.periodEnd,
    status: 'pending',
    gateway: p.gateway,
    expires_at: p.expiresAt,
    next_check_at: new Date(p.now.getTime() + FIRST_RECONCILE_AFTER_MS),
    checkout_retry_at: retryAt,
    checkout_attempts: p.checkout === 'held' ? 1 : 0,
    source: p.source,
    created_at: p.now,
    updated_at: p.now,
  });
  await recordEvent(trx, {
    projectId: p.projectId,
    type: 'payment.created',
    subjectId: payment.id,
    source: p.source,
    data: { amount: payment.amount, currency: payment.currency, plan_id: payment.plan_id, purpose: payment.purpose },
    now: p.now,
  });
  return payment;
}

/**
 * Ends a pending payment on our side (`failed` or `expired`) with its event. Does nothing
 * and returns undefined when the payment is no longer pending (someone else moved it).
 */
export async function closePayment(
  trx: Db,
  payment: Payment,
  c: { status: 'failed' | 'expired'; reason: string; source: EventSource; now: Date },
): Promise<Payment | undefined> {
  const closed = await repo.closePendingPayment(trx, payment.id, c.status, c.reason, c.now);
  if (!closed) return undefined;
  await recordEvent(trx, {
    projectId: payment.project_id,
    type: c.status === 'failed' ? 'payment.failed' : 'payment.expired',
    subjectId: payment.id,
    source: c.source,
    data: { order_id: payment.order_id, amount: payment.amount, currency: payment.currency, reason: c.reason },
    now: c.now,
  });
  return closed;
}

/**
 * A pending payment whose order id can no longer be used (its page was lost, or the gateway
 * refused that order) is failed, and a new payment with the same terms and a fresh order id
 * takes its place, its page due at once.
 */
export async function replacePayment(trx: Db, old: Payment, c: { reason: string; source: EventSource; now: Date }): Promise<Payment | undefined> {
  if (old.status === 'pending' && !(await closePayment(trx, old, { status: 'failed', reason: c.reason, source: c.source, now: c.now }))) return undefined;
  return createPendingPayment(trx, { ...termsOf(old), source: old.source, checkout: 'due', now: c.now });
}

/** The terms of a payment (what it buys, for how much, until when), to make another like it. */
export function termsOf(p: Payment): Omit<PendingPaymentInput, 'checkout' | 'now' | 'source'> {
  return {
    projectId: p.project_id,
    subscriptionId: p.subscription_id,
    endUserId: p.end_user_id,
    purpose: p.purpose,
    planId: p.plan_id,
    description: p.description,
    amount: p.amount,
    currency: p.currency,
    items: p.item_details,
    periodStart: p.period_start,
    periodEnd: p.period_end,
    expiresAt: p.expires_at,
    gateway: p.gateway,
  };
}

/**
 * Money the gateway took that bought nothing: kept as paid (it was), never applied, and
 * announced with `payment.refund_due` so the integrator (and the dashboard's "Needs
 * attention") can give it back.
 */
export async function flagRefundDue(
  trx: Db,
  payment: Payment,
  reason: RefundDueReason,
  gateway: { gatewayStatus: string; method: string | undefined },
  now: Date,
): Promise<Payment> {
  const flagged = await repo.setRefundDue(trx, payment.id, reason, now);
  await recordEvent(trx, {
    projectId: payment.project_id,
    type: 'payment.refund_due',
    subjectId: payment.id,
    source: 'gateway',
    data: { order_id: payment.order_id, amount: payment.amount, currency: payment.currency, reason, gateway_status: gateway.gatewayStatus, method: gateway.method },
    now,
  });
  return flagged;
}

/**
 * Money given back on a paid payment — asked for by `refunds.ts`, or reported by the gateway
 * (`reconcile-refunds.ts`): the refund is marked succeeded, the payment's `refunded_amount`
 * grows (`refunded` once it is the whole amount), and `payment.refunded` is written with
 * the refund's facts. The caller holds the payment's row lock. Returns undefined when this
 * refund was already recorded (whoever got there first counted it; nobody counts it twice).
 */
export async function recordRefundSucceeded(
  trx: Db,
  payment: Payment,
  refund: PaymentRefund,
  c: { source: EventSource; gatewayStatus?: string; now: Date },
): Promise<Payment | undefined> {
  const done = await refunds.markRefundSucceeded(trx, refund.id, c.now);
  if (!done) return undefined;
  const updated = await refunds.addRefundedAmount(trx, payment.id, done.amount, c.gatewayStatus, c.now);
  await recordEvent(trx, {
    projectId: payment.project_id,
    type: 'payment.refunded',
    subjectId: payment.id,
    source: c.source,
    data: {
      order_id: payment.order_id,
      amount: payment.amount,
      currency: payment.currency,
      status: updated.status,
      refunded_amount: updated.refunded_amount,
      refund: { id: done.id, amount: done.amount, channel: done.channel, reason: done.reason },
      gateway_status: c.gatewayStatus,
      method: payment.payment_method,
    },
    now: c.now,
  });
  return updated;
}
