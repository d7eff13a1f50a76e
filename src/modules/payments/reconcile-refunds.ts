import type { Db } from '../../db/database.ts';
import type { Payment } from '../../db/types.ts';
import type { Logger } from '../../lib/logger.ts';
import type { GatewayRefunds } from '../../payments/gateway.ts';
import { recordRefundSucceeded } from './payment-records.ts';
import * as repo from './refunds.repository.ts';

/**
 * Brings our refunds in line with what the gateway says was given back (a `refund` /
 * `partial_refund` notification or status answer), inside `recordGatewayState`'s
 * transaction with the payment locked:
 *
 * - a listed refund whose key is ours completes it (our own request's answer may have been
 *   lost to a timeout, or the notification simply arrived first) — it counts once, whoever
 *   records it first;
 * - a listed refund we never asked for (made in Midtrans' own dashboard) is recorded, so
 *   our ledger matches the money;
 * - a total beyond what the list explains (Midtrans does not always list them) completes
 *   our pending refunds, oldest first, as far as they fit, and records the rest as one
 *   refund keyed by the total, so hearing the same total again adds nothing.
 *
 * Returns the payment afterwards, or undefined when nothing changed.
 */
export async function reconcileGatewayRefunds(
  trx: Db,
  logger: Logger,
  payment: Payment,
  refunds: GatewayRefunds,
  gatewayStatus: string,
  now: Date,
): Promise<Payment | undefined> {
  let current = payment;
  let changed = false;
  const complete = async (refund: repo.PaymentRefund) => {
    if (current.refunded_amount + refund.amount > current.amount) {
      // More than was paid (e.g. refunded outside Midtrans as well): money to look into, not to count.
      logger.error({ payment_id: payment.id, refund_id: refund.id }, 'gateway refund exceeds what is left of the payment; not recorded');
      return;
    }
    const after = await recordRefundSucceeded(trx, current, refund, { source: 'gateway', gatewayStatus, now });
    if (after) {
      current = after;
      changed = true;
    }
  };
  const ours = new Map((await repo.listRefundsOfPayment(trx, payment.id)).map((r) => [r.refund_key, r]));

  for (const listed of refunds.list) {
    const known = ours.get(listed.key) ?? (await recordForeignRefund(trx, logger, current, listed.key, listed.amount, listed.at ?? now, listed.reason));
    if (!known || known.status === 'succeeded' || known.channel !== 'midtrans') continue;
    await complete(known);
    ours.set(known.refund_key, { ...known, status: 'succeeded' });
  }

  const total = Math.min(refunds.total ?? 0, current.amount);
  if (total > current.refunded_amount) {
    for (const pending of [...ours.values()].filter((r) => r.status === 'pending' && r.channel === 'midtrans')) {
      if (current.refunded_amount + pending.amount <= total) await complete(pending);
    }
    const unexplained = total - current.refunded_amount;
    if (unexplained > 0) {
      const refund = await recordForeignRefund(trx, logger, current, `${payment.order_id}-refunded-${total}`, unexplained, now);
      if (refund && refund.status !== 'succeeded') await complete(refund);
    }
  }
  return changed ? current : undefined;
}

/** A refund made at the gateway without us: recorded (pending, completed by the caller) under the gateway's key. */
async function recordForeignRefund(trx: Db, logger: Logger, payment: Payment, key: string, amount: number, at: Date, reason = 'Refunded at Midtrans'): Promise<repo.PaymentRefund | undefined> {
  const row = await repo.insertRefund(trx, {
    id: repo.newRefundId(),
    project_id: payment.project_id,
    payment_id: payment.id,
    refund_key: key,
    amount,
    reason,
    channel: 'midtrans',
    status: 'pending',
    created_by: null,
    created_at: at,
  });
  if (row) return row;
  const existing = await repo.findRefundByKey(trx, key);
  if (existing?.payment_id === payment.id) return existing;
  logger.warn({ payment_id: payment.id, refund_key: key }, 'gateway reported a refund whose key belongs to another payment; not recorded');
  return undefined;
}
