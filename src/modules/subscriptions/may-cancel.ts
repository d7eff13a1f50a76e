import type { Plan, Subscription } from '../../db/types.ts';

/**
 * Why a subscription cannot be cancelled now, or `undefined` when it can. The one rule the
 * API (`cancel.ts`) and the portal (the overview's button, the cancel page) read.
 *
 * A project's free default plan is what a customer has when they pay for nothing: it is
 * not something to cancel (cancelling it would leave them with no plan at all), so it is
 * refused rather than offered. A customer who wants to leave stops using the app; the
 * integrator can still end the subscription by moving the customer to another plan.
 */
export type CancelRefusal = 'no_subscription' | 'free_default_plan';

export function whyNotCancel(sub: Pick<Subscription, 'status'> | undefined, plan: Pick<Plan, 'price' | 'is_default'> | undefined): CancelRefusal | undefined {
  if (!sub || (sub.status !== 'active' && sub.status !== 'past_due')) return 'no_subscription';
  if (plan && plan.price === 0 && plan.is_default) return 'free_default_plan';
  return undefined;
}

export const CANCEL_REFUSALS: Record<CancelRefusal, string> = {
  no_subscription: 'There is no active subscription to change',
  free_default_plan: "The free default plan cannot be cancelled: it is what a customer has without a paid plan",
};
