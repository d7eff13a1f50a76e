import { sql, type Kysely } from 'kysely';

/**
 * The session endpoint's fast path (docs/benchmarks.md, "The session hot path"), two changes.
 *
 * 1. `portal_tokens` loses its foreign keys. Each insert of a token ran two referential
 * checks, `select … for key share` on the project's row and on the end user's, and a row
 * lock is a write: every mint dirtied and WAL-logged the project's row, and concurrent mints
 * for one project turned that lock into a MultiXact (about a third of the database's
 * throughput for this statement). The references still hold by construction: the only
 * writer is `mint_portal_token`, which inserts the project it has just verified and the end
 * user it has just found or created *in that project* in the same transaction; projects
 * and end users are never deleted; and every reader of a token inner-joins both (an orphan
 * token could not open anything).
 *
 * 2. `mint_portal_token` (0004, 0010), same signature and results, except that when the
 * call writes nothing but the token — the end user already exists and no profile field
 * changed, the common case — the transaction commits asynchronously
 * (`synchronous_commit = off`, local to that transaction only).
 *
 * What that trades: a crash of the database server within ~3 × `wal_writer_delay` (600 ms
 * by default) of the commit may lose the token after the integrator received it; the
 * customer's link then says "invalid" and the integrator mints another. Nothing else is
 * ever written that way: a new end user, its subscription and `subscription.created`
 * event, or a profile change keep the server's synchronous commit (the flag is set only
 * after the last such write was ruled out). Committed data is visible at once either way,
 * so the exchange that follows a mint sees the token (docs/benchmarks.md: about 2× the
 * database's throughput for this statement).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table portal_tokens
      drop constraint portal_tokens_project_id_fkey,
      drop constraint portal_tokens_end_user_id_fkey
  `.execute(db);

  await sql`
    create or replace function mint_portal_token(
      p_project_id text, p_secret_hash bytea, p_redirect_uri text,
      p_external_id text, p_email text, p_name text, p_locale text,
      p_token_hash bytea, p_new_end_user_id text, p_new_subscription_id text, p_new_event_id text,
      p_now timestamptz, p_expires_at timestamptz, p_month_end timestamptz, p_year_end timestamptz
    ) returns text
    language plpgsql
    as $fn$
    declare
      v_end_user text;
      v_plan record;
      v_durable boolean := false;
    begin
      perform 1 from projects
      where id = p_project_id
        and (client_secret_hash = p_secret_hash
          or (previous_client_secret_hash = p_secret_hash and previous_secret_expires_at > p_now))
        and (p_redirect_uri is null or redirect_uris @> jsonb_build_array(p_redirect_uri));
      if not found then
        return null;
      end if;

      select id into v_end_user from end_users where project_id = p_project_id and external_id = p_external_id;
      if v_end_user is null then
        v_durable := true;
        insert into end_users (id, project_id, external_id, email, name, locale, created_at, updated_at)
        values (p_new_end_user_id, p_project_id, p_external_id, p_email, p_name, p_locale, p_now, p_now)
        on conflict (project_id, external_id) do nothing
        returning id into v_end_user;

        if v_end_user is null then
          -- A concurrent first request created this end user (ON CONFLICT waited for it).
          select id into v_end_user from end_users where project_id = p_project_id and external_id = p_external_id;
        else
          -- A new end user starts on the project's default plan, if it has one.
          select id, interval into v_plan from plans
          where project_id = p_project_id and is_default and archived_at is null;
          if found then
            insert into subscriptions (id, project_id, end_user_id, plan_id, status, current_period_start, current_period_end, created_at, updated_at)
            values (p_new_subscription_id, p_project_id, v_end_user, v_plan.id, 'active', p_now,
                    case v_plan.interval when 'month' then p_month_end else p_year_end end, p_now, p_now);
            insert into events (id, project_id, type, subject_id, source, data, created_at)
            values (p_new_event_id, p_project_id, 'subscription.created', p_new_subscription_id, 'api',
                    jsonb_build_object('plan_id', v_plan.id, 'end_user_id', p_external_id, 'version', 1), p_now);
          end if;
        end if;
      elsif p_email is not null or p_name is not null or p_locale is not null then
        update end_users
        set email = coalesce(p_email, email), name = coalesce(p_name, name), locale = coalesce(p_locale, locale), updated_at = p_now
        where id = v_end_user
          and (email is distinct from coalesce(p_email, email)
            or name is distinct from coalesce(p_name, name)
            or locale is distinct from coalesce(p_locale, locale));
        v_durable := found;
      end if;

      insert into portal_tokens (token_hash, project_id, end_user_id, redirect_uri, locale, expires_at, created_at)
      values (p_token_hash, p_project_id, v_end_user, p_redirect_uri, p_locale, p_expires_at, p_now);
      if not v_durable then
        -- Only the ephemeral token was written in this transaction (see the comment above).
        perform set_config('synchronous_commit', 'off', true);
      end if;
      return v_end_user;
    end
    $fn$;
  `.execute(db);
}
