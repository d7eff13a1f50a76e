import type { Db } from '../../db/database.ts';
import type { Event, Payment, PaymentStatusColumn } from '../../db/types.ts';

/** The dashboard's reads of payments (list, "Needs attention", one payment's history). */

export type ListedPayment = Payment & { external_id: string; email: string | null };

/** `partially_refunded`: paid, with some of it given back. */
export type PaymentListStatus = PaymentStatusColumn | 'partially_refunded';

export interface PaymentListQuery {
  projectId: string;
  status?: PaymentListStatus;
  method?: string;
  /** Created at or after. */
  from?: Date;
  /** Created before. */
  to?: Date;
  /** Strictly older than this payment (keyset: a payment made while paging shifts nothing). */
  before?: Pick<Payment, 'created_at' | 'id'>;
  limit: number;
}

/**
 * Newest first by `(created_at, id)` — index payments_by_project, or
 * payments_by_project_status with a status (migration 0018); the date range bounds the
 * same column, so every page is one index range scan however deep.
 */
export function listPayments(db: Db, q: PaymentListQuery): Promise<ListedPayment[]> {
  const status = q.status === 'partially_refunded' ? 'paid' : q.status;
  let query = db
    .selectFrom('payments as p')
    .innerJoin('end_users as e', 'e.id', 'p.end_user_id')
    .selectAll('p')
    .select(['e.external_id', 'e.email'])
    .where('p.project_id', '=', q.projectId);
  if (status) query = query.where('p.status', '=', status);
  if (q.status === 'partially_refunded') query = query.where('p.refunded_amount', '>', 0);
  if (q.status === 'paid') query = query.where('p.refunded_amount', '=', 0);
  if (q.method) query = query.where('p.payment_method', '=', q.method);
  if (q.from) query = query.where('p.created_at', '>=', q.from);
  if (q.to) query = query.where('p.created_at', '<', q.to);
  if (q.before) {
    const { created_at, id } = q.before;
    query = query.where((eb) => eb.or([eb('p.created_at', '<', created_at), eb.and([eb('p.created_at', '=', created_at), eb('p.id', '<', id)])]));
  }
  return query.orderBy('p.created_at', 'desc').orderBy('p.id', 'desc').limit(q.limit).execute();
}

/** A payment of this project with its customer's ids, or undefined (another project's is not found). */
export function findListedPayment(db: Db, projectId: string, paymentId: string): Promise<ListedPayment | undefined> {
  return db
    .selectFrom('payments as p')
    .innerJoin('end_users as e', 'e.id', 'p.end_user_id')
    .selectAll('p')
    .select(['e.external_id', 'e.email'])
    .where('p.project_id', '=', projectId)
    .where('p.id', '=', paymentId)
    .executeTakeFirst();
}

/** Flagged for refund and not yet refunded in full, oldest flag first (index payments_refund_due). */
export function listNeedingAttention(db: Db, projectId: string, limit: number): Promise<ListedPayment[]> {
  return db
    .selectFrom('payments as p')
    .innerJoin('end_users as e', 'e.id', 'p.end_user_id')
    .selectAll('p')
    .select(['e.external_id', 'e.email'])
    .where('p.project_id', '=', projectId)
    .where('p.refund_due_reason', 'is not', null)
    .where('p.status', '=', 'paid')
    .orderBy('p.refund_due_at')
    .orderBy('p.id')
    .limit(limit)
    .execute();
}

/** Every event about one payment, oldest first (index events_by_subject). */
export function listPaymentEvents(db: Db, projectId: string, paymentId: string): Promise<Event[]> {
  return db.selectFrom('events').selectAll().where('subject_id', '=', paymentId).where('project_id', '=', projectId).orderBy('seq').execute();
}
