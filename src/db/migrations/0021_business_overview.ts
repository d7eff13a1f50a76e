import { sql, type Kysely } from 'kysely';

/**
 * The business at a glance (docs/dashboard.md): what the overview's figures read.
 *
 * - `mrr_movements`: one row each time a subscription's recurring revenue changes, with
 *   its annualised value before and after (`arr`: price × 12 for a monthly plan, the price
 *   for a yearly one, 0 when not paying — exact integers; MRR is `arr / 12`, rounded once
 *   on the total). A subscription pays while `active` or `past_due` (its grace period) on a
 *   plan with a price. Written by a trigger on `subscriptions`, in the transaction of the
 *   change, whoever changes it (the services, `mint_portal_token`, an operator's SQL), so
 *   no use case has to remember it and the history cannot drift from the rows. Its time is
 *   the row's `updated_at`: the application's (injected) clock, as every change sets it.
 *   Renewals and past-due spells change nothing here; a start, an upgrade or downgrade
 *   taking effect, and an end each write one row.
 * - `mrr_checkpoints`: the totals of the movements before an instant (a month boundary in
 *   some time zone), remembered once that instant is a day old and no transaction can still
 *   write a movement before it, so a month's MRR is summed once, not on every page view.
 * - Indexes for the last-30-days money (payments by `paid_at`) and past-due customers.
 *
 * Existing subscriptions get their history from the events every change wrote (each carries
 * the subscription's status and plan), and then one correcting movement where the events
 * (perhaps purged by RETENTION_EVENTS_DAYS) do not add up to the row as it is.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table mrr_movements (
      id               bigserial primary key,
      project_id       text not null,
      subscription_id  text not null,
      occurred_at      timestamptz not null,
      arr_before       bigint not null check (arr_before >= 0),
      arr_after        bigint not null check (arr_after >= 0),
      check (arr_before <> arr_after)
    );
    create index mrr_movements_by_project on mrr_movements (project_id, occurred_at)
      include (subscription_id, arr_before, arr_after);

    create table mrr_checkpoints (
      project_id  text not null,
      at          timestamptz not null,
      arr         bigint not null,
      paying      bigint not null,
      primary key (project_id, at)
    );

    -- The annualised recurring revenue of one subscription state.
    create function subscription_arr(p_status text, p_plan_id text) returns bigint
    language sql stable
    as $fn$
      select coalesce((
        select case p.interval when 'month' then p.price * 12 else p.price end
        from plans p
        where p.id = p_plan_id and p_status in ('active', 'past_due')
      ), 0)::bigint
    $fn$;

    create function record_mrr_movement() returns trigger
    language plpgsql
    as $fn$
    declare
      v_before bigint := 0;
      v_after bigint;
    begin
      if tg_op = 'UPDATE' then
        if old.status is not distinct from new.status and old.plan_id is not distinct from new.plan_id then
          return null;
        end if;
        v_before := subscription_arr(old.status, old.plan_id);
      end if;
      v_after := subscription_arr(new.status, new.plan_id);
      if v_before <> v_after then
        insert into mrr_movements (project_id, subscription_id, occurred_at, arr_before, arr_after)
        values (new.project_id, new.id, new.updated_at, v_before, v_after);
      end if;
      return null;
    end
    $fn$;

    create trigger subscriptions_mrr_movement
      after insert or update of status, plan_id on subscriptions
      for each row execute function record_mrr_movement();

    create index payments_collected on payments (project_id, paid_at) include (amount)
      where paid_at is not null;
    create index subscriptions_past_due on subscriptions (project_id, plan_id)
      where status = 'past_due';
  `.execute(db);

  // History so far, from the events (ordered by seq within each subscription).
  await sql`
    with states as (
      select e.project_id, e.subject_id as subscription_id, e.created_at, e.seq,
             subscription_arr(
               coalesce(e.data -> 'subscription' ->> 'status', case when e.type = 'subscription.created' then 'active' end),
               coalesce(e.data -> 'subscription' ->> 'plan_id', e.data ->> 'plan_id')
             ) as arr
      from events e
      where e.type like 'subscription.%'
        and exists (select 1 from subscriptions s where s.id = e.subject_id)
    ),
    steps as (
      select *, coalesce(lag(arr) over (partition by subscription_id order by seq), 0) as arr_before from states
    )
    insert into mrr_movements (project_id, subscription_id, occurred_at, arr_before, arr_after)
    select project_id, subscription_id, created_at, arr_before, arr from steps
    where arr <> arr_before
    order by seq
  `.execute(db);
  await sql`
    insert into mrr_movements (project_id, subscription_id, occurred_at, arr_before, arr_after)
    select s.project_id, s.id, s.updated_at, coalesce(m.arr, 0), subscription_arr(s.status, s.plan_id)
    from subscriptions s
    left join (select subscription_id, sum(arr_after - arr_before) as arr from mrr_movements group by subscription_id) m
      on m.subscription_id = s.id
    where coalesce(m.arr, 0) <> subscription_arr(s.status, s.plan_id)
  `.execute(db);
}
