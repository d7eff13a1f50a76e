import type { Payment, Subscription } from '../../db/types.ts';

/**
 * The one word a subscription's state reads as, to its customer (the portal's overview) and
 * to the integrator (the dashboard's customers) alike; each app words it in its language.
 */
export type DisplayStatus = 'active' | 'pending_payment' | 'past_due' | 'canceled' | 'cancel_scheduled' | 'downgrade_scheduled' | 'incomplete' | 'none';

/** The subscription's status with what it has scheduled, and an open first payment. */
export function displayStatus(sub: Subscription | undefined, openPayment: Payment | undefined): DisplayStatus {
  if (!sub) return openPayment ? 'pending_payment' : 'none';
  switch (sub.status) {
    case 'incomplete':
      return openPayment ? 'pending_payment' : 'incomplete';
    case 'canceled':
      return 'canceled';
    case 'past_due':
      return 'past_due';
    case 'active':
      if (sub.cancel_at_period_end) return 'cancel_scheduled';
      if (sub.scheduled_plan_id) return 'downgrade_scheduled';
      return 'active';
  }
}
