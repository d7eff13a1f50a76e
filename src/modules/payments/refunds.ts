import type { Deps } from '../../deps.ts';
import type { Payment } from '../../db/types.ts';
import { AppError } from '../../lib/errors.ts';
import { GatewayError } from '../../payments/gateway.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { recordRefundSucceeded } from './payment-records.ts';
import { findPaymentById } from './payments.repository.ts';
import * as repo from './refunds.repository.ts';

/**
 * Refunds (docs/billing.md, "Refunds"): all or part of a paid payment given back.
 *
 * Through Midtrans (card, e-wallets, QRIS), in three steps, the gateway call between two
 * transactions, never inside one:
 *   1. under the payment's row lock, check the amount against what is left (refunds still
 *      pending count as spent) and insert the refund `pending` with its unique
 *      `refund_key`; commit;
 *   2. ask Midtrans with that key;
 *   3. record the answer: succeeded (refunded amount, status, `payment.refunded`), failed
 *      with Midtrans' reason, or — no answer — still pending.
 * The key makes every repetition safe: a double submit finds the refund it already made, a
 * retry after a timeout sends the same key (Midtrans answers the same refund), and a
 * notification or status check that reports it completes it (`reconcile-refunds.ts`) —
 * whichever comes first counts it, once.
 *
 * Outside Midtrans (bank transfer, convenience store: its refund API cannot): the integrator
 * gives the money back themselves and records it here with a note saying how; it is
 * succeeded at once, with channel `outside`. Nothing pretends Midtrans did it.
 */

export type RefundChannel = 'midtrans' | 'outside';

export interface RefundInput {
  projectId: string;
  paymentId: string;
  /** The idempotency key (a dashboard form carries one: `rfd_…`). */
  refundKey: string;
  amount: number;
  reason: string;
  channel: RefundChannel;
  /** Required outside Midtrans: how the money went back. */
  note?: string;
  actor: { userId: string; ip: string | null };
}

export interface RefundOutcome {
  /** `pending`: Midtrans did not answer; the refund may have happened — check, or retry (same key). */
  outcome: 'succeeded' | 'failed' | 'pending';
  refund: repo.PaymentRefund;
  payment: Payment;
}

/** Why a refund is refused, in `details.reason` (the dashboard words it next to the field named in `details.field`). */
export type RefundRefusal =
  | 'not_paid'
  | 'fully_refunded'
  | 'amount_invalid'
  | 'amount_over_remaining'
  | 'note_required'
  | 'gateway_cannot_refund'
  | 'refund_key_taken';

function refused(reason: RefundRefusal, message: string, extra: Record<string, unknown> = {}): AppError {
  const code = reason === 'not_paid' || reason === 'fully_refunded' ? 'conflict' : 'invalid_request';
  return new AppError(code, message, { reason, ...extra });
}

/** What may still be refunded: the amount less what was refunded and what is being refunded now. */
export function remainingToRefund(payment: Payment, refunds: readonly repo.PaymentRefund[]): number {
  const inFlight = refunds.filter((r) => r.status === 'pending').reduce((sum, r) => sum + r.amount, 0);
  return payment.amount - payment.refunded_amount - inFlight;
}

/**
 * Refunds `amount` of a paid payment (see the file comment). Refusals are AppErrors naming
 * the problem (`details.reason`, `details.field`); asking again with a key already used for
 * this payment returns that refund (retrying it at Midtrans if it is still pending).
 */
export async function refundPayment(deps: Deps, input: RefundInput): Promise<RefundOutcome> {
  const now = deps.clock.now();
  const prepared = await deps.db.transaction().execute(async (trx) => {
    const payment = await repo.lockPaymentOfProject(trx, input.projectId, input.paymentId);
    if (!payment) throw new AppError('payment_not_found', 'No such payment in this project');
    const existing = await repo.findRefundByKey(trx, input.refundKey);
    if (existing) {
      if (existing.payment_id !== payment.id) throw refused('refund_key_taken', 'That refund key belongs to another payment', { field: 'refund_key' });
      return { payment, refund: existing, fresh: false };
    }
    if (payment.status === 'refunded') throw refused('fully_refunded', 'This payment has already been refunded in full');
    if (payment.status !== 'paid') throw refused('not_paid', `Only a paid payment can be refunded; this one is ${payment.status}`);
    if (!Number.isSafeInteger(input.amount) || input.amount <= 0) throw refused('amount_invalid', 'The amount must be a whole number of rupiah above 0', { field: 'amount' });
    const remaining = remainingToRefund(payment, await repo.listRefundsOfPayment(trx, payment.id));
    if (input.amount > remaining) {
      throw refused('amount_over_remaining', `The amount is more than what is left to refund (${remaining})`, { field: 'amount', remaining });
    }
    const note = input.note?.trim() ?? '';
    if (input.channel === 'outside' && !note) throw refused('note_required', 'Say how the money was given back', { field: 'note' });
    if (input.channel === 'midtrans' && !deps.gateway.canRefund(payment.payment_method)) {
      throw refused('gateway_cannot_refund', `Midtrans cannot refund ${payment.payment_method ?? 'this'} payments; refund it outside Midtrans and record it`, {
        field: 'channel',
        method: payment.payment_method,
      });
    }
    const refund = await repo.insertRefund(trx, {
      id: repo.newRefundId(),
      project_id: payment.project_id,
      payment_id: payment.id,
      refund_key: input.refundKey,
      amount: input.amount,
      reason: input.reason.trim(),
      channel: input.channel,
      status: 'pending',
      note: input.channel === 'outside' ? note : null,
      created_by: input.actor.userId,
      created_at: now,
    });
    if (!refund) throw new AppError('conflict', 'That refund was just asked for; reload the page');
    await recordAudit(trx, {
      actorUserId: input.actor.userId,
      projectId: payment.project_id,
      action: input.channel === 'outside' ? 'payment.refund_recorded' : 'payment.refund_requested',
      subjectId: payment.id,
      ip: input.actor.ip,
      data: { refund_id: refund.id, amount: refund.amount, channel: refund.channel, reason: refund.reason, ...(refund.note && { note: refund.note }) },
      now,
    });
    if (input.channel === 'outside') {
      const after = await recordRefundSucceeded(trx, payment, refund, { source: 'admin', now });
      return { payment: after ?? payment, refund: { ...refund, status: 'succeeded' as const, completed_at: now }, fresh: false };
    }
    return { payment, refund, fresh: true };
  });

  const { refund } = prepared;
  if (refund.status === 'pending' && refund.channel === 'midtrans') return sendToGateway(deps, prepared.payment, refund);
  return { outcome: refund.status === 'pending' ? 'pending' : refund.status, refund, payment: prepared.payment };
}

/** A refund still pending (Midtrans did not answer) asked again, with its own key. */
export async function retryRefund(deps: Deps, q: { projectId: string; paymentId: string; refundId: string; actor: { userId: string; ip: string | null } }): Promise<RefundOutcome> {
  const found = await deps.db.transaction().execute(async (trx) => {
    const payment = await repo.lockPaymentOfProject(trx, q.projectId, q.paymentId);
    const refund = payment && (await repo.findRefundOfPayment(trx, payment.id, q.refundId));
    if (!payment || !refund) throw new AppError('not_found', 'No such refund');
    if (refund.status === 'pending' && refund.channel === 'midtrans') {
      await recordAudit(trx, { actorUserId: q.actor.userId, projectId: payment.project_id, action: 'payment.refund_retried', subjectId: payment.id, ip: q.actor.ip, data: { refund_id: refund.id }, now: deps.clock.now() });
    }
    return { payment, refund };
  });
  if (found.refund.status !== 'pending' || found.refund.channel !== 'midtrans') return { outcome: found.refund.status === 'pending' ? 'pending' : found.refund.status, ...found };
  return sendToGateway(deps, found.payment, found.refund);
}

async function sendToGateway(deps: Deps, payment: Payment, refund: repo.PaymentRefund): Promise<RefundOutcome> {
  let gatewayStatus: string;
  try {
    const result = await deps.gateway.refund({ orderId: payment.order_id, refundKey: refund.refund_key, amount: refund.amount, reason: refund.reason || 'Refund' });
    if (result.amount !== refund.amount) {
      deps.logger.error({ payment_id: payment.id, refund_id: refund.id, asked: refund.amount, answered: result.amount }, 'gateway answered a refund with another amount');
    }
    gatewayStatus = result.gatewayStatus;
  } catch (err) {
    if (err instanceof GatewayError && err.code !== 'gateway_unavailable') {
      const failed = await deps.db.transaction().execute(async (trx) => {
        await repo.lockPayment(trx, payment.id);
        return repo.markRefundFailed(trx, refund.id, err.message, deps.clock.now());
      });
      // Not pending any more: a notification completed it meanwhile, or it had already failed.
      return failed ? { outcome: 'failed', refund: failed, payment } : settled(deps, payment.id, refund.id);
    }
    deps.logger.warn({ err, payment_id: payment.id, refund_id: refund.id }, 'refund: no answer from the gateway; left pending');
    return settled(deps, payment.id, refund.id);
  }
  return deps.db.transaction().execute(async (trx) => {
    const locked = await repo.lockPayment(trx, payment.id);
    const after = await recordRefundSucceeded(trx, locked, refund, { source: 'admin', gatewayStatus, now: deps.clock.now() });
    const row = (await repo.findRefundOfPayment(trx, payment.id, refund.id))!;
    return { outcome: 'succeeded' as const, refund: row, payment: after ?? locked };
  });
}

/** The refund and payment as they are now (someone else may have recorded the outcome). */
async function settled(deps: Deps, paymentId: string, refundId: string): Promise<RefundOutcome> {
  const refund = (await repo.findRefundOfPayment(deps.db, paymentId, refundId))!;
  const payment = (await findPaymentById(deps.db, paymentId))!;
  return { outcome: refund.status === 'pending' ? 'pending' : refund.status, refund, payment };
}
