import type { Db } from '../../db/database.ts';
import type { Payment } from '../../db/types.ts';

/**
 * One page of an end user's payments, newest first, strictly older than the payment
 * `before` (keyset paging: a payment made while the caller pages does not shift the pages).
 */
export async function listPaymentsPage(
  db: Db,
  q: { projectId: string; endUserId: string; before?: Pick<Payment, 'created_at' | 'id'>; limit: number },
): Promise<Payment[]> {
  let query = db.selectFrom('payments').selectAll().where('project_id', '=', q.projectId).where('end_user_id', '=', q.endUserId);
  if (q.before) {
    const { created_at, id } = q.before;
    query = query.where((eb) => eb.or([eb('created_at', '<', created_at), eb.and([eb('created_at', '=', created_at), eb('id', '<', id)])]));
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.limit).execute();
}

/** The payment a page starts after (`before`), only if it is this end user's. */
export function findPaymentCursor(db: Db, projectId: string, endUserId: string, paymentId: string): Promise<Payment | undefined> {
  return db
    .selectFrom('payments')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('end_user_id', '=', endUserId)
    .where('id', '=', paymentId)
    .executeTakeFirst();
}

/** Payments flagged for refund and not refunded yet, oldest flag first (index payments_refund_due). */
export function listRefundsDue(db: Db, projectId: string, limit: number): Promise<Payment[]> {
  return db
    .selectFrom('payments')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('refund_due_reason', 'is not', null)
    .where('status', '=', 'paid')
    .orderBy('refund_due_at')
    .orderBy('id')
    .limit(limit)
    .execute();
}
