import type { Db } from '../../db/database.ts';
import type { Payment, RefundDueReason, Subscription } from '../../db/types.ts';
import { addInterval } from '../../lib/periods.ts';
import * as repo from './subscriptions.repository.ts';
import { recordSubscriptionChange } from './subscription-events.ts';

/**
 * Why a payment that just settled must not be applied to the subscription as it is now, or
 * undefined when it fits. A price that credited unused time (an upgrade, or a move to a
 * longer interval) was computed for one period and only buys something in that period; a
 * renewal buys the period after the one that is due (or, paid ahead of the period end, the
 * one after the current period); nothing applies to an ended subscription except a fresh start.
 */
export function reasonNotToApply(payment: Payment, sub: Subscription): RefundDueReason | undefined {
  const live = sub.status === 'active' || sub.status === 'past_due';
  const same = (a: Date | null, b: Date | null) => a !== null && b !== null && a.getTime() === b.getTime();
  switch (payment.purpose) {
    case 'upgrade':
      if (!live) return 'plan_no_longer_applies';
      return same(payment.period_start, sub.current_period_start) && same(payment.period_end, sub.current_period_end) ? undefined : 'period_ended';
    case 'new':
      if (payment.period_end === null) return undefined;
      if (!live) return 'plan_no_longer_applies';
      return same(payment.period_start, sub.current_period_start) && same(payment.period_end, sub.current_period_end) ? undefined : 'period_ended';
    case 'renewal':
      // Paid ahead (a reminder's early renewal): it buys the period after this one.
      if (sub.status === 'active') return same(payment.period_start, sub.current_period_end) ? undefined : 'plan_no_longer_applies';
      if (sub.status !== 'past_due') return 'plan_no_longer_applies';
      return payment.period_start === null || same(payment.period_start, sub.current_period_end) ? undefined : 'period_ended';
  }
}

/**
 * Applies what a settled payment bought, inside the caller's transaction (the same one that
 * marked the payment paid, so a payment is applied exactly once), to the subscription the
 * caller locked and checked with `reasonNotToApply`:
 * - `new`: the plan from now (when we learn of the payment, on our clock), a fresh period;
 * - `upgrade`: the plan now, the current period end unchanged;
 * - `renewal`: the next period, starting where the old one ended (no drift); paid ahead of the
 *   period end, nothing moves yet: the period end rolls over onto it (period-end.ts), and
 *   until then its plan is the one scheduled.
 * Any scheduled downgrade or cancellation is superseded by what the customer just paid for.
 */
export async function applyPaidPayment(trx: Db, payment: Payment, before: Subscription, now: Date): Promise<Subscription> {
  const plan = await repo.findPlan(trx, payment.project_id, payment.plan_id);
  if (!plan) throw new Error(`payment ${payment.id} points at a missing plan`);
  if (payment.purpose === 'renewal' && before.status === 'active') return paidAhead(trx, payment, before, now);

  const cleared = {
    status: 'active' as const,
    scheduled_plan_id: null,
    cancel_at_period_end: false,
    cancel_reason: null,
    canceled_at: null,
    grace_ends_at: null,
  };
  let changes;
  switch (payment.purpose) {
    case 'new':
      changes = { ...cleared, plan_id: plan.id, current_period_start: now, current_period_end: addInterval(now, plan.interval) };
      break;
    case 'upgrade':
      changes = { ...cleared, plan_id: plan.id };
      break;
    case 'renewal': {
      const start = payment.period_start ?? before.current_period_end ?? now;
      changes = { ...cleared, plan_id: plan.id, current_period_start: start, current_period_end: payment.period_end ?? addInterval(start, plan.interval) };
      break;
    }
  }
  const after = await repo.updateSubscription(trx, before.id, changes, now);
  await recordSubscriptionChange(trx, {
    before,
    after,
    type: payment.purpose === 'renewal' ? 'subscription.renewed' : 'subscription.updated',
    source: payment.source,
    now,
    extra: { payment_id: payment.id },
  });
  return after;
}

/**
 * A renewal paid before its period end: a cancellation or another scheduled plan gives way
 * to what was paid for (the renewal's plan is scheduled when it differs from the current one),
 * and `subscription.updated` says so; with nothing to change, no event (the payment's own
 * `payment.succeeded` is the news).
 */
async function paidAhead(trx: Db, payment: Payment, before: Subscription, now: Date): Promise<Subscription> {
  const changes = {
    cancel_at_period_end: false,
    cancel_reason: null,
    canceled_at: null,
    scheduled_plan_id: payment.plan_id === before.plan_id ? null : payment.plan_id,
  };
  const unchanged = (Object.keys(changes) as Array<keyof typeof changes>).every((k) => before[k] === changes[k]);
  if (unchanged) return before;
  const after = await repo.updateSubscription(trx, before.id, changes, now);
  await recordSubscriptionChange(trx, { before, after, source: payment.source, now, extra: { payment_id: payment.id } });
  return after;
}
