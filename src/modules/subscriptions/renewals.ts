import type { Deps } from '../../deps.ts';
import type { Payment } from '../../db/types.ts';
import { GatewayError } from '../../payments/gateway.ts';
import { queuePastDue } from '../email/subscription-emails.ts';
import { ensureCheckout } from '../payments/checkout.ts';
import * as payments from '../payments/payments.repository.ts';
import { recordGatewayState } from '../payments/payments.service.ts';
import * as repo from './subscriptions.repository.ts';

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
