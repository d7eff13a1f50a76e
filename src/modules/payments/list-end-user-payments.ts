import type { Db } from '../../db/database.ts';
import { AppError } from '../../lib/errors.ts';
import { presentPayment } from '../events/public-events.ts';
import { findPlanCodes } from '../events/public-events.repository.ts';
import { findEndUserByExternalId } from '../subscriptions/subscriptions.repository.ts';
import * as repo from './payments.platform.repository.ts';

/**
 * One page of an end user's payment history for the integrator's backend, newest first,
 * in the same shape payment webhooks use. Scoped to the calling project: another
 * project's end user of the same external id is simply not found.
 */
export async function listEndUserPayments(db: Db, q: { projectId: string; externalId: string; before: string | undefined; limit: number }) {
  const endUser = await findEndUserByExternalId(db, q.projectId, q.externalId);
  if (!endUser) throw new AppError('end_user_not_found', `No end user "${q.externalId}" in this project`);
  let cursor;
  if (q.before !== undefined) {
    cursor = await repo.findPaymentCursor(db, q.projectId, endUser.id, q.before);
    if (!cursor) throw new AppError('invalid_request', `before must be the id of one of this end user's payments; ${q.before} is not`);
  }
  const rows = await repo.listPaymentsPage(db, { projectId: q.projectId, endUserId: endUser.id, before: cursor, limit: q.limit + 1 });
  const page = rows.slice(0, q.limit);
  const codes = await findPlanCodes(db, [...new Set(page.map((p) => p.plan_id))]);
  return {
    data: page.map((p) => presentPayment(p, { externalId: q.externalId, planCode: codes.get(p.plan_id) ?? null })),
    has_more: rows.length > q.limit,
  };
}
