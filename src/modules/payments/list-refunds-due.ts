import type { Db } from '../../db/database.ts';
import { presentPayment } from '../events/public-events.ts';
import { findExternalIds, findPlanCodes } from '../events/public-events.repository.ts';
import { findProjectById } from '../projects/projects.repository.ts';
import { projectNotFound } from '../projects/projects.service.ts';
import * as repo from './payments.platform.repository.ts';

/**
 * The payments of a project flagged for refund (money the gateway took that bought nothing),
 * oldest flag first, in the public payment shape. An operator's or integrator's to-do list.
 */
export async function listRefundsDue(db: Db, q: { projectId: string; limit: number }) {
  if (!(await findProjectById(db, q.projectId))) throw projectNotFound(q.projectId);
  const rows = await repo.listRefundsDue(db, q.projectId, q.limit + 1);
  const page = rows.slice(0, q.limit);
  const [codes, externalIds] = await Promise.all([
    findPlanCodes(db, [...new Set(page.map((p) => p.plan_id))]),
    findExternalIds(db, [...new Set(page.map((p) => p.end_user_id))]),
  ]);
  return {
    data: page.map((p) => presentPayment(p, { externalId: externalIds.get(p.end_user_id) ?? null, planCode: codes.get(p.plan_id) ?? null })),
    has_more: rows.length > q.limit,
  };
}
