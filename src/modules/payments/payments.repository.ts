import type { Db } from '../../db/database.ts';
import type { PaymentInstructions } from '../../payments/gateway.ts';
import type { CardBrand, NewPayment, Payment, PaymentStatusColumn, RefundDueReason } from '../../db/types.ts';

export async function insertPayment(db: Db, row: NewPayment): Promise<Payment> {
  return db.insertInto('payments').values(row).returningAll().executeTakeFirstOrThrow();
}

export function findOpenPayment(db: Db, subscriptionId: string): Promise<Payment | undefined> {
  return db
    .selectFrom('payments')
    .selectAll()
    .where('subscription_id', '=', subscriptionId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
}

/** A renewal paid ahead for the period starting at `periodStart` (applied, not flagged for refund). */
export function findPaidRenewal(db: Db, subscriptionId: string, periodStart: Date): Promise<Payment | undefined> {
  return db
    .selectFrom('payments')
    .selectAll()
    .where('subscription_id', '=', subscriptionId)
    .where('purpose', '=', 'renewal')
    .where('status', '=', 'paid')
    .where('period_start', '=', periodStart)
    .where('refund_due_reason', 'is', null)
    .orderBy('paid_at')
    .executeTakeFirst();
}

export function findPaymentById(db: Db, id: string): Promise<Payment | undefined> {
  return db.selectFrom('payments').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findPaymentByOrderId(db: Db, orderId: string): Promise<Payment | undefined> {
  return db.selectFrom('payments').selectAll().where('order_id', '=', orderId).executeTakeFirst();
}

export function lockPaymentByOrderId(db: Db, orderId: string): Promise<Payment | undefined> {
  return db.selectFrom('payments').selectAll().where('order_id', '=', orderId).forUpdate().executeTakeFirst();
}

export async function storeCheckout(db: Db, id: string, c: { token: string; redirectUrl: string; now: Date }): Promise<Payment | undefined> {
  return db
    .updateTable('payments')
    .set({ gateway_token: c.token, redirect_url: c.redirectUrl, checkout_retry_at: null, updated_at: c.now })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/**
 * Claims the right to open a payment's page: only a pending payment without a page whose
 * previous holder's time ran out. The conditional UPDATE is the lock: of two instances,
 * one gets the row back, holding it until `leaseUntil` (then anyone may try again).
 */
export function claimCheckout(db: Db, id: string, now: Date, leaseUntil: Date): Promise<Payment | undefined> {
  return db
    .updateTable('payments')
    .set((eb) => ({ checkout_attempts: eb('checkout_attempts', '+', 1), checkout_retry_at: leaseUntil }))
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('redirect_url', 'is', null)
    .where('checkout_retry_at', '<=', now)
    .returningAll()
    .executeTakeFirst();
}

/** Like `claimCheckout`, for up to `limit` due payments at once (reconciler; SKIP LOCKED). */
export function claimDueCheckouts(db: Db, now: Date, leaseUntil: Date, limit: number): Promise<Payment[]> {
  return db
    .updateTable('payments')
    .set((eb) => ({ checkout_attempts: eb('checkout_attempts', '+', 1), checkout_retry_at: leaseUntil }))
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('payments')
        .select('id')
        .where('status', '=', 'pending')
        .where('redirect_url', 'is', null)
        .where('checkout_retry_at', '<=', now)
        .orderBy('checkout_retry_at')
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returningAll()
    .execute();
}

/** After a failed attempt: the next one waits until `retryAt` (the backoff). */
export async function deferCheckout(db: Db, id: string, retryAt: Date): Promise<void> {
  await db.updateTable('payments').set({ checkout_retry_at: retryAt }).where('id', '=', id).where('redirect_url', 'is', null).execute();
}

/** Marks a payment's page as due now (the gateway never heard of its order). */
export async function markCheckoutDue(db: Db, id: string, now: Date): Promise<void> {
  await db
    .updateTable('payments')
    .set({ checkout_retry_at: now })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('redirect_url', 'is', null)
    .where('checkout_retry_at', 'is', null)
    .execute();
}

/** No page wanted for this order (a saved card is charged through the Core API instead). */
export async function clearCheckout(db: Db, id: string): Promise<void> {
  await db.updateTable('payments').set({ checkout_retry_at: null }).where('id', '=', id).execute();
}

/** pending → failed|expired, only if still pending (the caller records the event). */
export function closePendingPayment(db: Db, id: string, status: 'failed' | 'expired', reason: string, now: Date): Promise<Payment | undefined> {
  return db
    .updateTable('payments')
    .set({ status, failure_reason: reason, checkout_retry_at: null, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirst();
}

export function setRefundDue(db: Db, id: string, reason: RefundDueReason, now: Date): Promise<Payment> {
  return db
    .updateTable('payments')
    .set({ refund_due_reason: reason, refund_due_at: now, updated_at: now })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Notes on a pending payment why it is about to end (the customer abandons it) before the
 * gateway is asked to close it; false when it is no longer pending.
 */
export async function notePendingReason(db: Db, id: string, reason: string, now: Date): Promise<boolean> {
  const noted = await db.updateTable('payments').set({ failure_reason: reason, updated_at: now }).where('id', '=', id).where('status', '=', 'pending').executeTakeFirst();
  return noted.numUpdatedRows > 0n;
}

/** Takes the note back when the payment did not end that way (still pending, or paid after all). */
export async function forgetPendingReason(db: Db, id: string, reason: string, now: Date): Promise<void> {
  await db
    .updateTable('payments')
    .set({ failure_reason: null, updated_at: now })
    .where('id', '=', id)
    .where('failure_reason', '=', reason)
    .where('status', 'in', ['pending', 'paid', 'refunded'])
    .execute();
}

export interface PaymentProgress {
  status: PaymentStatusColumn;
  gatewayStatus?: string | null;
  gatewayTransactionId?: string | null;
  paymentMethod?: string | null;
  instructions?: PaymentInstructions | null;
  paidAt?: Date | null;
  failureReason?: string | null;
  card?: { brand: CardBrand | null; last4: string };
}

export async function updatePaymentProgress(db: Db, id: string, p: PaymentProgress, now: Date): Promise<Payment> {
  return db
    .updateTable('payments')
    .set({
      status: p.status,
      ...(p.gatewayStatus !== undefined && { gateway_status: p.gatewayStatus }),
      ...(p.gatewayTransactionId !== undefined && { gateway_transaction_id: p.gatewayTransactionId }),
      ...(p.paymentMethod !== undefined && { payment_method: p.paymentMethod }),
      ...(p.instructions !== undefined && { payment_instructions: p.instructions === null ? null : JSON.stringify(p.instructions) }),
      ...(p.paidAt !== undefined && { paid_at: p.paidAt }),
      ...(p.failureReason !== undefined && { failure_reason: p.failureReason }),
      ...(p.card && { card_brand: p.card.brand, card_last4: p.card.last4 }),
      updated_at: now,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Claims up to `limit` pending payments due for a gateway check, pushing their next check
 * to `nextCheckAt`. `FOR UPDATE SKIP LOCKED` lets several instances reconcile side by side
 * without ever picking the same payment in the same round.
 */
export async function claimPaymentsToReconcile(db: Db, now: Date, nextCheckAt: Date, limit: number): Promise<Payment[]> {
  return db
    .updateTable('payments')
    .set({ next_check_at: nextCheckAt })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('payments')
        .select('id')
        .where('status', '=', 'pending')
        .where((w) => w.or([w('next_check_at', '<=', now), w('expires_at', '<=', now)]))
        .orderBy('next_check_at')
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returningAll()
    .execute();
}

/** Newest first; `exceptStatuses` leaves out payments in those statuses. */
export function listPaymentsOfEndUser(
  db: Db,
  projectId: string,
  endUserId: string,
  limit: number,
  offset: number,
  exceptStatuses: readonly PaymentStatusColumn[] = [],
): Promise<Payment[]> {
  return db
    .selectFrom('payments')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('end_user_id', '=', endUserId)
    .$if(exceptStatuses.length > 0, (q) => q.where('status', 'not in', exceptStatuses))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
}

/** One payment, only if it belongs to this end user of this project (portal authorisation). */
export function findPaymentOfEndUser(
  db: Db,
  owner: { projectId: string; endUserId: string },
  by: { id: string } | { orderId: string },
): Promise<Payment | undefined> {
  return db
    .selectFrom('payments')
    .selectAll()
    .where('project_id', '=', owner.projectId)
    .where('end_user_id', '=', owner.endUserId)
    .where('id' in by ? 'id' : 'order_id', '=', 'id' in by ? by.id : by.orderId)
    .executeTakeFirst();
}

/** How many payments are in each status (operations metrics; a handful of rows back). */
export async function countPaymentsByStatus(db: Db): Promise<Array<{ status: PaymentStatusColumn; count: number }>> {
  const rows = await db.selectFrom('payments').select(['status', (eb) => eb.fn.countAll<number>().as('count')]).groupBy('status').execute();
  return rows.map((r) => ({ status: r.status, count: Number(r.count) }));
}
