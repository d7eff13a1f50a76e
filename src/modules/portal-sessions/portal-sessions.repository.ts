import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Locale } from '../../db/types.ts';

export interface MintTokenInput {
  projectId: string;
  /** The hash presented by the caller: the statement inserts nothing if it is no longer current. */
  secretHash: Buffer;
  externalId: string;
  email: string | null;
  name: string | null;
  locale: Locale | null;
  redirectUri: string | null;
  tokenHash: Buffer;
  newEndUserId: string;
  newSubscriptionId: string;
  newEventId: string;
  /** Period end for a default plan of either interval (computed in one place: lib/periods). */
  monthEnd: Date;
  yearEnd: Date;
  now: Date;
  expiresAt: Date;
}

/**
 * The hot path in one statement (one round trip): re-check the client secret hash and
 * that the redirect_uri is registered,
 * find or create the end user (putting a new one on the project's default plan, with
 * its subscription.created event), refresh the optional profile fields, and store the
 * portal token's hash. Returns no row when the secret hash is stale, the redirect_uri is
 * not registered, or a concurrent request created the same end user first; the caller
 * diagnoses with fresh reads and retries once.
 */
export async function mintPortalToken(db: Db, i: MintTokenInput): Promise<{ end_user_id: string } | undefined> {
  const result = await sql<{ end_user_id: string }>`
    with project as (
      select id from projects
      where id = ${i.projectId} and client_secret_hash = ${i.secretHash}
        and (${i.redirectUri}::text is null or redirect_uris @> jsonb_build_array(${i.redirectUri}::text))
    ),
    existing as (
      select end_users.id from end_users, project
      where end_users.project_id = project.id and end_users.external_id = ${i.externalId}
    ),
    inserted_user as (
      insert into end_users (id, project_id, external_id, email, name, locale, created_at, updated_at)
      select ${i.newEndUserId}, project.id, ${i.externalId}, ${i.email}::text, ${i.name}::text, ${i.locale}::text, ${i.now}::timestamptz, ${i.now}::timestamptz
      from project where not exists (select 1 from existing)
      on conflict (project_id, external_id) do nothing
      returning id
    ),
    refreshed_user as (
      update end_users
      set email = coalesce(${i.email}::text, email), name = coalesce(${i.name}::text, name),
          locale = coalesce(${i.locale}::text, locale), updated_at = ${i.now}::timestamptz
      where id = (select id from existing)
        and (email is distinct from coalesce(${i.email}::text, email)
          or name is distinct from coalesce(${i.name}::text, name)
          or locale is distinct from coalesce(${i.locale}::text, locale))
    ),
    default_plan as (
      select id, interval from plans
      where project_id = ${i.projectId} and is_default and archived_at is null
    ),
    new_subscription as (
      insert into subscriptions (id, project_id, end_user_id, plan_id, status, current_period_start, current_period_end, created_at, updated_at)
      select ${i.newSubscriptionId}, ${i.projectId}, inserted_user.id, default_plan.id, 'active', ${i.now}::timestamptz,
             case default_plan.interval when 'month' then ${i.monthEnd}::timestamptz else ${i.yearEnd}::timestamptz end,
             ${i.now}::timestamptz, ${i.now}::timestamptz
      from inserted_user cross join default_plan
      returning id, plan_id, end_user_id
    ),
    subscription_event as (
      insert into events (id, project_id, type, subject_id, source, data, created_at)
      select ${i.newEventId}, ${i.projectId}, 'subscription.created', id, 'api',
             jsonb_build_object('plan_id', plan_id, 'end_user_id', ${i.externalId}::text, 'version', 1), ${i.now}::timestamptz
      from new_subscription
    ),
    end_user as (
      select id from existing union all select id from inserted_user
    ),
    token as (
      insert into portal_tokens (token_hash, project_id, end_user_id, redirect_uri, locale, expires_at, created_at)
      select ${i.tokenHash}, ${i.projectId}, end_user.id, ${i.redirectUri}::text, ${i.locale}::text, ${i.expiresAt}::timestamptz, ${i.now}::timestamptz
      from end_user
      returning end_user_id
    )
    select end_user_id from token
  `.execute(db);
  return result.rows[0];
}

export interface ConsumeTokenInput {
  tokenHash: Buffer;
  sessionId: string;
  sessionSecretHash: Buffer;
  now: Date;
  sessionExpiresAt: Date;
  /** A redirect_uri appended in the browser; kept only when registered for the project. */
  requestedRedirectUri: string | null;
}

export interface OpenedSession {
  id: string;
  project_id: string;
  end_user_id: string;
  redirect_uri: string | null;
  locale: string | null;
  expires_at: Date;
}

/**
 * Exchanges a portal token for a portal session in one statement. The conditional
 * UPDATE (`used_at is null and expires_at > now`) is the single-use guarantee: of two
 * concurrent exchanges, exactly one sees the row still unused.
 */
export async function consumeTokenIntoSession(db: Db, i: ConsumeTokenInput): Promise<OpenedSession | undefined> {
  const result = await sql<OpenedSession>`
    with consumed as (
      update portal_tokens set used_at = ${i.now}::timestamptz
      where token_hash = ${i.tokenHash} and used_at is null and expires_at > ${i.now}::timestamptz
      returning project_id, end_user_id, redirect_uri, locale
    ),
    chosen as (
      select consumed.*,
        case when ${i.requestedRedirectUri}::text is not null
               and projects.redirect_uris @> jsonb_build_array(${i.requestedRedirectUri}::text)
             then ${i.requestedRedirectUri}::text
             else consumed.redirect_uri end as effective_redirect_uri
      from consumed join projects on projects.id = consumed.project_id
    )
    insert into portal_sessions (id, secret_hash, project_id, end_user_id, redirect_uri, locale, expires_at, created_at)
    select ${i.sessionId}, ${i.sessionSecretHash}, project_id, end_user_id, effective_redirect_uri, locale,
           ${i.sessionExpiresAt}::timestamptz, ${i.now}::timestamptz
    from chosen
    returning id, project_id, end_user_id, redirect_uri, locale, expires_at
  `.execute(db);
  return result.rows[0];
}

export interface TokenRow {
  project_id: string;
  redirect_uri: string | null;
  used_at: Date | null;
  expires_at: Date;
  redirect_uris: string[];
}

/** For explaining a failed exchange: what is known about this token, if anything. */
export async function findToken(db: Db, tokenHash: Buffer): Promise<TokenRow | undefined> {
  return db
    .selectFrom('portal_tokens')
    .innerJoin('projects', 'projects.id', 'portal_tokens.project_id')
    .select(['portal_tokens.project_id', 'portal_tokens.redirect_uri', 'portal_tokens.used_at', 'portal_tokens.expires_at', 'projects.redirect_uris'])
    .where('portal_tokens.token_hash', '=', tokenHash)
    .executeTakeFirst();
}
