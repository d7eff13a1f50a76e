import type { Db } from '../../db/database.ts';
import * as repo from './insights.repository.ts';
import type { DayMoney, RevenueTotal } from './insights.repository.ts';

/**
 * The business at a glance: the dashboard overview's figures, each defined in
 * docs/dashboard.md ("The business at a glance") and checked by hand in
 * test/insights/overview-figures.test.ts.
 *
 * Recurring revenue is kept annualised (`arr`: monthly price × 12, yearly price × 1) so
 * every sum is exact; MRR is `arr / 12` rounded half up once, on the total.
 */
export interface BusinessOverview {
  /** Monthly recurring revenue now, integer rupiah. */
  mrr: number;
  /** Paying subscriptions that are `active` (in good standing). */
  activePaying: number;
  /** Paying subscriptions that are `past_due` (a renewal unpaid, within the grace period); their revenue is in MRR. */
  pastDue: number;
  /** Subscriptions that started paying / stopped paying this calendar month (project's zone). */
  newThisMonth: number;
  churnedThisMonth: number;
  /** Net money in over the 30 days of `days`: payments received minus refunds given back. */
  collected30Days: number;
  /** Payments flagged for refund whose money has not all gone back, and how much is still owed. */
  refundsOwed: { count: number; amount: number };
  /** The last 12 months, oldest first; each month's MRR at its end (this month's: now). */
  mrrByMonth: Array<{ month: string; mrr: number; paying: number }>;
  /** The last 30 days, oldest first (the last is today so far). */
  days: Array<{ day: string } & DayMoney>;
}

/**
 * A month end is remembered (mrr_checkpoints) once it is this old: by then no transaction
 * that took its time before it can still be writing (statements and idle transactions time
 * out in seconds), so the total before it can no longer change.
 */
const SETTLED_AFTER_MS = 24 * 60 * 60 * 1000;

/** Half up, for non-negative integers: the rounding of every money figure here. */
export function monthlyFromAnnual(arr: number): number {
  return Math.floor((arr + 6) / 12);
}

export async function getBusinessOverview(db: Db, q: { projectId: string; timeZone: string; now: Date }): Promise<BusinessOverview> {
  const calendar = await repo.calendarOf(db, q.timeZone, q.now);
  const thisMonth = calendar.monthStarts.at(-1)!;
  const [series, startsAndEnds, pastDue, owed, days] = await Promise.all([
    revenueByMonthEnd(db, q.projectId, calendar.monthStarts, q.now),
    repo.countStartsAndEnds(db, { projectId: q.projectId, from: thisMonth, now: q.now }),
    repo.countPastDue(db, q.projectId),
    repo.refundsOwed(db, q.projectId),
    repo.moneyByDay(db, { projectId: q.projectId, dayStarts: calendar.dayStarts, now: q.now }),
  ]);
  const current = series.at(-1)!;
  return {
    mrr: monthlyFromAnnual(current.arr),
    activePaying: current.paying - pastDue,
    pastDue,
    newThisMonth: startsAndEnds.started,
    churnedThisMonth: startsAndEnds.ended,
    collected30Days: days.reduce((sum, d) => sum + d.collected - d.refunded, 0),
    refundsOwed: owed,
    mrrByMonth: series.map((total, i) => ({ month: calendar.months[i]!, mrr: monthlyFromAnnual(total.arr), paying: total.paying })),
    days: days.map((d, i) => ({ day: calendar.days[i]!, ...d })),
  };
}

/**
 * The totals at the end of each month in `monthStarts` (the start of the next one), the
 * last one's being now. Month ends already remembered are read; the others are summed in
 * one pass over the movements since the latest remembered point before them, and those old
 * enough are remembered for the next reader. Typically only this month's movements are read.
 */
async function revenueByMonthEnd(db: Db, projectId: string, monthStarts: Date[], now: Date): Promise<RevenueTotal[]> {
  const ends = monthStarts.slice(1);
  const known = await repo.findCheckpoints(db, projectId, ends);
  const missing = ends.filter((at) => !known.has(at.getTime()));
  // Sum from the latest remembered point before the first missing one (or before now).
  const firstNeeded = missing[0] ?? now;
  const remembered = [...known.entries()].filter(([at]) => at <= firstNeeded.getTime()).sort(([a], [b]) => b - a)[0];
  const base = remembered
    ? { at: new Date(remembered[0]), ...remembered[1] }
    : ((await repo.latestCheckpointBefore(db, projectId, firstNeeded)) ?? { at: null, arr: 0, paying: 0 });
  const computed = await repo.revenueTotalsAt(db, { projectId, base, points: missing, now });
  const settled = missing
    .map((at, i) => ({ at, ...computed.atPoints[i]! }))
    .filter((t) => t.at.getTime() <= now.getTime() - SETTLED_AFTER_MS);
  await repo.saveCheckpoints(db, projectId, settled);
  const missingIndex = new Map(missing.map((at, i) => [at.getTime(), i]));
  const atEnds = ends.map((at) => known.get(at.getTime()) ?? computed.atPoints[missingIndex.get(at.getTime())!]!);
  return [...atEnds, computed.atNow];
}
