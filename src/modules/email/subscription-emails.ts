import type { Db } from '../../db/database.ts';
import type { EmailType, Payment, Subscription } from '../../db/types.ts';
import { defaultPlanText, planText, queueCustomerEmail, signInButton, type EmailDeps } from './customer-email.ts';
import { renderCancellationScheduled } from './templates/cancellation-scheduled.ts';
import type { EmailBase, RenderedEmail } from './templates/layout.ts';
import { renderPastDue } from './templates/past-due.ts';
import { renderPlanChanged } from './templates/plan-changed.ts';
import { renderRenewalReminder } from './templates/renewal-reminder.ts';
import { renderSubscriptionEnded } from './templates/subscription-ended.ts';

/**
 * Emails about a subscription's state, queued in the transaction that changes it (the
 * period-end job, a cancellation, a plan change taking effect). The cause names the subscription
 * and the moment that makes the change unique — a period end, a cancellation's time, a
 * payment — so a repeated request or job queues nothing twice. Like every customer email,
 * none is queued when email is off, the project switched the type off, or the customer has
 * no address.
 */

const at = (d: Date) => d.toISOString();

/**
 * The renewal of a customer who pays each period themselves, opened ahead of the period end
 * (renewal-reminders.ts): what it costs, when the period ends, and "Pay now", which signs them
 * in and opens it while its page lives. Cause: the subscription and the period end.
 */
export async function queueRenewalReminder(trx: Db, deps: EmailDeps, sub: Subscription, renewal: Payment, graceEnds: Date, now: Date): Promise<void> {
  const periodEnds = renewal.period_start;
  if (!periodEnds || !renewal.period_end || periodEnds <= now) return;
  await queueAboutSubscription(trx, deps, sub, 'renewal_reminder', `${sub.id}:${at(periodEnds)}`, now, async (base) => {
    const plan = await planText(trx, sub.project_id, renewal.plan_id, base.locale);
    if (!plan) return undefined;
    const pay = await signInButton(trx, deps, { projectId: sub.project_id, endUserId: sub.end_user_id, locale: base.locale, flow: `pay:${renewal.id}`, until: renewal.expires_at, now });
    return renderRenewalReminder({ ...base, planName: plan.name, amount: renewal.amount, currency: renewal.currency, periodEnds, renewalEnds: renewal.period_end!, graceEnds, pay });
  });
}

/**
 * The period ended with its renewal unpaid and the subscription is past due: until when it
 * stays usable, and how to pay. Cause: the subscription and the period end. Not when the
 * grace period is already over (nothing to pay for; `subscription_ended` follows at once).
 */
export async function queuePastDue(trx: Db, deps: EmailDeps, sub: Subscription, renewal: Payment, now: Date): Promise<void> {
  const dueSince = renewal.period_start ?? sub.current_period_end;
  const usableUntil = sub.grace_ends_at;
  if (sub.status !== 'past_due' || !dueSince || !usableUntil || usableUntil <= now) return;
  await queueAboutSubscription(trx, deps, sub, 'past_due', `${sub.id}:${at(dueSince)}`, now, async (base) => {
    const plan = await planText(trx, sub.project_id, renewal.plan_id, base.locale);
    const fallback = await defaultPlanText(trx, sub.project_id, base.locale);
    if (!plan) return undefined;
    // "Pay now" signs the customer in and opens the renewal, through the grace period.
    const pay = await signInButton(trx, deps, { projectId: sub.project_id, endUserId: sub.end_user_id, locale: base.locale, flow: `pay:${renewal.id}`, until: usableUntil, now });
    return renderPastDue({ ...base, planName: plan.name, amount: renewal.amount, currency: renewal.currency, dueSince, usableUntil, fallbackPlan: fallback?.name ?? null, pay });
  });
}

/**
 * The subscription ended: a scheduled cancellation took effect at its period end
 * (`canceled`), or its grace period ran out unpaid (`unpaid`: ended, or moved to the
 * project's default plan, which `after` shows). Cause: the subscription and `endedAt`.
 */
export async function queueSubscriptionEnded(
  trx: Db,
  deps: EmailDeps,
  e: { before: Subscription; after: Subscription; reason: 'canceled' | 'unpaid'; endedAt: Date; now: Date },
): Promise<void> {
  await queueAboutSubscription(trx, deps, e.after, 'subscription_ended', `${e.after.id}:${at(e.endedAt)}`, e.now, async (base) => {
    const plan = await planText(trx, e.after.project_id, e.before.plan_id, base.locale);
    const fallback = e.after.status === 'active' ? await planText(trx, e.after.project_id, e.after.plan_id, base.locale) : undefined;
    if (!plan) return undefined;
    return renderSubscriptionEnded({ ...base, planName: plan.name, reason: e.reason, endedAt: e.endedAt, fallbackPlan: fallback?.name ?? null });
  });
}

/**
 * A cancellation at period end was just scheduled (portal or API): access until the period
 * end, and it can be resumed until then. Cause: the subscription and the cancellation's
 * time, so cancelling again after a resume is news again, and a repeated request (which
 * changes nothing) is not.
 */
export async function queueCancellationScheduled(trx: Db, deps: EmailDeps, sub: Subscription, now: Date): Promise<void> {
  const accessUntil = sub.current_period_end;
  if (!sub.cancel_at_period_end || !accessUntil) return;
  await queueAboutSubscription(trx, deps, sub, 'cancellation_scheduled', `${sub.id}:${at(sub.canceled_at ?? now)}`, now, async (base) => {
    const plan = await planText(trx, sub.project_id, sub.plan_id, base.locale);
    return plan && renderCancellationScheduled({ ...base, planName: plan.name, accessUntil });
  });
}

/**
 * A plan change took effect: a paid upgrade applied, a scheduled downgrade at period end, or
 * a change applied at once. Only a change from one plan to another on a live subscription:
 * buying a paid plan with nothing paid before (no plan, or a free one) is a purchase, and
 * its receipt says all of it; an unpaid subscription moved to the default plan is an end
 * (`subscription_ended`). The caller names the cause (the payment, the period end, or the
 * subscription's new version), and whether the change was paid for (`paid`).
 */
export async function queuePlanChanged(
  trx: Db,
  deps: EmailDeps,
  e: { before: Subscription; after: Subscription; cause: string; effectiveAt: Date; paid?: boolean; now: Date },
): Promise<void> {
  const { before, after } = e;
  const wasLive = before.status === 'active' || before.status === 'past_due';
  if (!wasLive || !before.plan_id || !after.plan_id || before.plan_id === after.plan_id) return;
  await queueAboutSubscription(trx, deps, after, 'plan_changed', e.cause, e.now, async (base) => {
    const from = await planText(trx, after.project_id, before.plan_id, base.locale);
    const to = await planText(trx, after.project_id, after.plan_id, base.locale);
    if (!from || !to || (e.paid && from.price === 0)) return undefined;
    // A past-due subscription's renewal is already due (the past-due email or the receipt says so).
    const renewsAt = after.status === 'active' && to.price > 0 ? after.current_period_end : null;
    return renderPlanChanged({ ...base, fromPlan: from.name, toPlan: to.name, price: to.price, currency: to.currency, interval: to.interval, effectiveAt: e.effectiveAt, renewsAt });
  });
}

function queueAboutSubscription(
  trx: Db,
  deps: EmailDeps,
  sub: Subscription,
  type: EmailType,
  cause: string,
  now: Date,
  render: (base: EmailBase) => Promise<RenderedEmail | undefined>,
): Promise<boolean> {
  return queueCustomerEmail(trx, deps, { projectId: sub.project_id, endUserId: sub.end_user_id, type, cause, now }, render);
}
