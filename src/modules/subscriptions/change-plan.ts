import type { Deps } from '../../deps.ts';
import type { Db } from '../../db/database.ts';
import type { EventSource, Payment, Plan, Subscription } from '../../db/types.ts';
import { AppError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { addInterval } from '../../lib/periods.ts';
import { GatewayError } from '../../payments/gateway.ts';
import { createCheckoutFor } from '../payments/checkout.ts';
import * as payments from '../payments/payments.repository.ts';
import { recordEvent } from '../events/events.repository.ts';
import { quotePlanChange, type PlanChangeKind, type PlanChangeQuote } from './plan-change.ts';
import { recordSubscriptionChange } from './subscription-events.ts';
import * as repo from './subscriptions.repository.ts';

export interface PlanChangeRequest {
  projectId: string;
  /** Internal end user id (`eu_…`), already authorised by the caller (portal session, API key). */
  endUserId: string;
  planId: string;
  source: Extract<EventSource, 'portal' | 'api'>;
}

export type PlanChangeResult =
  | { outcome: 'applied' | 'scheduled'; kind: PlanChangeKind; subscription: Subscription }
  | { outcome: 'payment_required'; kind: PlanChangeKind; payment: Payment; reused: boolean };

/** First check of a fresh payment by the reconciler, in case its webhook never comes. */
const FIRST_RECONCILE_AFTER_MS = 5 * 60_000;
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
    if (!ctx.subscription) {
      await repo.insertIncompleteSubscription(trx, { id: newId('sub'), projectId: r.projectId, endUserId: r.endUserId, now });
      ctx = await loadContext(trx, r, true);
    }
    const subscription = ctx.subscription!;
    const open = await payments.findOpenPayment(trx, subscription.id);
    if (open) {
      if (open.plan_id === ctx.target.id) return { type: 'reuse' as const, payment: open };
      throw new AppError('payment_in_progress', 'Another plan change is waiting for payment; finish or cancel it first', {
        payment_id: open.id,
      });
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
      return { type: 'done' as const, outcome: 'applied' as const, kind: quote.kind, subscription: after };
    }

    const paymentId = newId('pay');
    const payment = await payments.insertPayment(trx, {
      id: paymentId,
      project_id: r.projectId,
      subscription_id: subscription.id,
      end_user_id: r.endUserId,
      purpose: quote.kind === 'upgrade_prorated' ? 'upgrade' : 'new',
      plan_id: ctx.target.id,
      description: describe(quote.kind, ctx.target, ctx.current),
      amount: quote.amount,
      currency: ctx.target.currency,
      item_details: JSON.stringify(quote.items),
      period_start: quote.kind === 'upgrade_prorated' ? subscription.current_period_start : null,
      period_end: quote.kind === 'upgrade_prorated' ? subscription.current_period_end : null,
      status: 'pending',
      order_id: paymentId, // pay_ + base64url: within Midtrans' 50 chars and charset
      gateway: deps.gateway.name,
      expires_at: new Date(now.getTime() + deps.config.payments.expiryMinutes * 60_000),
      next_check_at: new Date(now.getTime() + FIRST_RECONCILE_AFTER_MS),
      source: r.source,
      created_at: now,
      updated_at: now,
    });
    await recordEvent(trx, {
      projectId: r.projectId,
      type: 'payment.created',
      subjectId: payment.id,
      source: r.source,
      data: { amount: payment.amount, currency: payment.currency, plan_id: payment.plan_id, purpose: payment.purpose },
      now,
    });
    return { type: 'checkout' as const, kind: quote.kind, payment };
  });

  if (step.type === 'done') return { outcome: step.outcome, kind: step.kind, subscription: step.subscription };
  if (step.type === 'reuse') {
    const payment = await waitForCheckout(deps, step.payment);
    return { outcome: 'payment_required', kind: kindOf(payment), payment, reused: true };
  }
  const payment = await openCheckout(deps, step.payment);
  return { outcome: 'payment_required', kind: step.kind, payment, reused: false };
}

/** Creates the gateway checkout for a pending payment; marks the payment failed if that fails. */
export async function openCheckout(deps: Deps, payment: Payment): Promise<Payment> {
  try {
    return await createCheckoutFor(deps, payment, deps.config.payments.expiryMinutes);
  } catch (err) {
    // Compensation: free the subscription for another attempt, keep the record for support.
    await payments.updatePaymentProgress(
      deps.db,
      payment.id,
      { status: 'failed', failureReason: err instanceof GatewayError ? `checkout: ${err.code}` : 'checkout: error' },
      deps.clock.now(),
    );
    if (err instanceof GatewayError) {
      throw new AppError('payment_gateway_unavailable', 'The payment provider could not start the payment; please try again');
    }
    throw err;
  }
}

/** A concurrent request created this payment; wait (briefly) until its checkout URL exists. */
async function waitForCheckout(deps: Deps, payment: Payment): Promise<Payment> {
  const deadline = Date.now() + WAIT_FOR_CHECKOUT_MS;
  let current: Payment | undefined = payment;
  while (current && current.status === 'pending' && !current.redirect_url && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    current = await payments.findPaymentById(deps.db, payment.id);
  }
  if (!current?.redirect_url) {
    throw new AppError('payment_in_progress', 'The payment is still being prepared; try again in a moment', { payment_id: payment.id });
  }
  return current;
}

function kindOf(payment: Payment): PlanChangeKind {
  return payment.purpose === 'upgrade' ? 'upgrade_prorated' : 'start_paid';
}

function describe(kind: PlanChangeKind, target: Plan, current: Plan | undefined): string {
  if (kind === 'upgrade_prorated' && current) return `Upgrade from ${current.name} to ${target.name} (prorated)`;
  if (current) return `Change from ${current.name} to ${target.name}`;
  return `${target.name} plan`;
}
