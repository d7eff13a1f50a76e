import type { Deps } from '../../deps.ts';
import type { Payment } from '../../db/types.ts';
import { AppError } from '../../lib/errors.ts';
import { GatewayError, type TransactionState } from '../../payments/gateway.ts';
import { ABANDONED } from './payment-records.ts';
import * as repo from './payments.repository.ts';
import { recordGatewayState } from './payments.service.ts';
import { findSubscriptionOfEndUser } from '../subscriptions/subscriptions.repository.ts';

export { ABANDONED };

export type AbandonOutcome =
  /** Closed at the gateway (or never started there) and marked expired. */
  | 'abandoned'
  /** The gateway says it was paid: applied as paid instead; nothing abandoned. */
  | 'paid'
  /** Already closed (paid, failed, expired or refunded) before we were asked. */
  | 'closed';

/**
 * The customer walks away from a payment they started and did not pay (a plan change), so
 * it no longer blocks another change. The gateway decides first: a payment it knows is
 * expired there before we mark it, so it cannot be paid after we said it was abandoned; if
 * the gateway says it is already paid, it is recorded as paid and nothing is abandoned. A
 * payment the gateway has never seen (the customer never chose a method on the Snap page)
 * is marked expired directly; should its page still be paid before the link lapses, the
 * settlement is recorded and flagged for refund (payments.service.ts), never applied.
 * A renewal is money owed, not a choice: it cannot be abandoned — once due. One opened ahead of
 * the period end (a renewal reminder's) can: the period end then opens a fresh one.
 */
export async function abandonPayment(deps: Deps, owner: { projectId: string; endUserId: string }, paymentId: string): Promise<{ outcome: AbandonOutcome; payment: Payment }> {
  const payment = await repo.findPaymentOfEndUser(deps.db, owner, { id: paymentId });
  if (!payment) throw new AppError('payment_not_found', `No payment ${paymentId}`);
  if (payment.status !== 'pending') return { outcome: 'closed', payment };
  if (payment.purpose === 'renewal' && (await findSubscriptionOfEndUser(deps.db, owner.projectId, owner.endUserId))?.status !== 'active') {
    throw new AppError('plan_change_not_allowed', 'A renewal payment keeps the subscription going; it cannot be abandoned', { reason: 'renewal_due' });
  }

  let state = await gatewayCall(() => deps.gateway.getStatus(payment.order_id));
  if (state && state.status !== 'pending') return settle(deps, state, payment, false);
  // From here on, an end is the customer's choice. It is noted on the payment before the
  // gateway hears of it, so whichever path records the close — our answer below, or
  // Midtrans' notification of our expire, which can reach the webhook first — knows it was
  // abandoned: no "payment failed" email. Taken back if the payment does not end so.
  if (!(await repo.notePendingReason(deps.db, payment.id, ABANDONED, deps.clock.now()))) {
    return { outcome: 'closed', payment: (await repo.findPaymentById(deps.db, payment.id)) ?? payment };
  }
  try {
    if (state) {
      try {
        state = await deps.gateway.expire(payment.order_id);
      } catch (err) {
        if (!(err instanceof GatewayError)) throw err;
        // Refused (it may have settled a moment ago) or unreachable: ask again, and decide on that.
        state = await gatewayCall(() => deps.gateway.getStatus(payment.order_id));
      }
      if (state && state.status !== 'pending') return await settle(deps, state, payment, true);
      if (state) throw new AppError('payment_gateway_unavailable', 'Midtrans did not close the payment; nothing was changed. Try again in a moment.');
    }
    return await settle(deps, { orderId: payment.order_id, status: 'expired', gatewayStatus: 'expire', grossAmount: payment.amount, currency: payment.currency }, payment, true);
  } catch (err) {
    await repo.forgetPendingReason(deps.db, payment.id, ABANDONED, deps.clock.now());
    throw err;
  }
}

/**
 * Records what the gateway says. `weClosedIt`: the state answers our own expire, so a
 * closed payment is the customer's abandonment even when the gateway's notification of
 * that expiry reached the webhook first and recorded it (outcome `unchanged`).
 */
async function settle(deps: Deps, state: TransactionState, payment: Payment, weClosedIt: boolean): Promise<{ outcome: AbandonOutcome; payment: Payment }> {
  const recorded = await recordGatewayState(deps, state);
  const after = recorded.payment ?? payment;
  if (after.status === 'paid' || after.status === 'refunded' || after.status === 'pending') {
    if (weClosedIt) await repo.forgetPendingReason(deps.db, after.id, ABANDONED, deps.clock.now());
    return { outcome: after.status === 'pending' ? 'closed' : 'paid', payment: after };
  }
  if (recorded.outcome !== 'applied' && !weClosedIt) return { outcome: 'closed', payment: after };
  const noted = await repo.updatePaymentProgress(deps.db, after.id, { status: after.status, failureReason: ABANDONED }, deps.clock.now());
  return { outcome: 'abandoned', payment: noted };
}

/** A gateway that cannot answer leaves the payment as it is, with a clear 503. */
async function gatewayCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof GatewayError && err.code === 'gateway_unavailable') {
      throw new AppError('payment_gateway_unavailable', 'Midtrans could not be reached; nothing was changed. Try again in a moment.');
    }
    throw err;
  }
}
