import type { Deps } from '../../deps.ts';
import type { Db } from '../../db/database.ts';
import type { Subscription } from '../../db/types.ts';
import { queueRenewalReminder } from '../email/subscription-emails.ts';
import * as payments from '../payments/payments.repository.ts';
import { collectRenewal, createRenewalPayment, graceEndsAfter, MAX_LINK_MS } from './renewals.ts';
import * as repo from './subscriptions.repository.ts';

/**
 * The `renewal-reminders` job: a customer who pays each period themselves (no saved card)
 * gets their renewal `renewal_reminder_days` (project setting, 0–7) before the period ends —
 * the renewal payment opened early, and the `renewal_reminder` email whose "Pay now" signs
 * them in on it — so they can pay before anything lapses. Paid ahead, the period end rolls
 * over onto it; unpaid, the period end keeps it as the renewal when its page still lives
 * through the grace period (period-end.ts).
 *
 * Each subscription is claimed in its own transaction with `SKIP LOCKED` and marked for this
 * period end before the lock is released, so however many instances run it, a period gets
 * one early renewal and one email. Not opened (but marked): a free next plan, or an open
 * payment (a plan change waiting to be paid) — the period end deals with those as before.
 */
export async function openEarlyRenewals(deps: Deps, limit = 100): Promise<{ opened: number }> {
  let opened = 0;
  for (let claimed = 0; claimed < limit; claimed++) {
    const now = deps.clock.now();
    const outcome = await deps.db.transaction().execute(async (trx) => {
      const sub = await repo.claimRenewalToRemind(trx, now);
      if (!sub) return null;
      await repo.markRenewalReminded(trx, sub.id, sub.current_period_end!);
      return openEarly(trx, deps, sub, now);
    });
    if (outcome === null) break;
    if (outcome) {
      opened += 1;
      await collectRenewal(deps, outcome);
    }
  }
  return { opened };
}

async function openEarly(trx: Db, deps: Deps, sub: Subscription, now: Date): Promise<string | undefined> {
  const end = sub.current_period_end!;
  if (await payments.findOpenPayment(trx, sub.id)) return undefined;
  const next = await repo.findPlan(trx, sub.project_id, sub.scheduled_plan_id ?? sub.plan_id!);
  if (!next || next.price === 0) return undefined;
  const graceEndsAt = await graceEndsAfter(trx, sub, end);
  // Through the grace period when Snap's 7 days allow; never shorter than the period (N ≤ 7).
  const expiresAt = new Date(Math.min(now.getTime() + MAX_LINK_MS, graceEndsAt.getTime()));
  const renewal = await createRenewalPayment(trx, deps, { sub, plan: next, periodStart: end, expiresAt, now });
  await queueRenewalReminder(trx, deps, sub, renewal, graceEndsAt, now);
  return renewal.id;
}
