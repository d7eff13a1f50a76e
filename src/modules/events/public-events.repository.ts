import type { Db } from '../../db/database.ts';
import type { Event, Payment, PlanInterval } from '../../db/types.ts';

/** Lookups the public payloads need, and the platform events API's query. */

/** Internal end user id → the integrator's own id (immutable once created). */
export async function findExternalIds(db: Db, endUserIds: string[]): Promise<Map<string, string>> {
  if (endUserIds.length === 0) return new Map();
  const rows = await db.selectFrom('end_users').select(['id', 'external_id']).where('id', 'in', endUserIds).execute();
  return new Map(rows.map((r) => [r.id, r.external_id]));
}

/** Plan id → code (immutable once created). */
export async function findPlanCodes(db: Db, planIds: string[]): Promise<Map<string, string>> {
  const plans = await findPlanFacts(db, planIds);
  return new Map([...plans].map(([id, p]) => [id, p.code]));
}

/** Plan id → code and interval (both immutable once created). */
export async function findPlanFacts(db: Db, planIds: string[]): Promise<Map<string, { code: string; interval: PlanInterval }>> {
  if (planIds.length === 0) return new Map();
  const rows = await db.selectFrom('plans').select(['id', 'code', 'interval']).where('id', 'in', planIds).execute();
  return new Map(rows.map((r) => [r.id, { code: r.code, interval: r.interval }]));
}

export async function findPayments(db: Db, paymentIds: string[]): Promise<Map<string, Payment>> {
  if (paymentIds.length === 0) return new Map();
  const rows = await db.selectFrom('payments').selectAll().where('id', 'in', paymentIds).execute();
  return new Map(rows.map((r) => [r.id, r]));
}

export type PublishedEvent = Pick<Event, 'id' | 'published_seq' | 'payload'>;

/**
 * A project's published public events in publication order, after `afterSeq`. Paging by
 * `published_seq` never skips an event (see migration 0003 and webhooks/publish.ts).
 */
export function listPublishedEvents(
  db: Db,
  q: { projectId: string; afterSeq: number; type?: string | undefined; limit: number },
): Promise<PublishedEvent[]> {
  let query = db
    .selectFrom('events')
    .select(['id', 'published_seq', 'payload'])
    .where('project_id', '=', q.projectId)
    .where('published_seq', 'is not', null)
    .where('payload', 'is not', null)
    .where('published_seq', '>', q.afterSeq);
  if (q.type) query = query.where('type', '=', q.type);
  return query.orderBy('published_seq').limit(q.limit).execute();
}

/** The publication position of one of the project's public events, if published. */
export async function findPublishedSeq(db: Db, projectId: string, eventId: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('events')
    .select('published_seq')
    .where('project_id', '=', projectId)
    .where('id', '=', eventId)
    .where('payload', 'is not', null)
    .executeTakeFirst();
  return row?.published_seq ?? undefined;
}

export type LoggedEvent = Pick<Event, 'id' | 'type' | 'created_at' | 'payload' | 'end_user_external_id'> & { published_seq: number };

/**
 * A project's published public events, newest first, optionally of one type and/or about
 * one customer (the integrator's end_user_id), before publication position `beforeSeq`.
 * Each filter reads an index ending in `published_seq` (migrations 0003, 0008, 0020).
 */
export async function listEventLog(
  db: Db,
  q: { projectId: string; type?: string | undefined; endUserId?: string | undefined; beforeSeq?: number | undefined; limit: number },
): Promise<LoggedEvent[]> {
  let query = db
    .selectFrom('events')
    .select(['id', 'type', 'created_at', 'payload', 'end_user_external_id', 'published_seq'])
    .where('project_id', '=', q.projectId)
    .where('published_seq', 'is not', null)
    .where('payload', 'is not', null);
  if (q.type) query = query.where('type', '=', q.type);
  if (q.endUserId) query = query.where('end_user_external_id', '=', q.endUserId);
  if (q.beforeSeq !== undefined) query = query.where('published_seq', '<', q.beforeSeq);
  const rows = await query.orderBy('published_seq', 'desc').limit(q.limit).execute();
  return rows.map((r) => ({ ...r, published_seq: Number(r.published_seq) }));
}

/** Internal end user ids of the project's customers, by the integrator's own ids (for links). */
export async function findEndUsersByExternalId(db: Db, projectId: string, externalIds: string[]): Promise<Map<string, string>> {
  if (externalIds.length === 0) return new Map();
  const rows = await db.selectFrom('end_users').select(['id', 'external_id']).where('project_id', '=', projectId).where('external_id', 'in', externalIds).execute();
  return new Map(rows.map((r) => [r.external_id, r.id]));
}
