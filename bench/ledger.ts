import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import type { Db } from '../src/db/database.ts';

/**
 * A realistic ledger for the dashboard bench (bench/dashboard.ts): one project with
 * `customers` customers who started paying over the three years before `now` (more in later
 * months: growth) and about ten payments each, 1,000,000 payments at 100,000 customers.
 *
 * The seed is SQL inside the database (about a minute, not an hour): plans mix monthly and
 * yearly; about 1 in 6 upgrades a month in, 1 in 9 cancels 100 days in, 1 in 40 is past due
 * now; one payment per paid month (monthly plans, at the start's day of month, paid within
 * the hour) or year (yearly); 1 in 200 payments refunded in part two days
 * later; 1 in 500 flagged for refund. Subscription changes are UPDATEs, so the trigger of
 * migration 0021 writes the MRR movements exactly as in production.
 *
 * Every live period ends after `now` and the project sends no renewal reminders, so the
 * running service's scheduler finds nothing due: the bench measures the dashboard, not a
 * renewal run of 100,000 subscriptions (`keepLedgerQuiet` keeps it so when the ledger is reused).
 */
export const LEDGER_PROJECT = 'prj_dashboard_bench';

export interface LedgerCounts {
  customers: number;
  payments: number;
  movements: number;
  paymentsLast30Days: number;
  seededAt: Date | null;
}

export async function ledgerCounts(db: Db, now: Date): Promise<LedgerCounts> {
  const { rows } = await sql<LedgerCounts>`
    select (select count(*) from end_users where project_id = ${LEDGER_PROJECT})::int as customers,
           (select count(*) from payments where project_id = ${LEDGER_PROJECT})::int as payments,
           (select count(*) from mrr_movements where project_id = ${LEDGER_PROJECT})::int as movements,
           (select count(*) from payments where project_id = ${LEDGER_PROJECT} and paid_at > ${now}::timestamptz - interval '30 days')::int as "paymentsLast30Days",
           (select created_at from projects where id = ${LEDGER_PROJECT}) as "seededAt"
  `.execute(db);
  return rows[0]!;
}

/** Seeds the ledger into an empty, migrated database; returns the seconds it took. */
export async function seedLedger(db: Db, q: { customers: number; now: Date }): Promise<number> {
  const t0 = performance.now();
  const P = LEDGER_PROJECT;
  const now = q.now;
  // One connection: setseed makes random() repeatable for the rest of the session.
  await db.connection().execute(async (c) => {
    await sql`select setseed(0.42)`.execute(c);
    await sql`
      insert into projects (id, name, client_id, client_secret_hash, slug, time_zone, renewal_reminder_days, created_at, updated_at)
      values (${P}, 'Dashboard bench', 'cli_dashboard_bench', '\\x00', 'dashboard-bench', 'Asia/Jakarta', 0, ${now}, ${now})
    `.execute(c);
    await sql`
      insert into plans (id, project_id, code, name, price, currency, interval, is_default, created_at, updated_at) values
        ('plan_lb_free', ${P}, 'free', 'Free', 0, 'IDR', 'month', true, ${now}, ${now}),
        ('plan_lb_pro', ${P}, 'pro', 'Pro', 150000, 'IDR', 'month', false, ${now}, ${now}),
        ('plan_lb_biz', ${P}, 'business', 'Business', 450000, 'IDR', 'month', false, ${now}, ${now}),
        ('plan_lb_pro_y', ${P}, 'pro-year', 'Pro yearly', 1500000, 'IDR', 'year', false, ${now}, ${now})
    `.execute(c);
    await sql`
      insert into end_users (id, project_id, external_id, email, name, created_at, updated_at)
      select 'eu_lb_' || i, ${P}, 'customer-' || i, 'customer' || i || '@example.com', 'Customer ' || i, starts, starts
      from (select i, ${now}::timestamptz - interval '1130 days' * (1 - sqrt(random())) - interval '1 hour' as starts
            from generate_series(1, ${q.customers}::int) i) c
    `.execute(c);
    // The period each is in now: whole months (or years) since the start, then one more.
    await sql`
      insert into subscriptions (id, project_id, end_user_id, plan_id, status, current_period_start, current_period_end, created_at, updated_at)
      select 'sub_lb_' || i, ${P}, id, plan_id, 'active',
             created_at + (n || ' ' || unit)::interval, created_at + (n + 1 || ' ' || unit)::interval, created_at, created_at
      from (select id, created_at, i, plan_id, unit,
                   case when unit = 'year' then extract(year from age(${now}::timestamptz, created_at))::int
                        else (extract(year from age(${now}::timestamptz, created_at)) * 12 + extract(month from age(${now}::timestamptz, created_at)))::int end as n
            from (select id, created_at, substr(id, 7)::int as i,
                         case when substr(id, 7)::int % 10 < 6 then 'plan_lb_pro' when substr(id, 7)::int % 10 < 8 then 'plan_lb_biz'
                              when substr(id, 7)::int % 10 = 8 then 'plan_lb_pro_y' else 'plan_lb_free' end as plan_id,
                         case when substr(id, 7)::int % 10 = 8 then 'year' else 'month' end as unit
                  from end_users where project_id = ${P}) e) c
    `.execute(c);
    // A period that month arithmetic left ending already (month ends) ends in an hour instead.
    await sql`update subscriptions set current_period_end = ${now}::timestamptz + interval '1 hour'
              where project_id = ${P} and current_period_end <= ${now}`.execute(c);
    await sql`update subscriptions set plan_id = 'plan_lb_biz', updated_at = created_at + interval '31 days', version = version + 1
              where project_id = ${P} and plan_id = 'plan_lb_pro' and hashtext(id) % 6 = 0 and created_at + interval '31 days' < ${now}`.execute(c);
    await sql`update subscriptions set status = 'canceled', canceled_at = created_at + interval '100 days', updated_at = created_at + interval '100 days', version = version + 1
              where project_id = ${P} and plan_id <> 'plan_lb_free' and hashtext(id) % 9 = 1 and created_at + interval '100 days' < ${now}`.execute(c);
    await sql`update subscriptions set status = 'past_due', grace_ends_at = ${now}::timestamptz + interval '2 days', updated_at = ${now}::timestamptz - interval '1 day', version = version + 1
              where project_id = ${P} and status = 'active' and plan_id in ('plan_lb_pro', 'plan_lb_biz') and hashtext(id) % 40 = 2`.execute(c);
    // Each paid month (monthly plans) or year (yearly) until now or the cancellation.
    await sql`
      insert into payments (id, project_id, subscription_id, end_user_id, purpose, plan_id, description, amount, currency,
                            status, order_id, gateway, expires_at, paid_at, refund_due_reason, refund_due_at, created_at, updated_at)
      select 'pay_lb_' || s.id || '_' || k, s.project_id, s.id, s.end_user_id, case when k = 0 then 'new' else 'renewal' end, s.plan_id, 'bench',
             p.price, 'IDR', 'paid', 'lb' || substr(md5(s.id || '_' || k), 1, 30), 'midtrans',
             s.created_at + (k || ' ' || p.interval)::interval + interval '1 day',
             s.created_at + (k || ' ' || p.interval)::interval + (abs(hashtext(s.id || k)) % 3600 || ' seconds')::interval,
             case when hashtext(s.id || k) % 500 = 7 then 'settled_after_expiry' end,
             case when hashtext(s.id || k) % 500 = 7 then s.created_at + (k || ' ' || p.interval)::interval end,
             s.created_at + (k || ' ' || p.interval)::interval, s.created_at + (k || ' ' || p.interval)::interval
      from subscriptions s
      join plans p on p.id = s.plan_id and p.price > 0
      cross join lateral generate_series(0, 36) k
      where s.project_id = ${P}
        and s.created_at + (k || ' ' || p.interval)::interval < least(${now}::timestamptz - interval '1 hour', coalesce(s.canceled_at, ${now}::timestamptz))
    `.execute(c);
    await sql`
      insert into payment_refunds (id, project_id, payment_id, refund_key, amount, reason, channel, status, created_at, completed_at)
      select 'ref_' || id, project_id, id, 'rk_' || id, amount / 2, 'bench', 'midtrans', 'succeeded', paid_at + interval '2 days', paid_at + interval '2 days'
      from payments where project_id = ${P} and hashtext(id) % 200 = 3 and paid_at + interval '2 days' < ${now}
    `.execute(c);
    await sql`update payments p set refunded_amount = r.amount from payment_refunds r where r.payment_id = p.id and p.project_id = ${P}`.execute(c);
  });
  await sql`vacuum analyze`.execute(db);
  return (performance.now() - t0) / 1000;
}

/**
 * Moves every live period that has ended since the seed (or ends within the hour) on by
 * whole periods, and every grace period to two days from now, as if each renewal had been
 * paid: the scheduler of the service under test then has nothing due. Nothing it changes is
 * read by the pages measured, and no MRR movement is written (plan and status stay).
 */
export async function keepLedgerQuiet(db: Db, now: Date): Promise<number> {
  let moved = 0;
  for (;;) {
    const result = await sql`
      update subscriptions s
      set current_period_start = s.current_period_end,
          current_period_end = s.current_period_end + case p.interval when 'year' then interval '1 year' else interval '1 month' end
      from plans p
      where p.id = s.plan_id and s.project_id = ${LEDGER_PROJECT} and s.status in ('active', 'past_due')
        and s.current_period_end <= ${now}::timestamptz + interval '1 hour'
    `.execute(db);
    const n = Number(result.numAffectedRows ?? 0);
    if (n === 0) break;
    moved += n;
  }
  await sql`update subscriptions set grace_ends_at = ${now}::timestamptz + interval '2 days'
            where project_id = ${LEDGER_PROJECT} and status = 'past_due' and grace_ends_at <= ${now}::timestamptz + interval '1 day'`.execute(db);
  return moved;
}
