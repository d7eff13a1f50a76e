/**
 * `npx tsx bench/overview.ts`: the dashboard overview's figures (getBusinessOverview) on
 * PostgreSQL with a realistic ledger — 100,000 customers over a year and about 1,000,000
 * payments — timed cold (nothing remembered: every month summed from the movements) and
 * warm (month ends remembered in mrr_checkpoints, as after the first view). A report, not a
 * test. See docs/dashboard.md, "The business at a glance".
 *
 * Environment (all optional):
 *   BENCH_DATABASE_URL  maintenance database to create `langgan_overview_bench` from
 *                       (postgres://postgres@127.0.0.1:5432/postgres); kept afterwards,
 *                       reused when it already holds the data (BENCH_RESEED=1 to rebuild)
 *   BENCH_CUSTOMERS     100000
 *
 * The seed is SQL inside the database (seconds, not minutes): customers start paying on a
 * day spread over the 13 months before "now" (more in later months: growth); plans mix
 * monthly and yearly; about 1 in 6 upgrades a month later, 1 in 9 cancels, 1 in 40 is past
 * due; one payment per paid month for monthly plans (at the start's day of month, at a
 * time of day spread over 24 h), one per year for yearly ones; 1 in 200 payments refunded
 * in part two days later; 1 in 500 flagged for refund. Subscription changes are UPDATEs,
 * so the trigger of migration 0021 writes the movements exactly as in production.
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { sql } from 'kysely';
import { migrate, openDatabase } from '../src/db/database.ts';
import { getBusinessOverview } from '../src/modules/insights/business-overview.ts';

const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const customers = Number(process.env.BENCH_CUSTOMERS ?? 100_000);
const NAME = 'langgan_overview_bench';
const NOW = new Date('2026-03-10T05:00:00Z');
const PROJECT = 'prj_overview_bench';

async function admin(query: string): Promise<void> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(query);
  } finally {
    await c.end();
  }
}

const url = new URL(adminUrl);
url.pathname = `/${NAME}`;
if (process.env.BENCH_RESEED === '1') await admin(`drop database if exists ${NAME} with (force)`);
await admin(`create database ${NAME}`).catch(() => undefined);
// The seed's statements run for minutes; the timed reads keep production's 10 s limit in spirit (they take ms).
const handle = await openDatabase({ url: url.toString(), poolSize: 4, timeouts: { statementMs: 0 } });
const db = handle.db;
await migrate(db);

const seeded = await sql<{ n: number }>`select count(*)::int as n from subscriptions where project_id = ${PROJECT}`.execute(db);
if ((seeded.rows[0]?.n ?? 0) < customers) {
  const t0 = performance.now();
  await sql`
    insert into projects (id, name, client_id, client_secret_hash, slug, time_zone, created_at, updated_at)
    values (${PROJECT}, 'Overview bench', 'cli_overview_bench', '\\x00', 'overview-bench', 'Asia/Jakarta', ${NOW}, ${NOW})
    on conflict do nothing
  `.execute(db);
  await sql`
    insert into plans (id, project_id, code, name, price, currency, interval, is_default, created_at, updated_at) values
      ('plan_ob_free', ${PROJECT}, 'free', 'Free', 0, 'IDR', 'month', true, ${NOW}, ${NOW}),
      ('plan_ob_pro', ${PROJECT}, 'pro', 'Pro', 150000, 'IDR', 'month', false, ${NOW}, ${NOW}),
      ('plan_ob_biz', ${PROJECT}, 'business', 'Business', 450000, 'IDR', 'month', false, ${NOW}, ${NOW}),
      ('plan_ob_pro_y', ${PROJECT}, 'pro-year', 'Pro yearly', 1500000, 'IDR', 'year', false, ${NOW}, ${NOW})
    on conflict do nothing
  `.execute(db);
  // Customers and their first paid plan (the trigger writes each start's movement).
  await sql`
    insert into end_users (id, project_id, external_id, created_at, updated_at)
    select 'eu_ob_' || i, ${PROJECT}, 'customer-' || i, starts, starts
    from (select i, ${NOW}::timestamptz - (interval '395 days' * (1 - sqrt(random()))) as starts from generate_series(1, ${customers}::int) i) c
  `.execute(db);
  await sql`
    insert into subscriptions (id, project_id, end_user_id, plan_id, status, current_period_start, current_period_end, created_at, updated_at)
    select 'sub_ob_' || i, ${PROJECT}, id,
           case when i % 10 < 6 then 'plan_ob_pro' when i % 10 < 8 then 'plan_ob_biz' when i % 10 = 8 then 'plan_ob_pro_y' else 'plan_ob_free' end,
           'active', created_at, created_at + interval '1 month', created_at, created_at
    from (select id, created_at, substr(id, 7)::int as i from end_users where project_id = ${PROJECT}) c
  `.execute(db);
  // Upgrades a month in, cancellations two to five months in, some past due now.
  await sql`update subscriptions set plan_id = 'plan_ob_biz', updated_at = created_at + interval '31 days', version = version + 1
            where project_id = ${PROJECT} and plan_id = 'plan_ob_pro' and hashtext(id) % 6 = 0 and created_at + interval '31 days' < ${NOW}`.execute(db);
  await sql`update subscriptions set status = 'canceled', canceled_at = created_at + interval '100 days', updated_at = created_at + interval '100 days', version = version + 1
            where project_id = ${PROJECT} and plan_id <> 'plan_ob_free' and hashtext(id) % 9 = 1 and created_at + interval '100 days' < ${NOW}`.execute(db);
  await sql`update subscriptions set status = 'past_due', updated_at = ${NOW}::timestamptz - interval '1 day', version = version + 1
            where project_id = ${PROJECT} and status = 'active' and plan_id in ('plan_ob_pro', 'plan_ob_biz') and hashtext(id) % 40 = 2`.execute(db);
  // Payments: each paid month (monthly plans) or year (yearly), until now or the end.
  await sql`
    insert into payments (id, project_id, subscription_id, end_user_id, purpose, plan_id, description, amount, currency,
                          status, order_id, gateway, expires_at, paid_at, refund_due_reason, refund_due_at, created_at, updated_at)
    select 'pay_ob_' || s.id || '_' || k, s.project_id, s.id, s.end_user_id, case when k = 0 then 'new' else 'renewal' end, s.plan_id, 'bench',
           p.price, 'IDR', 'paid', 'ob' || substr(md5(s.id || '_' || k), 1, 30), 'midtrans',
           s.created_at + (k || ' ' || p.interval)::interval + interval '1 day',
           s.created_at + (k || ' ' || p.interval)::interval + (hashtext(s.id || k) % 86400 || ' seconds')::interval,
           case when hashtext(s.id || k) % 500 = 7 then 'settled_after_expiry' end,
           case when hashtext(s.id || k) % 500 = 7 then s.created_at + (k || ' ' || p.interval)::interval end,
           s.created_at + (k || ' ' || p.interval)::interval, s.created_at + (k || ' ' || p.interval)::interval
    from subscriptions s
    join plans p on p.id = s.plan_id and p.price > 0
    cross join lateral generate_series(0, 13) k
    where s.project_id = ${PROJECT}
      and s.created_at + (k || ' ' || p.interval)::interval < least(${NOW}::timestamptz, coalesce(s.canceled_at, ${NOW}::timestamptz))
  `.execute(db);
  await sql`
    insert into payment_refunds (id, project_id, payment_id, refund_key, amount, reason, channel, status, created_at, completed_at)
    select 'ref_' || id, project_id, id, 'rk_' || id, amount / 2, 'bench', 'midtrans', 'succeeded', paid_at + interval '2 days', paid_at + interval '2 days'
    from payments where project_id = ${PROJECT} and hashtext(id) % 200 = 3 and paid_at + interval '2 days' < ${NOW}
  `.execute(db);
  await sql`update payments p set refunded_amount = r.amount from payment_refunds r where r.payment_id = p.id and p.project_id = ${PROJECT}`.execute(db);
  await sql`vacuum analyze`.execute(db);
  console.log(`seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

const counts = await sql<{ customers: number; payments: number; movements: number; last30: number }>`
  select (select count(*) from subscriptions where project_id = ${PROJECT})::int as customers,
         (select count(*) from payments where project_id = ${PROJECT})::int as payments,
         (select count(*) from mrr_movements where project_id = ${PROJECT})::int as movements,
         (select count(*) from payments where project_id = ${PROJECT} and paid_at > ${NOW}::timestamptz - interval '30 days')::int as last30
`.execute(db);
console.log(counts.rows[0]);

async function time(label: string, runs: number): Promise<void> {
  const ms: number[] = [];
  let last;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    last = await getBusinessOverview(db, { projectId: PROJECT, timeZone: 'Asia/Jakarta', now: NOW });
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  console.log(`${label}: p50 ${ms[Math.floor(ms.length / 2)]!.toFixed(1)} ms, max ${ms.at(-1)!.toFixed(1)} ms (${runs} runs); MRR ${last!.mrr}, paying ${last!.activePaying}, past due ${last!.pastDue}, collected ${last!.collected30Days}`);
}

await sql`delete from mrr_checkpoints where project_id = ${PROJECT}`.execute(db);
await time('cold (no month end remembered)', 1);
await time('warm (month ends remembered)', 30);
await handle.close();
