import { CompiledQuery, sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import { preparedMarker } from '../../db/prepared.ts';
import { newId } from '../../lib/ids.ts';
import type { Locale, ThemeConfig } from '../../db/types.ts';

/** A timestamptz column as JavaScript's toISOString() writes it (events carry ISO strings). */
const ISO_UTC = (column: string) => sql.raw(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

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
 * The hot path's one statement, compiled once: Kysely's builder would rebuild and recompile
 * the same text on every request, and the marker makes the pg pool send it as a named
 * statement, parsed and planned once per connection (db/prepared.ts).
 */
const MINT_SQL = `${preparedMarker('mint_portal_token')} select mint_portal_token(
  $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) as end_user_id`;

/**
 * The hot path in one round trip: the `mint_portal_token` function (migration 0004)
 * re-checks the client secret hash and the redirect_uri allowlist, finds or creates the
 * end user (a new one on the project's default plan, with its subscription.created event),
 * refreshes optional profile fields, and stores the token's hash; when only the token was
 * written, its commit is asynchronous (see migration 0014). Returns undefined when
 * the secret hash is stale or the redirect_uri is not registered.
 */
export async function mintPortalToken(db: Db, i: MintTokenInput): Promise<{ end_user_id: string } | undefined> {
  // Its token-only path makes the commit asynchronous (migration 0014): inside a caller's
  // transaction that would also apply to the caller's writes.
  if (db.isTransaction) throw new Error('mintPortalToken runs in a transaction of its own, never inside another');
  const result = await db.executeQuery<{ end_user_id: string | null }>(
    CompiledQuery.raw(MINT_SQL, [
      i.projectId, i.secretHash, i.redirectUri, i.externalId, i.email, i.name, i.locale,
      i.tokenHash, i.newEndUserId, i.newSubscriptionId, i.newEventId,
      i.now, i.expiresAt, i.monthEnd, i.yearEnd,
    ]),
  );
  const endUserId = result.rows[0]?.end_user_id;
  return endUserId ? { end_user_id: endUserId } : undefined;
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
 * concurrent exchanges, exactly one sees the row still unused. The same statement writes
 * the `portal_session.created` event (with the integrator's own end user id).
 */
export async function consumeTokenIntoSession(db: Db, i: ConsumeTokenInput): Promise<OpenedSession | undefined> {
  const eventId = newId('evt');
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
    ),
    opened as (
      insert into portal_sessions (id, secret_hash, project_id, end_user_id, redirect_uri, locale, expires_at, created_at)
      select ${i.sessionId}, ${i.sessionSecretHash}, project_id, end_user_id, effective_redirect_uri, locale,
             ${i.sessionExpiresAt}::timestamptz, ${i.now}::timestamptz
      from chosen
      returning id, project_id, end_user_id, redirect_uri, locale, expires_at
    ),
    session_event as (
      insert into events (id, project_id, type, subject_id, source, data, created_at)
      select ${eventId}, opened.project_id, 'portal_session.created', opened.id, 'portal',
             jsonb_build_object('portal_session', jsonb_build_object(
               'id', opened.id, 'end_user_id', end_users.external_id, 'redirect_uri', opened.redirect_uri,
               'locale', opened.locale, 'expires_at', ${ISO_UTC('opened.expires_at')})),
             ${i.now}::timestamptz
      from opened join end_users on end_users.id = opened.end_user_id
    )
    select id, project_id, end_user_id, redirect_uri, locale, expires_at from opened
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

/** A live portal session with what every portal page shows about its project. */
export interface LiveSession {
  id: string;
  project_id: string;
  end_user_id: string;
  redirect_uri: string | null;
  locale: Locale | null;
  expires_at: Date;
  project_name: string;
  theme_config: ThemeConfig;
  project_default_locale: Locale;
  /** The project's IANA zone: every date and deadline in the portal is shown in it. */
  project_time_zone: string;
}

/**
 * The session a portal cookie carries (looked up by the SHA-256 of its secret), if it has
 * neither expired nor been ended — with its project, in one round trip per page.
 */
export function findLiveSession(db: Db, secretHash: Buffer, now: Date): Promise<LiveSession | undefined> {
  return db
    .selectFrom('portal_sessions')
    .innerJoin('projects', 'projects.id', 'portal_sessions.project_id')
    .select([
      'portal_sessions.id',
      'portal_sessions.project_id',
      'portal_sessions.end_user_id',
      'portal_sessions.redirect_uri',
      'portal_sessions.locale',
      'portal_sessions.expires_at',
      'projects.name as project_name',
      'projects.theme_config',
      'projects.default_locale as project_default_locale',
      'projects.time_zone as project_time_zone',
    ])
    .where('portal_sessions.secret_hash', '=', secretHash)
    .where('portal_sessions.ended_at', 'is', null)
    .where('portal_sessions.expires_at', '>', now)
    .executeTakeFirst();
}

/** An ended or expired session, for its "session ended" page: where "Back to app" leads. */
export interface PastSession {
  id: string;
  redirect_uri: string | null;
  locale: Locale | null;
  project_name: string;
  theme_config: ThemeConfig;
  project_default_locale: Locale;
}

export function findSessionForEndedPage(db: Db, by: { secretHash: Buffer } | { id: string }): Promise<PastSession | undefined> {
  let query = db
    .selectFrom('portal_sessions')
    .innerJoin('projects', 'projects.id', 'portal_sessions.project_id')
    .select([
      'portal_sessions.id',
      'portal_sessions.redirect_uri',
      'portal_sessions.locale',
      'projects.name as project_name',
      'projects.theme_config',
      'projects.default_locale as project_default_locale',
    ]);
  query = 'id' in by ? query.where('portal_sessions.id', '=', by.id) : query.where('portal_sessions.secret_hash', '=', by.secretHash);
  return query.executeTakeFirst();
}

/** The language the reader chose in the portal: it wins over the browser's for the rest of the session. */
export async function setSessionLocale(db: Db, id: string, locale: Locale): Promise<void> {
  await db.updateTable('portal_sessions').set({ locale }).where('id', '=', id).where('ended_at', 'is', null).execute();
}

/** Ends a session ("Back to app"); ending it twice changes nothing. */
export async function endSession(db: Db, id: string, now: Date): Promise<void> {
  await db.updateTable('portal_sessions').set({ ended_at: now }).where('id', '=', id).where('ended_at', 'is', null).execute();
}

/** Who an account is, as a person would recognise it: for the "open a different account?" page. */
export interface AccountHolder {
  project_id: string;
  project_name: string;
  end_user_id: string;
  external_id: string;
  name: string | null;
  email: string | null;
}

/** The holder of a portal link that could still be exchanged now (unused, unexpired). */
export function findUsableTokenHolder(db: Db, tokenHash: Buffer, now: Date): Promise<AccountHolder | undefined> {
  return db
    .selectFrom('portal_tokens')
    .innerJoin('projects', 'projects.id', 'portal_tokens.project_id')
    .innerJoin('end_users', 'end_users.id', 'portal_tokens.end_user_id')
    .select(['portal_tokens.project_id', 'projects.name as project_name', 'portal_tokens.end_user_id', 'end_users.external_id', 'end_users.name', 'end_users.email'])
    .where('portal_tokens.token_hash', '=', tokenHash)
    .where('portal_tokens.used_at', 'is', null)
    .where('portal_tokens.expires_at', '>', now)
    .executeTakeFirst();
}

export function findAccountHolder(db: Db, endUserId: string): Promise<AccountHolder | undefined> {
  return db
    .selectFrom('end_users')
    .innerJoin('projects', 'projects.id', 'end_users.project_id')
    .select(['end_users.project_id', 'projects.name as project_name', 'end_users.id as end_user_id', 'end_users.external_id', 'end_users.name', 'end_users.email'])
    .where('end_users.id', '=', endUserId)
    .executeTakeFirst();
}

/**
 * A portal token minted by Langgan itself, not through the session API: the hosted login
 * page's (exchanged at once) and the sign-in links in customer email. The same row, so the
 * same single-use exchange and session follow.
 */
export async function insertPortalToken(
  db: Db,
  t: { tokenHash: Buffer; projectId: string; endUserId: string; redirectUri: string | null; locale: Locale | null; expiresAt: Date; now: Date },
): Promise<void> {
  await db
    .insertInto('portal_tokens')
    .values({
      token_hash: t.tokenHash,
      project_id: t.projectId,
      end_user_id: t.endUserId,
      redirect_uri: t.redirectUri,
      locale: t.locale,
      expires_at: t.expiresAt,
      created_at: t.now,
    })
    .execute();
}

/** A customer's portal sessions, newest first (the dashboard's customer page). */
export function listSessionsOfEndUser(db: Db, projectId: string, endUserId: string, limit: number) {
  return db
    .selectFrom('portal_sessions')
    .select(['id', 'created_at', 'expires_at', 'ended_at', 'locale'])
    .where('project_id', '=', projectId)
    .where('end_user_id', '=', endUserId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/**
 * Ends one live session of this customer (revoked from the dashboard): its cookie stops
 * working on the next request. False when there is no such live session.
 */
export async function endSessionOfEndUser(db: Db, s: { projectId: string; endUserId: string; id: string }, now: Date): Promise<boolean> {
  const ended = await db
    .updateTable('portal_sessions')
    .set({ ended_at: now })
    .where('id', '=', s.id)
    .where('project_id', '=', s.projectId)
    .where('end_user_id', '=', s.endUserId)
    .where('ended_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return ended.numUpdatedRows > 0n;
}
