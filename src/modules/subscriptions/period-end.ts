import type { Deps } from '../../deps.ts';
import type { Db } from '../../db/database.ts';
import type { Payment, Subscription } from '../../db/types.ts';
import { addInterval } from '../../lib/periods.ts';
import { GatewayError } from '../../payments/gateway.ts';
import { queuePastDue, queuePlanChanged, queueSubscriptionEnded } from '../email/subscription-emails.ts';
import { closePayment } from '../payments/payment-records.ts';
import * as payments from '../payments/payments.repository.ts';
import { recordGatewayState } from '../payments/payments.service.ts';
import { collectRenewal, createRenewalPayment, graceEndsAfter, MAX_LINK_MS } from './renewals.ts';
import { recordSubscriptionChange } from './subscription-events.ts';
import * as repo from './subscriptions.repository.ts';


type FollowUp = { collect?: string; expireAtGateway?: string } | undefined;

/**
 * The end of every period, processed exactly once per subscription even with many
 * instances: each subscription is claimed in its own transaction with
 * `FOR UPDATE SKIP LOCKED` and moved on before the lock is released, so the claim
 * condition no longer holds for anyone else. Gateway calls happen after commit; the
 * customer's emails (past due, ended, plan changed) are queued with the change.
 */
export async function processPeriodEnds(deps: Deps, limit = 100): Promise<{ processed: number }> {
  let processed = 0;
  while (processed < limit) {
    const now = deps.clock.now();
    const outcome = await deps.db.transaction().execute(async (trx) => {
      const sub = await repo.claimDueSubscription(trx, now);
      if (!sub) return null;
      return sub.status === 'past_due' ? graceEnded(trx, deps, sub, now) : periodEnded(trx, deps, sub, now);
    });
    if (outcome === null) break;
    processed += 1;
    if (outcome?.expireAtGateway) await expireAtGateway(deps, outcome.expireAtGateway);
    if (outcome?.collect) await collectRenewal(deps, outcome.collect);
  }
  return { processed };
}

async function periodEnded(trx: Db, deps: Deps, sub: Subscription, now: Date): Promise<FollowUp> {
  const end = sub.current_period_end!;
  const next = await repo.findPlan(trx, sub.project_id, sub.scheduled_plan_id ?? sub.plan_id!);
  if (!next) throw new Error(`subscription ${sub.id} has no plan to continue on`);
  const graceEndsAt = await graceEndsAfter(trx, sub, end);
  // A renewal opened ahead (renewal-reminders.ts) stays the renewal when it still fits: the
  // plan and price due now, and a page that lives as long as a fresh one would.
  const open = await payments.findOpenPayment(trx, sub.id);
  const linkUntil = new Date(Math.min(MAX_LINK_MS + now.getTime(), graceEndsAt.getTime()));
  const early =
    open && !sub.cancel_at_period_end && next.price > 0 && open.purpose === 'renewal' && open.period_start?.getTime() === end.getTime() &&
    open.plan_id === next.id && open.amount === next.price && open.expires_at >= linkUntil
      ? open
      : undefined;
  const superseded = early ? undefined : await supersedeOpenPayment(trx, sub, now);

  // Paid ahead: the period rolls over onto it.
  const paid = await payments.findPaidRenewal(trx, sub.id, end);
  if (paid) {
    const after = await repo.updateSubscription(
      trx,
      sub.id,
      { plan_id: paid.plan_id, scheduled_plan_id: null, current_period_start: end, current_period_end: paid.period_end ?? addInterval(end, next.interval) },
      now,
    );
    await recordSubscriptionChange(trx, { before: sub, after, type: 'subscription.renewed', source: 'scheduler', now, extra: { payment_id: paid.id } });
    await queuePlanChanged(trx, deps, { before: sub, after, cause: `${sub.id}:${end.toISOString()}`, effectiveAt: end, now });
    return superseded;
  }

  if (sub.cancel_at_period_end) {
    const after = await repo.updateSubscription(
      trx,
      sub.id,
      { status: 'canceled', cancel_at_period_end: false, scheduled_plan_id: null, canceled_at: sub.canceled_at ?? end },
      now,
    );
    await recordSubscriptionChange(trx, { before: sub, after, type: 'subscription.canceled', source: 'scheduler', now });
    await queueSubscriptionEnded(trx, deps, { before: sub, after, reason: 'canceled', endedAt: end, now });
    return superseded;
  }

  if (next.price === 0) {
    const periodStart = end;
    const periodEnd = addInterval(end, next.interval);
    const after = await repo.updateSubscription(
      trx,
      sub.id,
      { plan_id: next.id, scheduled_plan_id: null, current_period_start: periodStart, current_period_end: periodEnd },
      now,
    );
    const type = next.id === sub.plan_id ? 'subscription.renewed' : 'subscription.updated';
    await recordSubscriptionChange(trx, { before: sub, after, type, source: 'scheduler', now });
    await queuePlanChanged(trx, deps, { before: sub, after, cause: `${sub.id}:${end.toISOString()}`, effectiveAt: end, now });
    return superseded;
  }

  // The link lives through the grace period (at least an hour, at most Snap's 7 days).
  const expiresAt = new Date(Math.max(linkUntil.getTime(), now.getTime() + 3_600_000));
  const renewal = early ?? (await createRenewalPayment(trx, deps, { sub, plan: next, periodStart: end, expiresAt, now }));
  const paymentId = renewal.id;
  // The plan the renewal pays for (a scheduled downgrade takes effect here) is the plan now.
  const after = await repo.updateSubscription(
    trx,
    sub.id,
    { status: 'past_due', plan_id: next.id, scheduled_plan_id: null, grace_ends_at: graceEndsAt },
    now,
  );
  await recordSubscriptionChange(trx, { before: sub, after, type: 'subscription.past_due', source: 'scheduler', now, extra: { payment_id: paymentId } });
  await queuePlanChanged(trx, deps, { before: sub, after, cause: `${sub.id}:${end.toISOString()}`, effectiveAt: end, now });
  // A saved card is charged right after commit: its receipt, or its decline (payment_failed,
  // saying the subscription is past due), is the news. Without one the customer must act now.
  if (!sub.saved_card_token) await queuePastDue(trx, deps, after, renewal, now);
  return { ...superseded, collect: paymentId };
}

/**
 * Grace ran out without payment: the renewal is expired, and the subscription moves to
 * the project's default free plan if it has one, or ends.
 */
async function graceEnded(trx: Db, deps: Deps, sub: Subscription, now: Date): Promise<FollowUp> {
  const open = await payments.findOpenPayment(trx, sub.id);
  if (open) await closePayment(trx, open, { status: 'expired', reason: 'grace period ended', source: 'scheduler', now });
  const fallback = await repo.findDefaultPlan(trx, sub.project_id);
  let after: Subscription;
  if (fallback) {
    after = await repo.updateSubscription(
      trx,
      sub.id,
      { status: 'active', plan_id: fallback.id, grace_ends_at: null, current_period_start: now, current_period_end: addInterval(now, fallback.interval) },
      now,
    );
    await recordSubscriptionChange(trx, { before: sub, after, source: 'scheduler', now, extra: { reason: 'renewal_unpaid' } });
  } else {
    after = await repo.updateSubscription(trx, sub.id, { status: 'canceled', grace_ends_at: null, canceled_at: now, cancel_reason: 'renewal_unpaid' }, now);
    await recordSubscriptionChange(trx, { before: sub, after, type: 'subscription.canceled', source: 'scheduler', now, extra: { reason: 'renewal_unpaid' } });
  }
  // One email for the end: the expired renewal is closed here, not through the gateway's path.
  await queueSubscriptionEnded(trx, deps, { before: sub, after, reason: 'unpaid', endedAt: sub.grace_ends_at ?? now, now });
  return open ? { expireAtGateway: open.order_id } : undefined;
}

/**
 * An upgrade still unpaid when its period ends would prorate a period that is over: it is
 * expired here and closed at the gateway after commit. Should it be paid anyway (its page
 * could not be closed in time), the payment rules record it as paid, apply nothing and flag
 * it for refund.
 */
async function supersedeOpenPayment(trx: Db, sub: Subscription, now: Date): Promise<FollowUp> {
  const open: Payment | undefined = await payments.findOpenPayment(trx, sub.id);
  if (!open) return undefined;
  await closePayment(trx, open, { status: 'expired', reason: 'superseded at period end', source: 'scheduler', now });
  return { expireAtGateway: open.order_id };
}

/**
 * Closes an order we expired at the gateway too. Tried even when the status API does not
 * know the order (a Snap page with no method chosen yet answers 404 there, and may still be
 * payable until its own expiry); whatever the gateway reports back goes through the payment
 * rules, so a settlement that beat us is recorded (and flagged for refund), never lost.
 */
async function expireAtGateway(deps: Deps, orderId: string): Promise<void> {
  try {
    const state = await deps.gateway.expire(orderId);
    await recordGatewayState(deps, state);
  } catch (err) {
    if (err instanceof GatewayError && err.code === 'gateway_not_found') {
      // No method chosen yet: the page's own expiry (never past the period it was priced
      // for) closes it; a late payment through it is flagged for refund.
      deps.logger.info({ order_id: orderId }, 'superseded payment not yet known to the gateway; its page expires by itself');
      return;
    }
    try {
      // Cannot be expired (e.g. 412: it settled first): record what it is.
      const state = await deps.gateway.getStatus(orderId);
      if (state) await recordGatewayState(deps, state);
    } catch (statusErr) {
      deps.logger.warn({ err: statusErr, order_id: orderId }, 'could not expire a superseded payment at the gateway; reconciliation will see a late settlement');
    }
  }
}
