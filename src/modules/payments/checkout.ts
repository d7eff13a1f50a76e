import type { Deps } from '../../deps.ts';
import type { Payment } from '../../db/types.ts';
import { findEndUserById } from '../subscriptions/subscriptions.repository.ts';
import { storeCheckout } from './payments.repository.ts';

/**
 * Asks the gateway for the hosted payment page of a pending payment (Snap) and stores its
 * token and URL. Cards paid there may be kept (Midtrans `saved_token_id`) so renewals can
 * charge them without the customer. Throws the gateway's error: callers decide whether
 * that fails the payment (a plan change) or waits for a retry (a renewal).
 */
export async function createCheckoutFor(deps: Deps, payment: Payment, expiryMinutes: number): Promise<Payment> {
  const user = await findEndUserById(deps.db, payment.project_id, payment.end_user_id);
  const checkout = await deps.gateway.createCheckout({
    orderId: payment.order_id,
    amount: payment.amount,
    currency: 'IDR',
    items: payment.item_details,
    customer: { ...(user?.name && { firstName: user.name.slice(0, 255) }), ...(user?.email && { email: user.email }) },
    finishUrl: `${deps.config.publicUrl}/portal/payments/return`,
    expiryMinutes,
    saveCard: true,
    userId: payment.end_user_id,
  });
  return (await storeCheckout(deps.db, payment.id, { ...checkout, now: deps.clock.now() })) ?? payment;
}
