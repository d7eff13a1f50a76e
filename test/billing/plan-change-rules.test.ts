import { describe, expect, it } from 'vitest';
import type { Plan, Subscription } from '../../src/db/types.ts';
import { annualised, prorate, quotePlanChange } from '../../src/modules/subscriptions/plan-change.ts';

const at = (iso: string) => new Date(iso);

function plan(code: string, price: number, interval: 'month' | 'year' = 'month'): Plan {
  return {
    id: `plan_${code}`, project_id: 'prj_1', code, name: code[0]!.toUpperCase() + code.slice(1), description: '', price,
    currency: 'IDR', interval, features: [], translations: {}, sort_order: 0, is_default: false, archived_at: null, created_at: at('2026-01-01T00:00:00Z'), updated_at: at('2026-01-01T00:00:00Z'),
  };
}

function subscription(p: Plan | undefined, start = '2026-01-01T00:00:00Z', end = '2026-02-01T00:00:00Z', status: Subscription['status'] = 'active'): Subscription {
  return {
    id: 'sub_1', project_id: 'prj_1', end_user_id: 'eu_1', plan_id: p?.id ?? null, status,
    current_period_start: p ? at(start) : null, current_period_end: p ? at(end) : null, scheduled_plan_id: null,
    cancel_at_period_end: false, cancel_reason: null, canceled_at: null, grace_ends_at: null, saved_card_token: null, saved_card_last4: null, renewal_reminded_for: null, version: 1,
    created_at: at(start), updated_at: at(start),
  };
}

const free = plan('free', 0);
const pro = plan('pro', 150_000);
const business = plan('business', 450_000);
const proYearly = plan('proyearly', 1_500_000, 'year');

describe('prorate', () => {
  it('is exact integer arithmetic with half-up rounding', () => {
    expect(prorate(150_000, 1, 2)).toBe(75_000);
    expect(prorate(100, 1, 3)).toBe(33);
    expect(prorate(200, 1, 3)).toBe(67); // 66.67
    expect(prorate(1, 1, 2)).toBe(1); // 0.5 rounds up
    // 10^12 × 2 678 399 999 / 2 678 400 000 = 999 999 999 626.64…: exact, no float overflow.
    expect(prorate(1_000_000_000_000, 31 * 86_400_000 - 1, 31 * 86_400_000)).toBe(999_999_999_627);
    expect(prorate(150_000, -5, 100)).toBe(0);
    expect(prorate(150_000, 500, 100)).toBe(150_000);
  });
});

describe('quotePlanChange', () => {
  it('charges the full price and starts a new period when there is no paid period', () => {
    for (const sub of [undefined, subscription(free), subscription(pro, undefined, undefined, 'canceled')]) {
      const current = sub?.status === 'active' ? free : undefined;
      const q = quotePlanChange({ subscription: sub, current, target: pro, now: at('2026-01-10T00:00:00Z') });
      expect(q).toEqual({ kind: 'start_paid', amount: 150_000, items: [{ id: 'plan-pro', name: 'Pro (monthly)', price: 150_000, quantity: 1 }], effectiveAt: null, credit: 0 });
    }
  });

  it.each([
    // [now, remaining fraction of a 31-day January, expected charge line, credit, amount]
    ['2026-01-01T00:00:00Z', '31/31', 450_000, 150_000, 300_000],
    ['2026-01-11T00:00:00Z', '21/31', 304_839, 101_613, 203_226],
    ['2026-01-16T12:00:00Z', '15.5/31', 225_000, 75_000, 150_000],
    ['2026-01-31T00:00:00Z', '1/31', 14_516, 4_839, 9_677],
    ['2026-01-31T23:59:00Z', '1 min', 10, 3, 7],
  ])('prorates Pro → Business at %s (%s of the period left)', (now, _left, line, credit, amount) => {
    const q = quotePlanChange({ subscription: subscription(pro), current: pro, target: business, now: at(now) });
    expect(q.kind).toBe('upgrade_prorated');
    expect(q.amount).toBe(amount);
    expect(q.credit).toBe(credit);
    expect(q.items).toEqual([
      { id: 'plan-business', name: 'Business, rest of current period', price: line, quantity: 1 },
      { id: 'proration-credit', name: 'Unused time on Pro', price: -credit, quantity: 1 },
    ]);
    expect(q.items.reduce((sum, i) => sum + i.price * i.quantity, 0)).toBe(q.amount);
    expect(q.effectiveAt).toBeNull();
  });

  it('schedules a downgrade (including to free) for the period end, charging nothing', () => {
    for (const target of [pro, free]) {
      const q = quotePlanChange({ subscription: subscription(business), current: business, target, now: at('2026-01-10T00:00:00Z') });
      expect(q).toEqual({ kind: 'scheduled_at_period_end', amount: 0, items: [], effectiveAt: at('2026-02-01T00:00:00Z'), credit: 0 });
    }
  });

  it('moves monthly → dearer yearly now: yearly price minus the unused monthly credit, new period', () => {
    const q = quotePlanChange({ subscription: subscription(pro), current: pro, target: plan('bizyear', 5_000_000, 'year'), now: at('2026-01-16T12:00:00Z') });
    expect(q.kind).toBe('upgrade_new_period');
    expect(q.credit).toBe(75_000);
    expect(q.amount).toBe(5_000_000 - 75_000);
  });

  it('compares plans of different intervals per year, and waits for a paid year to end before going monthly', () => {
    expect(annualised(proYearly)).toBeLessThan(annualised(pro));
    const cheaperYearly = quotePlanChange({ subscription: subscription(pro), current: pro, target: proYearly, now: at('2026-01-10T00:00:00Z') });
    expect(cheaperYearly.kind).toBe('scheduled_at_period_end');
    const yearToMonth = quotePlanChange({
      subscription: subscription(proYearly, '2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z'),
      current: proYearly,
      target: business,
      now: at('2026-03-01T00:00:00Z'),
    });
    expect(yearToMonth).toMatchObject({ kind: 'scheduled_at_period_end', amount: 0, effectiveAt: at('2027-01-01T00:00:00Z') });
  });

  it('switches at once between equally priced plans of one interval, and to a free plan from nothing', () => {
    const same = quotePlanChange({ subscription: subscription(pro), current: pro, target: plan('pro2', 150_000), now: at('2026-01-10T00:00:00Z') });
    expect(same).toMatchObject({ kind: 'switch_now', amount: 0 });
    const toFree = quotePlanChange({ subscription: undefined, current: undefined, target: free, now: at('2026-01-10T00:00:00Z') });
    expect(toFree).toMatchObject({ kind: 'switch_now', amount: 0, effectiveAt: at('2026-01-10T00:00:00Z') });
  });
});
