import type { Db } from '../../db/database.ts';
import type { Deps } from '../../deps.ts';
import type { EventSource, Subscription } from '../../db/types.ts';
import { AppError } from '../../lib/errors.ts';
import { queueCancellationScheduled } from '../email/subscription-emails.ts';
import { CANCEL_REFUSALS, whyNotCancel } from './may-cancel.ts';
import { recordSubscriptionChange } from './subscription-events.ts';
import * as repo from './subscriptions.repository.ts';

export interface SubscriptionActionRequest {
  projectId: string;
  endUserId: string;
  /** `admin`: a dashboard user acting for the customer. */
  source: Extract<EventSource, 'portal' | 'api' | 'admin'>;
  /**
   * Runs in the change's transaction, only when something changed: the dashboard writes its
   * audit entry (who did it) there, so the change and the record of it commit together.
   */
  audit?: (trx: Db, after: Subscription) => Promise<void>;
}

/**
 * Cancels at the end of the paid period (at once on a free plan that is not the project's
 * default), keeping the optional reason for the integrator. Cancelling twice changes nothing
 * the second time. The free default plan is refused (`may-cancel.ts`).
 */
export async function cancelSubscription(deps: Deps, r: SubscriptionActionRequest & { reason?: string }): Promise<Subscription> {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const sub = await liveSubscription(trx, r);
    if (sub.cancel_at_period_end) return sub;
    const plan = sub.plan_id ? await repo.findPlan(trx, r.projectId, sub.plan_id) : undefined;
    const refusal = whyNotCancel(sub, plan);
    if (refusal) throw new AppError('plan_change_not_allowed', CANCEL_REFUSALS[refusal], { reason: refusal });
    const reason = r.reason?.trim() || null;
    const immediate = !plan || plan.price === 0 || !sub.current_period_end || sub.current_period_end <= now;
    const after = await repo.updateSubscription(
      trx,
      sub.id,
      immediate
        ? { status: 'canceled', canceled_at: now, cancel_reason: reason, scheduled_plan_id: null, cancel_at_period_end: false }
        : { cancel_at_period_end: true, cancel_reason: reason, canceled_at: now, scheduled_plan_id: null },
      now,
    );
    await recordSubscriptionChange(trx, {
      before: sub,
      after,
      type: immediate ? 'subscription.canceled' : 'subscription.updated',
      source: r.source,
      now,
    });
    // At once: a free plan ends, nothing to tell about money. At period end: what stays, and until when.
    if (!immediate) await queueCancellationScheduled(trx, deps, after, now);
    await r.audit?.(trx, after);
    return after;
  });
}

/** Undoes a scheduled cancellation before the period ends. */
export async function resumeSubscription(deps: Deps, r: SubscriptionActionRequest): Promise<Subscription> {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const sub = await liveSubscription(trx, r);
    if (!sub.cancel_at_period_end) return sub;
    const after = await repo.updateSubscription(trx, sub.id, { cancel_at_period_end: false, cancel_reason: null, canceled_at: null }, now);
    await recordSubscriptionChange(trx, { before: sub, after, source: r.source, now });
    await r.audit?.(trx, after);
    return after;
  });
}

/** Withdraws a scheduled downgrade; the current plan simply continues. */
export async function withdrawScheduledChange(deps: Deps, r: SubscriptionActionRequest): Promise<Subscription> {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const sub = await liveSubscription(trx, r);
    if (!sub.scheduled_plan_id) return sub;
    const after = await repo.updateSubscription(trx, sub.id, { scheduled_plan_id: null }, now);
    await recordSubscriptionChange(trx, { before: sub, after, source: r.source, now });
    await r.audit?.(trx, after);
    return after;
  });
}

async function liveSubscription(trx: Deps['db'], r: SubscriptionActionRequest): Promise<Subscription> {
  const sub = await repo.lockSubscriptionOfEndUser(trx, r.projectId, r.endUserId);
  if (!sub || (sub.status !== 'active' && sub.status !== 'past_due')) {
    throw new AppError('plan_change_not_allowed', 'There is no active subscription to change');
  }
  return sub;
}
