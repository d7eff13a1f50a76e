import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Event, WebhookAttempt, WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint } from '../../db/types.ts';

/** Every query of the webhooks domain. Callers pass the handle (db or transaction). */

// ---------------------------------------------------------------------------------------
// Endpoints
// ---------------------------------------------------------------------------------------

export interface EndpointInsert {
  id: string;
  projectId: string;
  url: string;
  description: string;
  eventTypes: string[] | null;
  secret: string;
  now: Date;
}

export function insertEndpoint(db: Db, e: EndpointInsert): Promise<WebhookEndpoint> {
  return db
    .insertInto('webhook_endpoints')
    .values({
      id: e.id,
      project_id: e.projectId,
      url: e.url,
      description: e.description,
      event_types: e.eventTypes ? JSON.stringify(e.eventTypes) : null,
      secret: e.secret,
      previous_secret: null,
      previous_secret_expires_at: null,
      created_at: e.now,
      updated_at: e.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function listEndpoints(db: Db, projectId: string): Promise<WebhookEndpoint[]> {
  return db.selectFrom('webhook_endpoints').selectAll().where('project_id', '=', projectId).orderBy('created_at').orderBy('id').execute();
}

export function findEndpoint(db: Db, projectId: string, id: string): Promise<WebhookEndpoint | undefined> {
  return db.selectFrom('webhook_endpoints').selectAll().where('project_id', '=', projectId).where('id', '=', id).executeTakeFirst();
}

export interface EndpointChanges {
  url?: string | undefined;
  description?: string | undefined;
  eventTypes?: string[] | null | undefined;
}

export function updateEndpoint(db: Db, projectId: string, id: string, c: EndpointChanges, now: Date): Promise<WebhookEndpoint | undefined> {
  return db
    .updateTable('webhook_endpoints')
    .set({
      ...(c.url !== undefined && { url: c.url }),
      ...(c.description !== undefined && { description: c.description }),
      ...(c.eventTypes !== undefined && { event_types: c.eventTypes ? JSON.stringify(c.eventTypes) : null }),
      updated_at: now,
    })
    .where('project_id', '=', projectId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** The current secret becomes the previous one (signing alongside until `previousExpiresAt`). */
export function rotateSecret(
  db: Db,
  projectId: string,
  id: string,
  r: { secret: string; previousExpiresAt: Date | null; now: Date },
): Promise<WebhookEndpoint | undefined> {
  return db
    .updateTable('webhook_endpoints')
    .set((eb) => ({
      previous_secret: r.previousExpiresAt ? eb.ref('secret') : null,
      previous_secret_expires_at: r.previousExpiresAt,
      secret: r.secret,
      updated_at: r.now,
    }))
    .where('project_id', '=', projectId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** Deletes the endpoint with its deliveries and their attempts (ON DELETE CASCADE). */
export async function deleteEndpoint(db: Db, projectId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('webhook_endpoints').where('project_id', '=', projectId).where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export function endpointsOfProjects(db: Db, projectIds: string[]): Promise<WebhookEndpoint[]> {
  if (projectIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('webhook_endpoints').selectAll().where('project_id', 'in', projectIds).execute();
}

// ---------------------------------------------------------------------------------------
// Publication (the outbox side)
// ---------------------------------------------------------------------------------------

/** An arbitrary, fixed key: "only one instance publishes at a time". */
const PUBLISH_LOCK_KEY = 7_150_212_003;

/**
 * Takes the publication lock for the rest of the transaction, or returns false at once
 * when another instance holds it (that instance is publishing; nothing to wait for).
 */
export async function tryPublishLock(trx: Db): Promise<boolean> {
  const result = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(${PUBLISH_LOCK_KEY}::bigint) as locked`.execute(trx);
  return result.rows[0]?.locked === true;
}

export function unpublishedEvents(db: Db, limit: number): Promise<Event[]> {
  return db.selectFrom('events').selectAll().where('published_seq', 'is', null).orderBy('seq').limit(limit).execute();
}

/**
 * Numbers `events` (given in `seq` order) after the highest published_seq so far and stores
 * their public payloads. Only correct under the publication lock, which makes the numbers
 * grow in commit order; the unique index on published_seq backs that up.
 */
export async function markPublished(trx: Db, events: Array<{ seq: number; payload: string | null; endUserId?: string | null }>): Promise<void> {
  if (events.length === 0) return;
  const rows = JSON.stringify(events.map((e, i) => ({ seq: e.seq, ord: i + 1, payload: e.payload, end_user_external_id: e.endUserId ?? null })));
  await sql`
    update events
    set published_seq = base.n + batch.ord, payload = batch.payload, end_user_external_id = batch.end_user_external_id
    from jsonb_to_recordset(${rows}::jsonb) as batch(seq bigint, ord integer, payload text, end_user_external_id text),
         (select coalesce(max(published_seq), 0) as n from events) as base
    where events.seq = batch.seq and events.published_seq is null
  `.execute(trx);
}

export interface DeliveryInsert {
  id: string;
  projectId: string;
  endpointId: string;
  eventId: string;
  now: Date;
}

export async function insertDeliveries(db: Db, rows: DeliveryInsert[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto('webhook_deliveries')
      .values(
        rows.slice(i, i + 500).map((r) => ({
          id: r.id,
          project_id: r.projectId,
          endpoint_id: r.endpointId,
          event_id: r.eventId,
          status: 'pending' as const,
          next_attempt_at: r.now,
          window_started_at: r.now,
          created_at: r.now,
          updated_at: r.now,
        })),
      )
      .onConflict((oc) => oc.columns(['endpoint_id', 'event_id']).doNothing())
      .execute();
  }
}

// ---------------------------------------------------------------------------------------
// Delivery (claim, record)
// ---------------------------------------------------------------------------------------

/** A claimed delivery with everything needed to send it. */
export interface ClaimedDelivery {
  id: string;
  event_id: string;
  attempts_in_window: number;
  window_started_at: Date;
  claim_token: string;
  url: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
  development_mode: boolean;
  payload: string;
}

/**
 * Claims up to `limit` due deliveries for this caller alone: one statement locks them with
 * `FOR UPDATE SKIP LOCKED` (a concurrent claimer skips them instead of waiting) and moves
 * `next_attempt_at` to `leaseUntil`, so they are not due for anyone else while this caller
 * sends them. If this instance dies mid-send, the lease runs out and another instance
 * retries: delivery is at-least-once, and receivers deduplicate on `webhook-id`.
 */
export async function claimDueDeliveries(db: Db, c: { now: Date; leaseUntil: Date; limit: number; token: string }): Promise<ClaimedDelivery[]> {
  const result = await sql<ClaimedDelivery>`
    with due as (
      select id from webhook_deliveries
      where status = 'pending' and next_attempt_at <= ${c.now}::timestamptz
      order by next_attempt_at
      limit ${c.limit}
      for update skip locked
    ),
    claimed as (
      update webhook_deliveries d
      set next_attempt_at = ${c.leaseUntil}::timestamptz, attempts_in_window = d.attempts_in_window + 1,
          claim_token = ${c.token}, updated_at = ${c.now}::timestamptz
      from due where d.id = due.id
      returning d.id, d.endpoint_id, d.event_id, d.attempts_in_window, d.window_started_at, d.claim_token
    )
    select claimed.id, claimed.event_id, claimed.attempts_in_window, claimed.window_started_at, claimed.claim_token,
           e.url, e.secret, e.previous_secret, e.previous_secret_expires_at, p.development_mode,
           coalesce(d.payload, ev.payload) as payload
    from claimed
    join webhook_deliveries d on d.id = claimed.id
    join webhook_endpoints e on e.id = claimed.endpoint_id
    join projects p on p.id = e.project_id
    join events ev on ev.id = claimed.event_id
  `.execute(db);
  return result.rows.map((r) => ({
    ...r,
    window_started_at: new Date(r.window_started_at),
    previous_secret_expires_at: r.previous_secret_expires_at ? new Date(r.previous_secret_expires_at) : null,
  }));
}

export interface AttemptRecord {
  deliveryId: string;
  claimToken: string;
  attemptedAt: Date;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  /** The start of the receiver's answer (sender.ts#excerptOf). */
  responseExcerpt?: string | null;
  succeeded: boolean;
  nextAttemptAt: Date | null;
  now: Date;
}

/**
 * Logs an attempt and moves its delivery on: succeeded, due again at `nextAttemptAt`, or
 * failed. Only the holder of the current claim moves the delivery (an instance that lost
 * its lease still logs what it did, but the newer claim decides the state).
 */
export async function recordAttempt(trx: Db, a: AttemptRecord): Promise<boolean> {
  await trx
    .insertInto('webhook_attempts')
    .values({
      delivery_id: a.deliveryId,
      attempted_at: a.attemptedAt,
      status_code: a.statusCode,
      duration_ms: a.durationMs,
      error: a.error,
      next_attempt_at: a.nextAttemptAt,
      response_excerpt: a.responseExcerpt ?? null,
    })
    .execute();
  const status: WebhookDeliveryStatus = a.succeeded ? 'succeeded' : a.nextAttemptAt ? 'pending' : 'failed';
  const result = await trx
    .updateTable('webhook_deliveries')
    .set({
      status,
      next_attempt_at: a.nextAttemptAt,
      last_attempt_at: a.attemptedAt,
      last_status_code: a.statusCode,
      last_error: a.error,
      ...(a.succeeded && { delivered_at: a.now }),
      claim_token: null,
      updated_at: a.now,
    })
    .where('id', '=', a.deliveryId)
    .where('status', '=', 'pending')
    .where('claim_token', '=', a.claimToken)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

// ---------------------------------------------------------------------------------------
// Delivery log
// ---------------------------------------------------------------------------------------

export type DeliveryRow = WebhookDelivery & { event_type: string };

export async function listDeliveries(
  db: Db,
  q: { endpointId: string; status?: WebhookDeliveryStatus | undefined; before?: Pick<WebhookDelivery, 'created_at' | 'id'> | undefined; limit: number },
): Promise<DeliveryRow[]> {
  let query = db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('events as e', 'e.id', 'd.event_id')
    .selectAll('d')
    .select('e.type as event_type')
    .where('d.endpoint_id', '=', q.endpointId);
  if (q.status) query = query.where('d.status', '=', q.status);
  if (q.before) {
    const { created_at, id } = q.before;
    query = query.where((eb) => eb.or([eb('d.created_at', '<', created_at), eb.and([eb('d.created_at', '=', created_at), eb('d.id', '<', id)])]));
  }
  return query.orderBy('d.created_at', 'desc').orderBy('d.id', 'desc').limit(q.limit).execute();
}

/** One delivery of an endpoint; `body` is what it sends (its own payload, else its event's). */
export function findDelivery(db: Db, endpointId: string, id: string): Promise<(DeliveryRow & { body: string | null }) | undefined> {
  return db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('events as e', 'e.id', 'd.event_id')
    .selectAll('d')
    .select('e.type as event_type')
    .select(sql<string | null>`coalesce(d.payload, e.payload)`.as('body'))
    .where('d.endpoint_id', '=', endpointId)
    .where('d.id', '=', id)
    .executeTakeFirst();
}

/** A page of a project's delivery log (one endpoint, or all), newest first, with each endpoint's URL. */
export function listProjectDeliveries(
  db: Db,
  q: {
    projectId: string;
    endpointId?: string | undefined;
    status?: WebhookDeliveryStatus | undefined;
    before?: Pick<WebhookDelivery, 'created_at' | 'id'> | undefined;
    limit: number;
  },
): Promise<Array<DeliveryRow & { url: string }>> {
  let query = db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('events as e', 'e.id', 'd.event_id')
    .innerJoin('webhook_endpoints as w', 'w.id', 'd.endpoint_id')
    .selectAll('d')
    .select(['e.type as event_type', 'w.url'])
    .where('d.project_id', '=', q.projectId);
  if (q.endpointId) query = query.where('d.endpoint_id', '=', q.endpointId);
  if (q.status) query = query.where('d.status', '=', q.status);
  if (q.before) {
    const { created_at, id } = q.before;
    query = query.where((eb) => eb.or([eb('d.created_at', '<', created_at), eb.and([eb('d.created_at', '=', created_at), eb('d.id', '<', id)])]));
  }
  return query.orderBy('d.created_at', 'desc').orderBy('d.id', 'desc').limit(q.limit).execute();
}

/** Where a page of the project's delivery log starts: the delivery it ends at, if it is the project's. */
export function findProjectDeliveryPosition(db: Db, projectId: string, id: string): Promise<Pick<WebhookDelivery, 'created_at' | 'id'> | undefined> {
  return db.selectFrom('webhook_deliveries').select(['created_at', 'id']).where('project_id', '=', projectId).where('id', '=', id).executeTakeFirst();
}

/** How many attempts each delivery has made. */
export async function attemptCountsOf(db: Db, deliveryIds: string[]): Promise<Map<string, number>> {
  if (deliveryIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('webhook_attempts')
    .select(['delivery_id', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('delivery_id', 'in', deliveryIds)
    .groupBy('delivery_id')
    .execute();
  return new Map(rows.map((r) => [r.delivery_id, Number(r.n)]));
}

/** Each delivery's latest attempt (for the log's "last response" column). */
export async function lastAttemptsOf(db: Db, deliveryIds: string[]): Promise<Map<string, WebhookAttempt>> {
  if (deliveryIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('webhook_attempts')
    .selectAll()
    .distinctOn('delivery_id')
    .where('delivery_id', 'in', deliveryIds)
    .orderBy('delivery_id')
    .orderBy('id', 'desc')
    .execute();
  return new Map(rows.map((r) => [r.delivery_id, r]));
}

/**
 * A delivery that carries its own body instead of a published event's: the test event of
 * one endpoint. Due at once, so the next run of the delivery job signs and sends it.
 */
export async function insertOwnDelivery(db: Db, d: DeliveryInsert & { payload: string }): Promise<void> {
  await db
    .insertInto('webhook_deliveries')
    .values({
      id: d.id,
      project_id: d.projectId,
      endpoint_id: d.endpointId,
      event_id: d.eventId,
      status: 'pending',
      next_attempt_at: d.now,
      window_started_at: d.now,
      created_at: d.now,
      updated_at: d.now,
      payload: d.payload,
    })
    .execute();
}

export async function attemptsOf(db: Db, deliveryIds: string[]): Promise<Map<string, WebhookAttempt[]>> {
  const byDelivery = new Map<string, WebhookAttempt[]>(deliveryIds.map((id) => [id, []]));
  if (deliveryIds.length === 0) return byDelivery;
  const rows = await db.selectFrom('webhook_attempts').selectAll().where('delivery_id', 'in', deliveryIds).orderBy('id').execute();
  for (const row of rows) byDelivery.get(row.delivery_id)?.push(row);
  return byDelivery;
}

/**
 * Sends a finished (succeeded or failed) delivery again: due now, with a fresh retry window.
 * A pending delivery is left alone (it is already scheduled, perhaps being sent right now).
 */
export function reopenDelivery(db: Db, endpointId: string, id: string, now: Date): Promise<WebhookDelivery | undefined> {
  return db
    .updateTable('webhook_deliveries')
    .set({ status: 'pending', next_attempt_at: now, attempts_in_window: 0, window_started_at: now, claim_token: null, updated_at: now })
    .where('endpoint_id', '=', endpointId)
    .where('id', '=', id)
    .where('status', '<>', 'pending')
    .returningAll()
    .executeTakeFirst();
}

// ---------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------

/** Deliveries still to send and deliveries given up on; each count reads a partial index. */
export async function countOpenDeliveries(db: Db): Promise<{ pending: number; failed: number }> {
  const result = await sql<{ pending: number | string; failed: number | string }>`
    select (select count(*) from webhook_deliveries where status = 'pending') as pending,
           (select count(*) from webhook_deliveries where status = 'failed') as failed
  `.execute(db);
  const row = result.rows[0];
  return { pending: Number(row?.pending ?? 0), failed: Number(row?.failed ?? 0) };
}
