import { sql, type Kysely } from 'kysely';

/**
 * The overview's "payments per day" without reading every payment of the last 30 days
 * (docs/dashboard.md; 1,000,000 payments hold ~80,000 in a month, too many to sum per view).
 *
 * - `payment_quarter_hours`: per project and UTC quarter hour (`date_bin('15 minutes')`),
 *   the payments received in it (by `paid_at`) and their amount. A day in any time zone is a
 *   whole number of quarter hours (every zone's offset is a multiple of 15 minutes), so a
 *   zone's day is the sum of ≤ 100 rows, and 30 days of any zone ≤ 2,880.
 * - Kept by a trigger on `payments`, in the transaction that sets, moves or removes a
 *   `paid_at`, whoever does it, so the totals cannot drift from the rows. It is a deferred
 *   constraint trigger: its upsert runs at commit, so concurrent settlements in the same
 *   quarter hour wait on the total's row only for the commit, not the whole transaction.
 *   Payments already paid are summed in once here.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table payment_quarter_hours (
      project_id  text not null,
      starts_at   timestamptz not null,
      payments    bigint not null,
      amount      bigint not null,
      primary key (project_id, starts_at)
    );

    create function add_payment_quarter_hour(p_project_id text, p_paid_at timestamptz, p_count bigint, p_amount bigint) returns void
    language sql
    as $fn$
      insert into payment_quarter_hours as t (project_id, starts_at, payments, amount)
      values (p_project_id, date_bin('15 minutes', p_paid_at, timestamptz '2000-01-01 00:00:00+00'), p_count, p_amount)
      on conflict (project_id, starts_at) do update set payments = t.payments + excluded.payments, amount = t.amount + excluded.amount
    $fn$;

    create function record_payment_quarter_hour() returns trigger
    language plpgsql
    as $fn$
    begin
      if tg_op in ('UPDATE', 'DELETE') and old.paid_at is not null then
        perform add_payment_quarter_hour(old.project_id, old.paid_at, -1, -old.amount);
      end if;
      if tg_op in ('INSERT', 'UPDATE') and new.paid_at is not null then
        perform add_payment_quarter_hour(new.project_id, new.paid_at, 1, new.amount);
      end if;
      return null;
    end
    $fn$;

    create constraint trigger payments_quarter_hour_insert after insert on payments
      deferrable initially deferred for each row when (new.paid_at is not null)
      execute function record_payment_quarter_hour();
    create constraint trigger payments_quarter_hour_update after update of paid_at, amount on payments
      deferrable initially deferred for each row
      when (old.paid_at is distinct from new.paid_at or (new.paid_at is not null and old.amount <> new.amount))
      execute function record_payment_quarter_hour();
    create constraint trigger payments_quarter_hour_delete after delete on payments
      deferrable initially deferred for each row when (old.paid_at is not null)
      execute function record_payment_quarter_hour();

    insert into payment_quarter_hours (project_id, starts_at, payments, amount)
    select project_id, date_bin('15 minutes', paid_at, timestamptz '2000-01-01 00:00:00+00'), count(*), sum(amount)
    from payments where paid_at is not null
    group by 1, 2;
  `.execute(db);
}
