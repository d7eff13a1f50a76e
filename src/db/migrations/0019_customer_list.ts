import { sql, type Kysely } from 'kysely';

/**
 * The dashboard's customer list (modules/end-users/customers.repository.ts): every page an
 * index range scan, at any depth, whatever the filter.
 *
 * The list is newest customer first: `(end_users.created_at, end_users.id)` descending, the
 * keyset. Its filters (status, plan) are columns of `subscriptions`, and an index cannot span
 * two tables, so the subscription carries its customer's `created_at` as
 * `end_user_created_at`: a filtered page is then a range of a subscriptions index in the same
 * order as the unfiltered list. A trigger fills it on insert (an end user's `created_at` never
 * changes), so neither writer — `mint_portal_token` and the first purchase's
 * `insertIncompleteSubscription` — has to know about it; it costs one primary-key lookup on
 * the rare insert of a subscription (one per customer). It is left out of db/types.ts on
 * purpose: no code writes it, and only the list's query reads it.
 *
 * - `end_users_newest`: the unfiltered list.
 * - `subscriptions_by_list_state`: the status filter, by the state the list shows — the
 *   subscription's status, except that an active one set to cancel is `cancel_scheduled`
 *   (the same expression, verbatim, is in the repository's query: the planner matches it).
 * - `subscriptions_by_list_plan`: the plan filter.
 * - Search is a prefix of the lower-cased end_user_id, email or name (`text_pattern_ops`, so
 *   `LIKE 'abc%'` is a range whatever the database's collation); the three are ORed as a
 *   bitmap, then sorted — a search narrows to few rows. Not partial: the planner cannot prove
 *   `lower(email) like …` implies `email is not null`, and would skip a partial index.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table subscriptions add column end_user_created_at timestamptz;
    update subscriptions s set end_user_created_at = e.created_at from end_users e where e.id = s.end_user_id;
    alter table subscriptions alter column end_user_created_at set not null;

    create function subscriptions_copy_end_user_created_at() returns trigger
    language plpgsql
    as $fn$
    begin
      select created_at into new.end_user_created_at from end_users where id = new.end_user_id;
      return new;
    end
    $fn$;
    create trigger subscriptions_end_user_created_at before insert on subscriptions
      for each row execute function subscriptions_copy_end_user_created_at();

    create index end_users_newest on end_users (project_id, created_at desc, id desc);
    create index subscriptions_by_list_state on subscriptions (
      project_id,
      (case when status = 'active' and cancel_at_period_end then 'cancel_scheduled' else status end),
      end_user_created_at desc,
      end_user_id desc
    );
    create index subscriptions_by_list_plan on subscriptions (project_id, plan_id, end_user_created_at desc, end_user_id desc);
    create index end_users_search_id on end_users (project_id, lower(external_id) text_pattern_ops);
    create index end_users_search_email on end_users (project_id, lower(email) text_pattern_ops);
    create index end_users_search_name on end_users (project_id, lower(name) text_pattern_ops);
  `.execute(db);
}
