import type { Plan, Subscription } from '../../db/types.ts';
import type { CheckoutItem } from '../../payments/gateway.ts';

/**
 * The plan-change rules as pure functions (docs/billing.md explains them for people).
 * Nothing here touches the database or the clock: callers pass `now`.
 */

export type PlanChangeKind =
  /** No paid period to keep (no plan, incomplete, ended, or a free plan): full price, new period from payment. */
  | 'start_paid'
  /** Cheaper or lateral change to a free/no-plan state, or an equal-priced same-interval plan: applied at once. */
  | 'switch_now'
  /** Paid → dearer paid, same interval: the prorated difference now, period end unchanged. */
  | 'upgrade_prorated'
  /** Paid monthly → dearer yearly: the yearly price minus unused monthly credit, new period from payment. */
  | 'upgrade_new_period'
  /**
   * Cheaper plan, same-priced plan of another interval, or yearly → monthly: scheduled for
   * the end of the paid period; nothing charged now, no refund.
   */
  | 'scheduled_at_period_end';

export interface PlanChangeQuote {
  kind: PlanChangeKind;
  /** Integer rupiah charged now (0 when nothing is charged). */
  amount: number;
  /** Snap item_details: Σ price × quantity = amount. Empty when nothing is charged. */
  items: CheckoutItem[];
  /** When the new plan takes effect: `null` means "when the payment settles". */
  effectiveAt: Date | null;
  /** The credit for unused time on the current plan (0 if none). */
  credit: number;
}

/** Price per 12 months, so monthly and yearly plans compare without fractions. */
export function annualised(plan: Pick<Plan, 'price' | 'interval'>): number {
  return plan.interval === 'month' ? plan.price * 12 : plan.price;
}

/** Whether the subscription currently holds a paid period worth prorating against. */
export function hasPaidPeriod(sub: Subscription | undefined, current: Plan | undefined, now: Date): boolean {
  return Boolean(
    sub &&
      current &&
      current.price > 0 &&
      (sub.status === 'active' || sub.status === 'past_due') &&
      sub.current_period_start &&
      sub.current_period_end &&
      sub.current_period_end > now,
  );
}

/**
 * `round(amount × part / whole)` in exact integer arithmetic (half rounds up). Prices reach
 * 10^12 and periods 3·10^10 ms, so the product needs BigInt.
 */
export function prorate(amount: number, partMs: number, wholeMs: number): number {
  if (wholeMs <= 0) return 0;
  const part = BigInt(Math.max(0, Math.min(partMs, wholeMs)));
  const whole = BigInt(wholeMs);
  return Number((2n * BigInt(amount) * part + whole) / (2n * whole));
}

export function quotePlanChange(input: {
  subscription: Subscription | undefined;
  current: Plan | undefined;
  target: Plan;
  now: Date;
}): PlanChangeQuote {
  const { subscription: sub, current, target, now } = input;
  const targetLine = (price: number, name = `${target.name} (${target.interval === 'month' ? 'monthly' : 'yearly'})`): CheckoutItem => ({
    id: `plan-${target.code}`.slice(0, 50),
    name: name.slice(0, 50),
    price,
    quantity: 1,
  });

  if (!hasPaidPeriod(sub, current, now)) {
    if (target.price === 0) return { kind: 'switch_now', amount: 0, items: [], effectiveAt: now, credit: 0 };
    return { kind: 'start_paid', amount: target.price, items: [targetLine(target.price)], effectiveAt: null, credit: 0 };
  }

  const start = sub!.current_period_start!.getTime();
  const end = sub!.current_period_end!.getTime();
  const remaining = end - now.getTime();
  const whole = end - start;
  const currentPlan = current!;
  const up = annualised(target) - annualised(currentPlan);

  // A yearly plan's unused credit can exceed a monthly price, and we never refund: moving to a
  // shorter interval always waits for the paid year to end.
  const shorterInterval = currentPlan.interval === 'year' && target.interval === 'month';
  if (up < 0 || shorterInterval || (up === 0 && target.interval !== currentPlan.interval)) {
    return { kind: 'scheduled_at_period_end', amount: 0, items: [], effectiveAt: sub!.current_period_end!, credit: 0 };
  }
  if (up === 0) return { kind: 'switch_now', amount: 0, items: [], effectiveAt: now, credit: 0 };

  const credit = prorate(currentPlan.price, remaining, whole);
  const creditLine: CheckoutItem = {
    id: 'proration-credit',
    name: `Unused time on ${currentPlan.name}`.slice(0, 50),
    price: -credit,
    quantity: 1,
  };
  if (target.interval === currentPlan.interval) {
    const charge = prorate(target.price, remaining, whole);
    const amount = charge - credit;
    if (amount <= 0) return { kind: 'switch_now', amount: 0, items: [], effectiveAt: now, credit: 0 };
    const items = [targetLine(charge, `${target.name}, rest of current period`), ...(credit > 0 ? [creditLine] : [])];
    return { kind: 'upgrade_prorated', amount, items, effectiveAt: null, credit };
  }
  const items = [targetLine(target.price), ...(credit > 0 ? [creditLine] : [])];
  return { kind: 'upgrade_new_period', amount: target.price - credit, items, effectiveAt: null, credit };
}
