import { isDeepStrictEqual } from 'node:util';
import type { Deps } from '../../deps.ts';
import type { Payment } from '../../db/types.ts';
import { isForwardTransition, type TransactionState } from '../../payments/gateway.ts';
import { queuePaymentFailed, queuePaymentInstructions, queuePaymentReceipt } from '../email/payment-emails.ts';
import { queuePlanChanged } from '../email/subscription-emails.ts';
import { recordEvent } from '../events/events.repository.ts';
import { applyPaidPayment, reasonNotToApply } from '../subscriptions/apply-payment.ts';
import { lockSubscription, rememberSavedCard } from '../subscriptions/subscriptions.repository.ts';
import { createPendingPayment, flagRefundDue, termsOf } from './payment-records.ts';
import { reconcileGatewayRefunds } from './reconcile-refunds.ts';
import * as repo from './payments.repository.ts';

export type RecordOutcome = 'applied' | 'unchanged' | 'unknown_order' | 'mismatch';

const EVENT_OF_STATUS = { paid: 'payment.succeeded', failed: 'payment.failed', expired: 'payment.expired', refunded: 'payment.refunded', pending: 'payment.pending' } as const;

/**
 * Moves a payment forward to what the gateway confirmed, in one transaction with its
 * consequences. Locks are taken subscription first, then payment (the order every writer
 * uses). The transition must go forward (paid stays paid, a late `pending` never reopens a
 * settled or expired payment), and the amount and currency must be what we asked for.
 *
 * A payment that becomes paid is applied in the same commit — exactly once — if what it
 * bought still fits (`reasonNotToApply`). If it does not — it settled after we had expired,
 * superseded or failed it, or its priced period is over — it is recorded as paid, applies
 * nothing, and is flagged for refund (`payment.refund_due`). A failed renewal is replaced by
 * a fresh payment while the grace period lasts, so the customer always has a way to pay.
 * An applied payment queues its receipt email in the same commit (and, when it changed the
 * plan, the plan-changed email); a pending one that gets its bank transfer (or bill, store,
 * QR) details queues the email saying how to pay; a failed or expired one, the email saying
 * so and what happens next (payment-emails.ts says when not). A `refund` / `partial_refund`
 * completes our refunds it reports, or records the ones made at the gateway without us
 * (`reconcile-refunds.ts`); the payment's status follows its refunded amount.
 */
export async function recordGatewayState(deps: Deps, reported: TransactionState): Promise<{ outcome: RecordOutcome; payment?: Payment }> {
  const now = deps.clock.now();
  let state = reported;
  return deps.db.transaction().execute(async (trx) => {
    const known = await repo.findPaymentByOrderId(trx, state.orderId);
    if (!known) return { outcome: 'unknown_order' as const };
    const sub = await lockSubscription(trx, known.subscription_id);
    const payment = await repo.lockPaymentByOrderId(trx, state.orderId);
    if (!payment || !sub) return { outcome: 'unknown_order' as const };
    if (state.grossAmount !== payment.amount || state.currency !== payment.currency) {
      return { outcome: 'mismatch' as const, payment };
    }
    if (state.refunds && (payment.status === 'paid' || payment.status === 'refunded')) {
      // Money given back: our refunds are brought in line with the gateway's (each counted once).
      const after = await reconcileGatewayRefunds(trx, deps.logger, payment, state.refunds, state.gatewayStatus, now);
      return after ? { outcome: 'applied' as const, payment: after } : { outcome: 'unchanged' as const, payment };
    }
    // A refund reported for a payment we never saw settle: the settlement is recorded first
    // (below, as any settlement), then the refunds.
    if (state.refunds) state = { ...state, status: 'paid' };
    const method = state.paymentType;
    const instructions = state.instructions;
    if (!isForwardTransition(payment.status, state.status)) {
      // Same status: keep details we did not have (a pending VA gets its method and number).
      const newMethod = method && payment.payment_method !== method;
      const newInstructions = instructions && !isDeepStrictEqual(instructions, payment.payment_instructions);
      if (payment.status === state.status && (newMethod || newInstructions)) {
        const updated = await repo.updatePaymentProgress(
          trx,
          payment.id,
          { status: payment.status, paymentMethod: method ?? payment.payment_method, gatewayStatus: state.gatewayStatus, ...(newInstructions && { instructions }) },
          now,
        );
        // Now the customer can pay outside the payment page: tell them how (once per payment).
        if (newInstructions && payment.status === 'pending') await queuePaymentInstructions(trx, deps, payment.id, now);
        return { outcome: 'unchanged' as const, payment: updated };
      }
      return { outcome: 'unchanged' as const, payment };
    }
    const paidAt = state.status === 'paid' ? (state.paidAt ?? now) : undefined;
    let updated = await repo.updatePaymentProgress(
      trx,
      payment.id,
      {
        status: state.status,
        gatewayStatus: state.gatewayStatus,
        gatewayTransactionId: state.transactionId ?? null,
        paymentMethod: method ?? payment.payment_method,
        ...(instructions && { instructions }),
        ...(paidAt && { paidAt }),
        ...(state.cardLast4 && { card: { brand: state.cardBrand ?? null, last4: state.cardLast4 } }),
      },
      now,
    );
    const refusal =
      state.status !== 'paid' || payment.status === 'refunded'
        ? undefined
        : payment.status !== 'pending'
          ? (payment.status === 'expired' ? 'settled_after_expiry' : 'settled_after_failure')
          : reasonNotToApply(updated, sub);
    if (refusal) {
      // Announced as `payment.refund_due` instead of `payment.succeeded`, so no integrator
      // grants anything for it.
      deps.logger.warn({ payment_id: payment.id, from: payment.status, reason: refusal }, 'settled payment not applied; flagged for refund');
      updated = await flagRefundDue(trx, updated, refusal, { gatewayStatus: state.gatewayStatus, method }, now);
    } else {
      await recordEvent(trx, {
        projectId: payment.project_id,
        type: EVENT_OF_STATUS[state.status],
        subjectId: payment.id,
        source: 'gateway',
        data: { order_id: payment.order_id, amount: payment.amount, currency: payment.currency, gateway_status: state.gatewayStatus, method },
        now,
      });
      if (state.status === 'paid' && payment.status !== 'refunded') {
        const after = await applyPaidPayment(trx, updated, sub, now);
        if (state.savedTokenId) await rememberSavedCard(trx, payment.subscription_id, state.savedTokenId, state.cardLast4);
        // Two emails, each its own news: the receipt is the money, plan_changed the new plan
        // and its recurring price (only after a paid plan: buying one from free is the receipt's).
        await queuePaymentReceipt(trx, deps, payment.id, now);
        await queuePlanChanged(trx, deps, { before: sub, after, cause: payment.id, effectiveAt: now, paid: true, now });
      }
    }
    // A renewal refused during grace is replaced at once, so the customer can still pay.
    const replacement =
      state.status === 'failed' && payment.purpose === 'renewal' && sub.status === 'past_due' && sub.grace_ends_at && sub.grace_ends_at > now
        ? await createPendingPayment(trx, { ...termsOf(payment), source: 'scheduler', checkout: 'due', now })
        : undefined;
    if (!refusal && (state.status === 'failed' || state.status === 'expired')) await queuePaymentFailed(trx, deps, updated, sub, now, replacement);
    if (state.refunds) updated = (await reconcileGatewayRefunds(trx, deps.logger, updated, state.refunds, state.gatewayStatus, now)) ?? updated;
    return { outcome: 'applied' as const, payment: updated };
  });
}
