import type { Deps } from '../../deps.ts';
import type { Payment } from '../../db/types.ts';
import { newId } from '../../lib/ids.ts';
import { GatewayError } from '../../payments/gateway.ts';
import { createCheckoutFor } from '../payments/checkout.ts';
import * as payments from '../payments/payments.repository.ts';
import { recordGatewayState } from '../payments/payments.service.ts';
import * as repo from './subscriptions.repository.ts';

/**
 * Collects a renewal: charge the saved card when Midtrans gave us one, else (or when that
 * fails) open a payment link the portal shows as "Pay now" during the grace period.
 */
export async function collectRenewal(deps: Deps, paymentId: string): Promise<Payment | undefined> {
  let payment = await payments.findPaymentById(deps.db, paymentId);
  if (!payment || payment.status !== 'pending') return payment;
  const sub = await repo.findSubscriptionOfEndUser(deps.db, payment.project_id, payment.end_user_id);

  if (sub?.saved_card_token) {
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
      // Declined: that order id is spent at Midtrans, so the link needs a fresh payment.
      payment = await replaceFailedRenewal(deps, payment);
    } catch (err) {
      deps.logger.warn({ err, payment_id: payment.id }, 'saved-card renewal failed; falling back to a payment link');
      // If the gateway knows this order (or cannot tell us), the charge may have happened:
      // leave it to reconciliation rather than risk a second charge through a link.
      if (!(err instanceof GatewayError) || (await gatewayKnows(deps, payment.order_id))) return payment;
    }
  }
  return ensureCheckout(deps, payment);
}

/** Gives a pending payment its payment link if it has none yet (renewals, retries after errors). */
export async function ensureCheckout(deps: Deps, payment: Payment): Promise<Payment> {
  if (payment.redirect_url || payment.status !== 'pending') return payment;
  try {
    const remainingMinutes = Math.ceil((payment.expires_at.getTime() - deps.clock.now().getTime()) / 60_000);
    return await createCheckoutFor(deps, payment, Math.max(1, remainingMinutes));
  } catch (err) {
    deps.logger.warn({ err, payment_id: payment.id }, 'could not open a payment link; the portal will retry');
    return payment;
  }
}

async function replaceFailedRenewal(deps: Deps, failed: Payment): Promise<Payment> {
  const now = deps.clock.now();
  const id = newId('pay');
  return payments.insertPayment(deps.db, {
    ...failed,
    id,
    order_id: id,
    item_details: JSON.stringify(failed.item_details),
    status: 'pending',
    gateway_token: null,
    redirect_url: null,
    gateway_status: null,
    gateway_transaction_id: null,
    payment_method: null,
    paid_at: null,
    failure_reason: null,
    created_at: now,
    updated_at: now,
  });
}

async function gatewayKnows(deps: Deps, orderId: string): Promise<boolean> {
  try {
    return (await deps.gateway.getStatus(orderId)) !== null;
  } catch {
    return true;
  }
}
