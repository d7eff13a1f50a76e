import type { Deps } from '../../deps.ts';
import type { Db } from '../../db/database.ts';
import type { EventSource, Payment, Plan, Subscription } from '../../db/types.ts';
import { AppError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { addInterval } from '../../lib/periods.ts';
import { GatewayError } from '../../payments/gateway.ts';
import { queuePlanChanged } from '../email/subscription-emails.ts';
import { ensureCheckout, openHeldCheckout } from '../payments/checkout.ts';
import { closePayment, createPendingPayment } from '../payments/payment-records.ts';
import * as payments from '../payments/payments.repository.ts';
import { quotePlanChange, type PlanChangeKind, type PlanChangeQuote } from './plan-change.ts';
import { recordSubscriptionChange } from './subscription-events.ts';
import * as repo from './subscriptions.repository.ts';

export interface PlanChangeRequest {
  projectId: string;
  /** Internal end user id (`eu_…`), already authorised by the caller (portal session, API key). */
  endUserId: string;
  planId: string;
  /** `admin`: a dashboard user acting for the customer (always with `only`). */
  source: Extract<EventSource, 'portal' | 'api' | 'admin'>;
  /**
   * The kinds of change this caller may make; any other is refused under the subscription
   * lock (`plan_change_not_allowed`, reason `not_allowed_here`) before anything is written.
   * The dashboard passes `['scheduled_at_period_end']`: it may schedule a downgrade for a
   * customer, never start a paid change (that is the customer's choice: they pay).
   */
  only?: readonly PlanChangeKind[];
  /** Runs in the change's transaction when something changed without a payment: the dashboard's audit entry. */
  audit?: (trx: Db, after: Subscription) => Promise<void>;
}

export type PlanChangeResult =
  | { outcome: 'applied' | 'scheduled'; kind: PlanChangeKind; subscription: Subscription }
  | { outcome: 'payment_required'; kind: PlanChangeKind; payment: Payment; reused: boolean };

/** How long a second request waits for a concurrent one to finish creating the checkout. */
const WAIT_FOR_CHECKOUT_MS = 10_000;

interface Context {
  subscription: Subscription | undefined;
  current: Plan | undefined;
  target: Plan;
}

/** Loads and checks everything a change needs; refuses what no rule allows. */
async function loadContext(trx: Db, r: PlanChangeRequest, lock: boolean): Promise<Context> {
  const target = await repo.findPlan(trx, r.projectId, r.planId);
  if (!target) throw new AppError('plan_not_found', `No plan with id ${r.planId} in this project`);
  if (target.archived_at) throw new AppError('plan_change_not_allowed', `The plan "${target.name}" is no longer offered`);
  const subscription = lock
    ? await repo.lockSubscriptionOfEndUser(trx, r.projectId, r.endUserId)
    : await repo.findSubscriptionOfEndUser(trx, r.projectId, r.endUserId);
  const live = subscription && (subscription.status === 'active' || subscription.status === 'past_due');
  const current = live && subscription.plan_id ? await repo.findPlan(trx, r.projectId, subscription.plan_id) : undefined;
  if (current && current.id === target.id) {
    throw new AppError('plan_change_not_allowed', `You are already on the ${target.name} plan`);
  }
  return { subscription, current, target };
}

/** What the change would do and cost right now, for the confirmation screen. */
export async function previewPlanChange(deps: Deps, r: PlanChangeRequest): Promise<PlanChangeQuote & { target: Plan; current: Plan | undefined }> {
  const ctx = await loadContext(deps.db, r, false);
  return { ...quotePlanChange({ ...ctx, now: deps.clock.now() }), target: ctx.target, current: ctx.current };
}

/**
 * Changes an end user's plan under the rules in docs/billing.md. Upgrades that cost money
 * create a pending payment (in the same transaction that checked there is no other open
 * one: a partial unique index backs this) and only then ask the gateway for a checkout, so
 * two concurrent requests produce exactly one gateway transaction; the loser gets the
 * winner's payment back.
 */
export async function changePlan(deps: Deps, r: PlanChangeRequest): Promise<PlanChangeResult> {
  const now = deps.clock.now();
  const step = await deps.db.transaction().execute(async (trx) => {
    // Serialise on the subscription row; create an `incomplete` one for a first purchase.
    let ctx = await loadContext(trx, r, true);
    if (r.only) {
      const kind = quotePlanChange({ ...ctx, now }).kind;
      if (!r.only.includes(kind)) {
        throw new AppError('plan_change_not_allowed', 'This change cannot be made here: a change that costs money now is the customer\'s choice, from their portal', { reason: 'not_allowed_here', kind });
      }
    }
    if (!ctx.subscription) {
      await repo.insertIncompleteSubscription(trx, { id: newId('sub'), projectId: r.projectId, endUserId: r.endUserId, now });
      ctx = await loadContext(trx, r, true);
    }
    const subscription = ctx.subscription!;
    const open = await payments.findOpenPayment(trx, subscription.id);
    if (open) {
      if (open.plan_id === ctx.target.id) return { type: 'reuse' as const, payment: open };
      if (!neverShown(open, now)) {
        throw new AppError('payment_in_progress', 'Another plan change is waiting for payment; finish or cancel it first', {
          payment_id: open.id,
        });
      }
      // Its page never opened (its opener crashed or the gateway was down), so nobody can be
      // paying it: it gives way to the plan the customer wants now.
      await closePayment(trx, open, { status: 'failed', reason: 'replaced by another plan change before its page opened', source: r.source, now });
    }
    const quote = quotePlanChange({ ...ctx, now });
    if (subscription.cancel_at_period_end && quote.amount === 0) {
      throw new AppError('plan_change_not_allowed', 'The subscription is set to cancel at period end; resume it before changing plans');
    }

    if (quote.kind === 'scheduled_at_period_end') {
      // Asking again for the change already scheduled changes nothing (no event, no version bump).
      if (subscription.scheduled_plan_id === ctx.target.id) {
        return { type: 'done' as const, outcome: 'scheduled' as const, kind: quote.kind, subscription };
      }
      const after = await repo.updateSubscription(trx, subscription.id, { scheduled_plan_id: ctx.target.id }, now);
      await recordSubscriptionChange(trx, { before: subscription, after, source: r.source, now });
      await r.audit?.(trx, after);
      return { type: 'done' as const, outcome: 'scheduled' as const, kind: quote.kind, subscription: after };
    }
    if (quote.kind === 'switch_now') {
      const startsFresh = !ctx.current;
      const after = await repo.updateSubscription(
        trx,
        subscription.id,
        {
          plan_id: ctx.target.id,
          status: 'active',
          scheduled_plan_id: null,
          ...(startsFresh && { current_period_start: now, current_period_end: addInterval(now, ctx.target.interval) }),
          canceled_at: null,
          cancel_reason: null,
        },
        now,
      );
      await recordSubscriptionChange(trx, { before: subscription, after, source: r.source, now });
      await queuePlanChanged(trx, deps, { before: subscription, after, cause: `${after.id}:v${after.version}`, effectiveAt: now, now });
      await r.audit?.(trx, after);
      return { type: 'done' as const, outcome: 'applied' as const, kind: quote.kind, subscription: after };
    }

    // A price that credits unused time is only true for the period it was computed on: the
    // payment remembers that period (it is applied only to it), and its page closes with it.
    const priced = quote.credit > 0 || quote.kind === 'upgrade_prorated';
    const periodEnd = priced ? subscription.current_period_end : null;
    let expiresAt = new Date(now.getTime() + deps.config.payments.expiryMinutes * 60_000);
    if (periodEnd && periodEnd < expiresAt) expiresAt = periodEnd;
    if (expiresAt.getTime() - now.getTime() < 60_000) {
      throw new AppError('plan_change_not_allowed', 'The current period ends in less than a minute; try again once it has renewed');
    }
    const payment = await createPendingPayment(trx, {
      projectId: r.projectId,
      subscriptionId: subscription.id,
      endUserId: r.endUserId,
      purpose: quote.kind === 'upgrade_prorated' ? 'upgrade' : 'new',
      planId: ctx.target.id,
      description: describe(quote.kind, ctx.target, ctx.current),
      amount: quote.amount,
      currency: ctx.target.currency,
      items: quote.items,
      periodStart: priced ? subscription.current_period_start : null,
      periodEnd,
      expiresAt,
      source: r.source,
      gateway: deps.gateway.name,
      checkout: 'held',
      now,
    });
    return { type: 'checkout' as const, kind: quote.kind, payment };
  });

  if (step.type === 'done') return { outcome: step.outcome, kind: step.kind, subscription: step.subscription };
  if (step.type === 'reuse') {
    const payment = await waitForCheckout(deps, step.payment, r.source);
    return { outcome: 'payment_required', kind: kindOf(payment), payment, reused: true };
  }
  const payment = await openCheckout(deps, step.payment, r.source);
  return { outcome: 'payment_required', kind: step.kind, payment, reused: false };
}

/** A pending payment without a page whose opener's time has run out. */
function neverShown(p: Payment, now: Date): boolean {
  return !p.redirect_url && p.checkout_retry_at !== null && p.checkout_retry_at <= now;
}

/**
 * Opens the page of the payment this request created. If the gateway fails, the customer is
 * told at once and the payment is failed (with its event), freeing the subscription for
 * another try; if this instance dies instead, the reconciler opens the page later.
 */
async function openCheckout(deps: Deps, payment: Payment, source: PlanChangeRequest['source']): Promise<Payment> {
  try {
    return await openHeldCheckout(deps, payment, source);
  } catch (err) {
    if (!(err instanceof GatewayError)) throw err;
    await deps.db.transaction().execute((trx) =>
      closePayment(trx, payment, { status: 'failed', reason: `checkout: ${err.code}`, source, now: deps.clock.now() }),
    );
    throw new AppError('payment_gateway_unavailable', 'The payment provider could not start the payment; please try again');
  }
}

/**
 * The customer asked again for the plan of an open payment. If its page exists, that is the
 * answer; if its opener's time ran out, this request opens it; otherwise another request is
 * opening it right now: wait (briefly) for its page.
 */
async function waitForCheckout(deps: Deps, payment: Payment, source: PlanChangeRequest['source']): Promise<Payment> {
  const deadline = Date.now() + WAIT_FOR_CHECKOUT_MS;
  let current = payment;
  for (;;) {
    // Opens it if its opener's time ran out; may come back as a replacement (fresh order id).
    current = await ensureCheckout(deps, current, source);
    if (current.redirect_url && current.status === 'pending') return current;
    if (current.status !== 'pending' || Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new AppError('payment_in_progress', 'The payment is still being prepared; try again in a moment', { payment_id: current.id });
}

function kindOf(payment: Payment): PlanChangeKind {
  return payment.purpose === 'upgrade' ? 'upgrade_prorated' : 'start_paid';
}

function describe(kind: PlanChangeKind, target: Plan, current: Plan | undefined): string {
  if (kind === 'upgrade_prorated' && current) return `Upgrade from ${current.name} to ${target.name} (prorated)`;
  if (current) return `Change from ${current.name} to ${target.name}`;
  return `${target.name} plan`;
}
