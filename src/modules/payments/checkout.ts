import type { Deps } from '../../deps.ts';
import type { EventSource, Payment } from '../../db/types.ts';
import { GatewayError } from '../../payments/gateway.ts';
import { findEndUserById } from '../subscriptions/subscriptions.repository.ts';
import { CHECKOUT_LEASE_MS, replacePayment } from './payment-records.ts';
import * as repo from './payments.repository.ts';

/**
 * Opening a pending payment's page at the gateway (Snap), at most once per order id and
 * never lost. Whoever opens it holds the payment (`checkout_retry_at` is a lease: created
 * `held` by a plan change, or claimed with a conditional UPDATE); a crash mid-call or a
 * failing gateway leaves it due again after the lease or a backoff, and the reconciler
 * (`openDueCheckouts`) or the next request retries. An order id the gateway already holds
 * (our earlier call created a page whose token never reached us) is replaced by a payment
 * with the same terms and a fresh order id: nobody can have seen the lost page.
 */

const MAX_BACKOFF_MS = 30 * 60_000;

/** Wait after the n-th failed attempt: 30 s, doubling, at most 30 minutes. */
export function checkoutBackoffMs(attempts: number): number {
  return Math.min(MAX_BACKOFF_MS, 30_000 * 2 ** Math.max(0, Math.min(attempts - 1, 10)));
}

/**
 * Asks the gateway for the payment page and stores its token and URL. The page lives until
 * the payment expires, never longer (an upgrade's expiry is its priced period's end). Cards
 * paid there may be kept (Midtrans `saved_token_id`) for renewals. Throws the gateway's error.
 */
async function createCheckoutFor(deps: Deps, payment: Payment): Promise<Payment> {
  const minutes = Math.floor((payment.expires_at.getTime() - deps.clock.now().getTime()) / 60_000);
  if (minutes < 1) throw new GatewayError('gateway_rejected', 'The payment expires in less than a minute; no page opened');
  const user = await findEndUserById(deps.db, payment.project_id, payment.end_user_id);
  const checkout = await deps.gateway.createCheckout({
    orderId: payment.order_id,
    amount: payment.amount,
    currency: 'IDR',
    items: payment.item_details,
    customer: { ...(user?.name && { firstName: user.name.slice(0, 255) }), ...(user?.email && { email: user.email }) },
    finishUrl: `${deps.config.publicUrl}/portal/payments/return`,
    expiryMinutes: minutes,
    saveCard: true,
    userId: payment.end_user_id,
  });
  return (await repo.storeCheckout(deps.db, payment.id, { ...checkout, now: deps.clock.now() })) ?? payment;
}

/**
 * One attempt by the current holder. Returns the payment with its page, or — after an
 * `order_id_taken` — the replacement (whose page this call also tries once). On any other
 * gateway error the payment waits for its backoff and the error is rethrown.
 */
async function attempt(deps: Deps, held: Payment, source: EventSource): Promise<Payment> {
  try {
    return await createCheckoutFor(deps, held);
  } catch (err) {
    if (!(err instanceof GatewayError)) throw err;
    if (err.code === 'order_id_taken') {
      const now = deps.clock.now();
      const replacement = await deps.db.transaction().execute((trx) =>
        replacePayment(trx, held, { reason: 'checkout: the gateway already holds this order id; replaced', source, now }),
      );
      if (!replacement) throw err;
      deps.logger.warn({ payment_id: held.id, replacement_id: replacement.id }, 'payment page lost at the gateway; replaced the payment');
      const claimed = await repo.claimCheckout(deps.db, replacement.id, now, new Date(now.getTime() + CHECKOUT_LEASE_MS));
      return claimed ? attempt(deps, claimed, source) : replacement;
    }
    await repo.deferCheckout(deps.db, held.id, new Date(deps.clock.now().getTime() + checkoutBackoffMs(held.checkout_attempts)));
    throw err;
  }
}

/**
 * Opens the page of a payment this caller created `held`. Throws the gateway's error (a plan
 * change turns it into an answer for the customer; the payment stays due for a retry).
 */
export function openHeldCheckout(deps: Deps, payment: Payment, source: EventSource): Promise<Payment> {
  return attempt(deps, payment, source);
}

/**
 * Gives a pending payment its page if it has none and nobody else holds it. Never throws a
 * gateway error: the payment is simply retried later. Returns the freshest row known.
 */
export async function ensureCheckout(deps: Deps, payment: Payment, source: EventSource = 'scheduler'): Promise<Payment> {
  if (payment.redirect_url || payment.status !== 'pending') return payment;
  const now = deps.clock.now();
  const claimed = await repo.claimCheckout(deps.db, payment.id, now, new Date(now.getTime() + CHECKOUT_LEASE_MS));
  if (!claimed) return (await repo.findPaymentById(deps.db, payment.id)) ?? payment;
  try {
    return await attempt(deps, claimed, source);
  } catch (err) {
    if (!(err instanceof GatewayError)) throw err;
    deps.logger.warn({ err, payment_id: payment.id, attempts: claimed.checkout_attempts }, 'could not open a payment page; will retry');
    return claimed;
  }
}

/** Reconciler step: opens the pages that are due (lost by a crash, or after a gateway outage). */
export async function openDueCheckouts(deps: Deps, limit = 25): Promise<{ opened: number; failed: number }> {
  const now = deps.clock.now();
  const due = await repo.claimDueCheckouts(deps.db, now, new Date(now.getTime() + CHECKOUT_LEASE_MS), limit);
  let opened = 0;
  let failed = 0;
  for (const payment of due) {
    try {
      if ((await attempt(deps, payment, 'scheduler')).redirect_url) opened += 1;
    } catch (err) {
      failed += 1;
      deps.logger.warn({ err, payment_id: payment.id, attempts: payment.checkout_attempts }, 'could not open a payment page; will retry');
    }
  }
  return { opened, failed };
}
