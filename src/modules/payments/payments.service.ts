import type { Deps } from '../../deps.ts';
import type { Payment } from '../../db/types.ts';
import { isForwardTransition, type TransactionState } from '../../payments/gateway.ts';
import { recordEvent } from '../events/events.repository.ts';
import { applyPaidPayment } from '../subscriptions/apply-payment.ts';
import { rememberSavedCard } from '../subscriptions/subscriptions.repository.ts';
import * as repo from './payments.repository.ts';

export type RecordOutcome = 'applied' | 'unchanged' | 'unknown_order' | 'mismatch';

/**
 * Moves a payment forward to what the gateway confirmed, in one transaction with its
 * consequences: the row is locked, the transition must go forward (paid stays paid, a
 * late `pending` never reopens a settled or expired payment), and a payment that becomes
 * paid applies its plan change in the same commit — so it is applied exactly once.
 * The amount and currency must be what we asked for; a mismatch changes nothing.
 */
export async function recordGatewayState(deps: Deps, state: TransactionState): Promise<{ outcome: RecordOutcome; payment?: Payment }> {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const payment = await repo.lockPaymentByOrderId(trx, state.orderId);
    if (!payment) return { outcome: 'unknown_order' as const };
    if (state.grossAmount !== payment.amount || state.currency !== payment.currency) {
      return { outcome: 'mismatch' as const, payment };
    }
    const method = state.paymentType;
    if (!isForwardTransition(payment.status, state.status)) {
      // Same status: keep details we did not have (a pending VA gets its method).
      if (payment.status === state.status && method && payment.payment_method !== method) {
        const updated = await repo.updatePaymentProgress(trx, payment.id, { status: payment.status, paymentMethod: method, gatewayStatus: state.gatewayStatus }, now);
        return { outcome: 'unchanged' as const, payment: updated };
      }
      return { outcome: 'unchanged' as const, payment };
    }
    const paidAt = state.status === 'paid' ? (state.paidAt ?? now) : undefined;
    const updated = await repo.updatePaymentProgress(
      trx,
      payment.id,
      {
        status: state.status,
        gatewayStatus: state.gatewayStatus,
        gatewayTransactionId: state.transactionId ?? null,
        paymentMethod: method ?? payment.payment_method,
        ...(paidAt && { paidAt }),
      },
      now,
    );
    const type = { paid: 'payment.succeeded', failed: 'payment.failed', expired: 'payment.expired', refunded: 'payment.refunded', pending: 'payment.pending' }[state.status];
    await recordEvent(trx, {
      projectId: payment.project_id,
      type,
      subjectId: payment.id,
      source: 'gateway',
      data: { order_id: payment.order_id, amount: payment.amount, currency: payment.currency, gateway_status: state.gatewayStatus, method },
      now,
    });
    if (state.status === 'paid' && payment.status !== 'refunded') {
      if (payment.status !== 'pending') {
        // A settlement after we had given up (expired/failed): the customer did pay, so honour it.
        deps.logger.warn({ payment_id: payment.id, from: payment.status }, 'late settlement applied');
      }
      await applyPaidPayment(trx, updated, now);
      if (state.savedTokenId) {
        await rememberSavedCard(trx, payment.subscription_id, state.savedTokenId);
      }
    }
    return { outcome: 'applied' as const, payment: updated };
  });
}
