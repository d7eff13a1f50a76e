import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';

/**
 * All SQL of the business overview (docs/dashboard.md, "The business at a glance"). Every
 * figure is an aggregate the database computes over an index range; no ledger row is
 * loaded into memory. Sums are cast to bigint so they arrive as numbers (db/database.ts).
 */

export interface Calendar {
  /** The last 12 months' first instants in the project's zone, oldest first (the last is this month). */
  monthStarts: Date[];
  /** `YYYY-MM` of each. */
  months: string[];
  /** The first instant of each of the last 30 days in the zone, oldest first (the last is today). */
  dayStarts: Date[];
  /** `YYYY-MM-DD` of each. */
  days: string[];
}

/** Month and day boundaries in `timeZone` around `now` (PostgreSQL's zone rules, DST included). */
export async function calendarOf(db: Db, timeZone: string, now: Date): Promise<Calendar> {
  const local = sql`(${now}::timestamptz at time zone ${timeZone})`;
  const { rows } = await sql<{ kind: 'month' | 'day'; label: string; starts: Date }>`
    select 'month' as kind, to_char(m, 'YYYY-MM') as label, m at time zone ${timeZone} as starts
    from generate_series(date_trunc('month', ${local}) - interval '11 months', date_trunc('month', ${local}), interval '1 month') m
    union all
    select 'day', to_char(d, 'YYYY-MM-DD'), d at time zone ${timeZone}
    from generate_series(date_trunc('day', ${local}) - interval '29 days', date_trunc('day', ${local}), interval '1 day') d
  `.execute(db);
  const months = rows.filter((r) => r.kind === 'month').sort((a, b) => a.starts.getTime() - b.starts.getTime());
  const days = rows.filter((r) => r.kind === 'day').sort((a, b) => a.starts.getTime() - b.starts.getTime());
  return { monthStarts: months.map((r) => r.starts), months: months.map((r) => r.label), dayStarts: days.map((r) => r.starts), days: days.map((r) => r.label) };
}

/** Recurring revenue at an instant: annualised (`arr`, exact) and the number of paying subscriptions. */
export interface RevenueTotal {
  arr: number;
  paying: number;
}

export async function findCheckpoints(db: Db, projectId: string, at: Date[]): Promise<Map<number, RevenueTotal>> {
  if (!at.length) return new Map();
  const { rows } = await sql<{ at: Date; arr: number; paying: number }>`
    select at, arr, paying from mrr_checkpoints where project_id = ${projectId} and at = any(${at.map((d) => d.toISOString())}::timestamptz[])
  `.execute(db);
  return new Map(rows.map((r) => [r.at.getTime(), { arr: r.arr, paying: r.paying }]));
}

/** The latest remembered total at or before `at`, if any: where summing movements can start. */
export async function latestCheckpointBefore(db: Db, projectId: string, at: Date): Promise<(RevenueTotal & { at: Date }) | undefined> {
  const { rows } = await sql<{ at: Date; arr: number; paying: number }>`
    select at, arr, paying from mrr_checkpoints where project_id = ${projectId} and at <= ${at} order by at desc limit 1
  `.execute(db);
  return rows[0];
}

/**
 * The totals at each of `points` (ascending; movements strictly before each) and at `now`
 * (movements up to and including it), starting from `base` — one pass over the movements
 * from `base.at`, each placed in the interval between two points by `width_bucket`.
 */
export async function revenueTotalsAt(
  db: Db,
  q: { projectId: string; base: RevenueTotal & { at: Date | null }; points: Date[]; now: Date },
): Promise<{ atPoints: RevenueTotal[]; atNow: RevenueTotal }> {
  const thresholds = q.points.map((d) => d.toISOString());
  const { rows } = await sql<{ bucket: number; arr: number; paying: number }>`
    select width_bucket(occurred_at, ${thresholds}::timestamptz[]) as bucket,
           sum(arr_after - arr_before)::bigint as arr,
           sum(sign(arr_after) - sign(arr_before))::bigint as paying
    from mrr_movements
    where project_id = ${q.projectId}
      and occurred_at >= ${q.base.at ?? new Date(0)}
      and occurred_at <= ${q.now}
    group by 1
  `.execute(db);
  const byBucket = new Map(rows.map((r) => [Number(r.bucket), r]));
  let arr = q.base.arr;
  let paying = q.base.paying;
  const atPoints: RevenueTotal[] = [];
  for (let i = 0; i <= q.points.length; i++) {
    if (i > 0) atPoints.push({ arr, paying });
    const b = byBucket.get(i);
    if (b) {
      arr += b.arr;
      paying += b.paying;
    }
  }
  return { atPoints, atNow: { arr, paying } };
}

/** Remembers totals at instants no movement can still be written before (see migration 0021). */
export async function saveCheckpoints(db: Db, projectId: string, totals: Array<RevenueTotal & { at: Date }>): Promise<void> {
  if (!totals.length) return;
  await sql`
    insert into mrr_checkpoints (project_id, at, arr, paying)
    select ${projectId}, t.at, t.arr, t.paying
    from unnest(${totals.map((t) => t.at.toISOString())}::timestamptz[], ${totals.map((t) => String(t.arr))}::bigint[], ${totals.map((t) => String(t.paying))}::bigint[]) as t (at, arr, paying)
    on conflict (project_id, at) do nothing
  `.execute(db);
}

/** Subscriptions that started paying, and that stopped, in [from, now] (each counted once). */
export async function countStartsAndEnds(db: Db, q: { projectId: string; from: Date; now: Date }): Promise<{ started: number; ended: number }> {
  const { rows } = await sql<{ started: number; ended: number }>`
    select count(distinct subscription_id) filter (where arr_before = 0)::bigint as started,
           count(distinct subscription_id) filter (where arr_after = 0)::bigint as ended
    from mrr_movements
    where project_id = ${q.projectId} and occurred_at >= ${q.from} and occurred_at <= ${q.now}
  `.execute(db);
  return rows[0] ?? { started: 0, ended: 0 };
}

/** Paying subscriptions in their grace period (a renewal unpaid). */
export async function countPastDue(db: Db, projectId: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::bigint as n
    from subscriptions s join plans p on p.id = s.plan_id
    where s.project_id = ${projectId} and s.status = 'past_due' and p.price > 0
  `.execute(db);
  return rows[0]?.n ?? 0;
}

/** Payments flagged for refund (late settlements) whose money has not all gone back yet. */
export async function refundsOwed(db: Db, projectId: string): Promise<{ count: number; amount: number }> {
  const { rows } = await sql<{ count: number; amount: number }>`
    select count(*)::bigint as count, coalesce(sum(amount - refunded_amount), 0)::bigint as amount
    from payments
    where project_id = ${projectId} and refund_due_reason is not null and status = 'paid'
  `.execute(db);
  return rows[0] ?? { count: 0, amount: 0 };
}

export interface DayMoney {
  payments: number;
  collected: number;
  refunded: number;
}

/**
 * Per day (index into `dayStarts`): payments received (by `paid_at`, whatever happened to
 * them since) with their amount, and refunds completed (by `completed_at`), up to `now`.
 * Payments are read from their quarter-hour totals (migration 0023): a zone's day starts on
 * a quarter hour, so each total falls in exactly one day; ≤ 2,880 rows, however many payments.
 */
export async function moneyByDay(db: Db, q: { projectId: string; dayStarts: Date[]; now: Date }): Promise<DayMoney[]> {
  const thresholds = q.dayStarts.map((d) => d.toISOString());
  const from = q.dayStarts[0]!;
  const [paid, refunds] = await Promise.all([
    sql<{ bucket: number; n: number; amount: number }>`
      select width_bucket(starts_at, ${thresholds}::timestamptz[]) as bucket, sum(payments)::bigint as n, sum(amount)::bigint as amount
      from payment_quarter_hours
      where project_id = ${q.projectId} and starts_at >= ${from} and starts_at <= ${q.now}
      group by 1
    `.execute(db),
    sql<{ bucket: number; amount: number }>`
      select width_bucket(completed_at, ${thresholds}::timestamptz[]) as bucket, sum(amount)::bigint as amount
      from payment_refunds
      where project_id = ${q.projectId} and status = 'succeeded' and completed_at >= ${from} and completed_at <= ${q.now}
      group by 1
    `.execute(db),
  ]);
  const days: DayMoney[] = q.dayStarts.map(() => ({ payments: 0, collected: 0, refunded: 0 }));
  // width_bucket numbers the days from 1 (0 would be before the first; none are, by the WHERE).
  for (const r of paid.rows) {
    const day = days[Number(r.bucket) - 1];
    if (day) {
      day.payments = r.n;
      day.collected = r.amount;
    }
  }
  for (const r of refunds.rows) {
    const day = days[Number(r.bucket) - 1];
    if (day) day.refunded = r.amount;
  }
  return days;
}
