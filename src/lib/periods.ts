import type { PlanInterval } from '../db/types.ts';

/**
 * Adds one billing interval in UTC, clamping to the last day of a shorter month
 * (Jan 31 + 1 month = Feb 28/29), so periods never drift into the next month.
 * Always computed from the period's anchor, never chained from a clamped date.
 */
export function addInterval(start: Date, interval: PlanInterval, count = 1): Date {
  const months = interval === 'month' ? count : 12 * count;
  const y = start.getUTCFullYear();
  const m = start.getUTCMonth() + months;
  const targetYear = y + Math.floor(m / 12);
  const targetMonth = ((m % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(targetYear, targetMonth + 1, 0)).getUTCDate();
  const day = Math.min(start.getUTCDate(), lastDay);
  return new Date(
    Date.UTC(targetYear, targetMonth, day, start.getUTCHours(), start.getUTCMinutes(), start.getUTCSeconds(), start.getUTCMilliseconds()),
  );
}
