import { sql, type Insertable, type Selectable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Payment, PaymentRefundsTable, PaymentStatusColumn } from '../../db/types.ts';
import { randomToken } from '../../lib/crypto.ts';

/** All SQL of refunds (`payment_refunds`, and the refund columns of `payments`; migration 0017). */

export type PaymentRefund = Selectable<PaymentRefundsTable>;

/** `rfd_` + 128 random bits: a refund's id, and the refund key a dashboard form carries. */
export function newRefundId(): string {
  return `rfd_${randomToken(16)}`;
}

/** Inserts a refund unless its `refund_key` is taken; undefined then (the caller looks it up). */
export function insertRefund(db: Db, row: Insertable<PaymentRefundsTable>): Promise<PaymentRefund | undefined> {
  return db.insertInto('payment_refunds').values(row).onConflict((oc) => oc.column('refund_key').doNothing()).returningAll().executeTakeFirst();
}

export function findRefundByKey(db: Db, refundKey: string): Promise<PaymentRefund | undefined> {
  return db.selectFrom('payment_refunds').selectAll().where('refund_key', '=', refundKey).executeTakeFirst();
}

export function findRefundOfPayment(db: Db, paymentId: string, refundId: string): Promise<PaymentRefund | undefined> {
  return db.selectFrom('payment_refunds').selectAll().where('payment_id', '=', paymentId).where('id', '=', refundId).executeTakeFirst();
}

/** A payment's refunds, oldest first (index payment_refunds_by_payment). */
export function listRefundsOfPayment(db: Db, paymentId: string): Promise<PaymentRefund[]> {
  return db.selectFrom('payment_refunds').selectAll().where('payment_id', '=', paymentId).orderBy('created_at').orderBy('id').execute();
}

/** One payment of a project, locked: every refund writer takes this lock first. */
export function lockPaymentOfProject(db: Db, projectId: string, paymentId: string): Promise<Payment | undefined> {
  return db.selectFrom('payments').selectAll().where('project_id', '=', projectId).where('id', '=', paymentId).forUpdate().executeTakeFirst();
}

export function lockPayment(db: Db, paymentId: string): Promise<Payment> {
  return db.selectFrom('payments').selectAll().where('id', '=', paymentId).forUpdate().executeTakeFirstOrThrow();
}

/**
 * pending (or failed: the gateway is the judge of money, and may report a refund we
 * thought refused) → succeeded. Undefined when it already was: each refund counts once.
 */
export function markRefundSucceeded(db: Db, id: string, now: Date): Promise<PaymentRefund | undefined> {
  return db
    .updateTable('payment_refunds')
    .set({ status: 'succeeded', failure_reason: null, completed_at: now })
    .where('id', '=', id)
    .where('status', '!=', 'succeeded')
    .returningAll()
    .executeTakeFirst();
}

export function markRefundFailed(db: Db, id: string, reason: string, now: Date): Promise<PaymentRefund | undefined> {
  return db
    .updateTable('payment_refunds')
    .set({ status: 'failed', failure_reason: reason, completed_at: now })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirst();
}

/**
 * Adds a succeeded refund to its payment: `refunded_amount` grows, and the payment is
 * `refunded` once that is all of it (the table's check keeps it ≤ the amount).
 */
export function addRefundedAmount(db: Db, paymentId: string, amount: number, gatewayStatus: string | undefined, now: Date): Promise<Payment> {
  return db
    .updateTable('payments')
    .set((eb) => ({
      refunded_amount: eb('refunded_amount', '+', amount),
      status: sql<PaymentStatusColumn>`case when refunded_amount + ${amount} = amount then 'refunded' else status end`,
      ...(gatewayStatus !== undefined && { gateway_status: gatewayStatus }),
      updated_at: now,
    }))
    .where('id', '=', paymentId)
    .returningAll()
    .executeTakeFirstOrThrow();
}
