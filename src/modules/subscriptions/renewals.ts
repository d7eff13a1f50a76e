import type { Deps } from '../../deps.ts';
import type { Db } from '../../db/database.ts';
import type { Payment, Plan, Subscription } from '../../db/types.ts';
import { addInterval } from '../../lib/periods.ts';
import { GatewayError } from '../../payments/gateway.ts';
import { queuePastDue } from '../email/subscription-emails.ts';
import { ensureCheckout } from '../payments/checkout.ts';
import { createPendingPayment } from '../payments/payment-records.ts';
import * as payments from '../payments/payments.repository.ts';
import { recordGatewayState } from '../payments/payments.service.ts';
import * as repo from './subscriptions.repository.ts';

const DAY_MS = 86_400_000;
/** Snap links live at most 7 days; a renewal's link lives through the grace period when it can. */
export const MAX_LINK_MS = 7 * DAY_MS;

/** When the grace period after `periodEnd` ends, for the subscription's project. */
export async function graceEndsAfter(db: Db, sub: Subscription, periodEnd: Date): Promise<Date> {
  return new Date(periodEnd.getTime() + (await repo.gracePeriodDays(db, sub.project_id)) * DAY_MS);
}

/**
 * The pending payment for the period that starts at `periodStart` on `plan`, in the caller's
 * transaction: at the period end (period-end.ts) or ahead of it (renewal-reminders.ts). A
 * saved card is charged through the Core API under its order id; otherwise its page is due at
 * once, opened by `collectRenewal` right after commit (or by the reconciler).
 */
export function createRenewalPayment(
  trx: Db,
  deps: Deps,
  r: { sub: Subscription; plan: Plan; periodStart: Date; expiresAt: Date; now: Date },
): Promise<Payment> {
  const { sub, plan } = r;
  return createPendingPayment(trx, {
    projectId: sub.project_id,
    subscriptionId: sub.id,
    endUserId: sub.end_user_id,
    purpose: 'renewal',
    planId: plan.id,
    description: `${plan.name} renewal`,
    amount: plan.price,
    currency: plan.currency,
    items: [{ id: `plan-${plan.code}`.slice(0, 50), name: `${plan.name} renewal`.slice(0, 50), price: plan.price, quantity: 1 }],
    periodStart: r.periodStart,
    periodEnd: addInterval(r.periodStart, plan.interval),
    expiresAt: r.expiresAt,
    source: 'scheduler',
    gateway: deps.gateway.name,
    checkout: sub.saved_card_token ? 'none' : 'due',
    now: r.now,
  });
}

/**
 * Collects a renewal: charge the saved card when Midtrans gave us one, else (or when that
 * is declined) open a payment page the portal shows as "Pay now" during the grace period.
 * A page that cannot be opened now is retried by the reconciler (`openDueCheckouts`).
 */
export async function collectRenewal(deps: Deps, paymentId: string): Promise<Payment | undefined> {
  const payment = await payments.findPaymentById(deps.db, paymentId);
  if (!payment || payment.status !== 'pending') return payment;
  const sub = await repo.findSubscriptionOfEndUser(deps.db, payment.project_id, payment.end_user_id);

  if (sub?.saved_card_token && !payment.redirect_url) {
    // The Core API owns this order id now: no page may be opened for it meanwhile.
    await payments.clearCheckout(deps.db, payment.id);
    try {
      const state = await deps.gateway.chargeSavedCard({
        orderId: payment.order_id,
        amount: payment.amount,
        currency: 'IDR',
        items: payment.item_details,
        savedTokenId: sub.saved_card_token,
      });
      const recorded = await recordGatewayState(deps, state);
      if (state.status === 'paid' || state.status === 'pending') return recorded.payment;
      // Declined: recording the failure put a replacement with a fresh order id in its place.
      const next = await payments.findOpenPayment(deps.db, payment.subscription_id);
      return next ? ensureCheckout(deps, next) : recorded.payment;
    } catch (err) {
      deps.logger.warn({ err, payment_id: payment.id }, 'saved-card renewal failed; falling back to a payment page');
      // If the gateway knows this order (or cannot tell us), the charge may have happened:
      // leave it to reconciliation rather than risk a second charge through a page.
      if (!(err instanceof GatewayError) || (await gatewayKnows(deps, payment.order_id))) return payment;
      // Now the customer must pay through the page, and the period end left telling them to
      // the card: the past-due email goes with this change (once per period end, as ever).
      const now = deps.clock.now();
      await deps.db.transaction().execute(async (trx) => {
        await payments.markCheckoutDue(trx, payment.id, now);
        await queuePastDue(trx, deps, sub, payment, now);
      });
    }
  }
  return ensureCheckout(deps, (await payments.findPaymentById(deps.db, payment.id)) ?? payment);
}

async function gatewayKnows(deps: Deps, orderId: string): Promise<boolean> {
  try {
    return (await deps.gateway.getStatus(orderId)) !== null;
  } catch {
    return true;
  }
}
