import type { Deps } from '../../deps.ts';
import type { Payment } from '../../db/types.ts';
import { GatewayError } from '../../payments/gateway.ts';
import * as repo from './payments.repository.ts';
import { recordGatewayState } from './payments.service.ts';

const BATCH = 25;
const RECHECK_AFTER_MS = 10 * 60_000;

/**
 * Lost webhooks and abandoned checkouts: asks the gateway about pending payments that are
 * due a check, applying what it says through the same path as a webhook, and expires
 * payments whose link has lapsed. No payment stays pending forever; no paid one goes
 * unapplied. Safe on many instances (claims use SKIP LOCKED).
 */
export async function reconcilePendingPayments(deps: Deps): Promise<{ checked: number; changed: number }> {
  const now = deps.clock.now();
  const due = await repo.claimPaymentsToReconcile(deps.db, now, new Date(now.getTime() + RECHECK_AFTER_MS), BATCH);
  let changed = 0;
  for (const payment of due) {
    try {
      if (await reconcileOne(deps, payment, now)) changed += 1;
    } catch (err) {
      deps.logger.warn({ err, payment_id: payment.id }, 'reconciliation of a payment failed; will retry');
    }
  }
  return { checked: due.length, changed };
}

async function reconcileOne(deps: Deps, payment: Payment, now: Date): Promise<boolean> {
  let state = await deps.gateway.getStatus(payment.order_id);
  if (state && state.status !== 'pending') return (await recordGatewayState(deps, state)).outcome === 'applied';
  if (payment.expires_at > now) {
    // Unknown to the gateway, no page, and nobody meaning to open one (a saved-card charge
    // that never reached it): give it a page, or the customer could never pay.
    if (!state && !payment.redirect_url && payment.checkout_retry_at === null) await repo.markCheckoutDue(deps.db, payment.id, now);
    return false;
  }

  if (state) {
    // Still pending at the gateway after our deadline: close it there first, so it cannot
    // be paid after we told the customer it expired.
    try {
      state = await deps.gateway.expire(payment.order_id);
    } catch (err) {
      if (!(err instanceof GatewayError)) throw err;
      state = await deps.gateway.getStatus(payment.order_id); // it may have settled meanwhile
    }
    if (state && state.status !== 'pending') return (await recordGatewayState(deps, state)).outcome === 'applied';
    return false;
  }
  // The gateway never saw a payment method chosen: the link simply lapsed.
  const result = await recordGatewayState(deps, {
    orderId: payment.order_id,
    status: 'expired',
    gatewayStatus: 'expire',
    grossAmount: payment.amount,
    currency: payment.currency,
  });
  return result.outcome === 'applied';
}
