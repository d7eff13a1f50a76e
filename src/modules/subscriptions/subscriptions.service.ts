import type { Db } from '../../db/database.ts';
import type { Plan } from '../../db/types.ts';
import { AppError } from '../../lib/errors.ts';
import * as repo from './subscriptions.repository.ts';
import type { SubscriptionResponse } from './subscriptions.schemas.ts';

export async function resolveEndUser(db: Db, projectId: string, externalId: string) {
  const endUser = await repo.findEndUserByExternalId(db, projectId, externalId);
  if (!endUser) throw new AppError('end_user_not_found', `No end user "${externalId}" in this project`);
  return endUser;
}

export async function resolvePlanCode(db: Db, projectId: string, code: string): Promise<string> {
  const plan = await repo.findPlanByCode(db, projectId, code);
  if (!plan) throw new AppError('plan_not_found', `No plan with code "${code}" in this project`);
  return plan.id;
}

/** What the integrator's app gates features on: plan, status, period and pending changes. */
export async function getEndUserSubscription(db: Db, projectId: string, externalId: string): Promise<SubscriptionResponse> {
  const endUser = await resolveEndUser(db, projectId, externalId);
  const sub = await repo.findSubscriptionOfEndUser(db, projectId, endUser.id);
  if (!sub) {
    return {
      end_user_id: externalId,
      subscription_id: null,
      status: 'none',
      plan: null,
      current_period_start: null,
      current_period_end: null,
      cancel_at_period_end: false,
      cancel_reason: null,
      canceled_at: null,
      scheduled_change: null,
      grace_ends_at: null,
      version: 0,
    };
  }
  const planIds = [sub.plan_id, sub.scheduled_plan_id].filter((id): id is string => id !== null);
  const plans = new Map((await repo.findPlansByIds(db, projectId, planIds)).map((p) => [p.id, p]));
  const plan = sub.plan_id ? plans.get(sub.plan_id) : undefined;
  const scheduled = sub.scheduled_plan_id ? plans.get(sub.scheduled_plan_id) : undefined;
  return {
    end_user_id: externalId,
    subscription_id: sub.id,
    status: sub.status,
    plan: plan ? planSummary(plan) : null,
    current_period_start: sub.current_period_start?.toISOString() ?? null,
    current_period_end: sub.current_period_end?.toISOString() ?? null,
    cancel_at_period_end: sub.cancel_at_period_end,
    cancel_reason: sub.cancel_reason,
    canceled_at: sub.canceled_at?.toISOString() ?? null,
    scheduled_change:
      scheduled && sub.current_period_end
        ? { plan: planSummary(scheduled), effective_at: sub.current_period_end.toISOString() }
        : null,
    grace_ends_at: sub.grace_ends_at?.toISOString() ?? null,
    version: sub.version,
  };
}

function planSummary(p: Plan) {
  return { id: p.id, code: p.code, name: p.name, price: p.price, currency: p.currency, interval: p.interval };
}
