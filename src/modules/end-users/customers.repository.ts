import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { EndUser, SubscriptionStatus } from '../../db/types.ts';

/**
 * The dashboard's view of a project's customers (end users with their subscription): the
 * list with its search, filters and keyset pages, and what one customer's page reads.
 *
 * Every page of the list is one index range scan (migration 0019), newest customer first:
 * - no status or plan filter: `end_users_newest` (project, created_at desc, id desc), each
 *   row's subscription and open payment by their unique indexes;
 * - a status or plan filter: `subscriptions_by_list_state` / `subscriptions_by_list_plan`,
 *   whose keyset (`end_user_created_at`, `end_user_id`) is the end user's own, so a filtered
 *   page is the unfiltered list with rows left out, in the same order;
 * - a search: a prefix of the lower-cased end_user_id, email or name, three index ranges
 *   ORed (a search narrows to few rows, sorted after).
 */

/** The states the list filters on, worded as the portal shows them. */
export const CUSTOMER_STATES = ['active', 'past_due', 'cancel_scheduled', 'canceled', 'pending_payment'] as const;
export type CustomerState = (typeof CUSTOMER_STATES)[number];

export interface CustomerCursor {
  createdAt: Date;
  /** The internal end user id (`eu_…`): the tie-breaker. */
  id: string;
}

export interface CustomerListQuery {
  projectId: string;
  /** Case-insensitive prefix of the end_user_id, the email or the name. */
  search?: string | undefined;
  status?: CustomerState | undefined;
  planId?: string | undefined;
  /** The last row of the previous page (its `cursor`); absent: the first page. */
  after?: CustomerCursor | undefined;
  /** Rows per page (1–1000). */
  limit: number;
}

export interface CustomerRow {
  /** Internal id (`eu_…`). */
  id: string;
  /** The integrator's end_user_id. */
  external_id: string;
  email: string | null;
  name: string | null;
  created_at: Date;
  subscription_id: string | null;
  status: SubscriptionStatus | null;
  plan_id: string | null;
  scheduled_plan_id: string | null;
  cancel_at_period_end: boolean;
  cancel_reason: string | null;
  current_period_end: Date | null;
  grace_ends_at: Date | null;
  /** The subscription's one pending payment (a partial unique index allows one), if any. */
  open_payment_id: string | null;
}

export interface CustomerPage {
  rows: CustomerRow[];
  /** Where the next page starts; null on the last page. */
  next: CustomerCursor | null;
}

/** The list state of a subscription, exactly as indexed by `subscriptions_by_list_state`. */
const listState = sql<string>`(case when s.status = 'active' and s.cancel_at_period_end then 'cancel_scheduled' else s.status end)`;

/** `LIKE` prefix pattern of what was typed, its wildcards escaped. */
function prefixPattern(search: string): string {
  return `${search.trim().toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * One page of a project's customers, newest first. Pass the previous page's `next` as
 * `after` for the following one: no row is skipped or repeated, even while customers are
 * added (they appear on the first page).
 */
export async function listCustomers(db: Db, q: CustomerListQuery): Promise<CustomerPage> {
  const limit = Math.min(Math.max(Math.trunc(q.limit), 1), 1000);
  const search = q.search?.trim() ? prefixPattern(q.search) : undefined;
  const filtered = q.status !== undefined || q.planId !== undefined;
  const searchSql = search
    ? sql`and (lower(eu.external_id) like ${search} or lower(eu.email) like ${search} or lower(eu.name) like ${search})`
    : sql``;
  const columns = sql`eu.id, eu.external_id, eu.email, eu.name, eu.created_at,
    s.id as subscription_id, s.status, s.plan_id, s.scheduled_plan_id, coalesce(s.cancel_at_period_end, false) as cancel_at_period_end,
    s.cancel_reason, s.current_period_end, s.grace_ends_at,
    (select p.id from payments p where p.subscription_id = s.id and p.status = 'pending') as open_payment_id`;

  const query = filtered
    ? sql<CustomerRow>`select ${columns}
        from subscriptions s join end_users eu on eu.id = s.end_user_id
        where s.project_id = ${q.projectId}
          ${q.status === 'pending_payment' ? sql`and ${listState} = 'incomplete' and exists (select 1 from payments p where p.subscription_id = s.id and p.status = 'pending')` : sql``}
          ${q.status !== undefined && q.status !== 'pending_payment' ? sql`and ${listState} = ${q.status}` : sql``}
          ${q.planId !== undefined ? sql`and s.plan_id = ${q.planId}` : sql``}
          ${q.after ? sql`and (s.end_user_created_at, s.end_user_id) < (${q.after.createdAt}, ${q.after.id})` : sql``}
          ${searchSql}
        order by s.end_user_created_at desc, s.end_user_id desc
        limit ${limit + 1}`
    : sql<CustomerRow>`select ${columns}
        from end_users eu left join subscriptions s on s.end_user_id = eu.id
        where eu.project_id = ${q.projectId}
          ${q.after ? sql`and (eu.created_at, eu.id) < (${q.after.createdAt}, ${q.after.id})` : sql``}
          ${searchSql}
        order by eu.created_at desc, eu.id desc
        limit ${limit + 1}`;
  const { rows } = await query.execute(db);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page, next: rows.length > limit && last ? { createdAt: last.created_at, id: last.id } : null };
}

/** Every customer the query matches, page after page (for the CSV export: never all in memory). */
export async function* eachCustomerPage(db: Db, q: Omit<CustomerListQuery, 'after' | 'limit'>, pageSize = 500): AsyncGenerator<CustomerRow[]> {
  let after: CustomerCursor | undefined;
  for (;;) {
    const page = await listCustomers(db, { ...q, after, limit: pageSize });
    if (page.rows.length) yield page.rows;
    if (!page.next) return;
    after = page.next;
  }
}

/** One customer of the project by the integrator's end_user_id. */
export function findCustomer(db: Db, projectId: string, externalId: string): Promise<EndUser | undefined> {
  return db.selectFrom('end_users').selectAll().where('project_id', '=', projectId).where('external_id', '=', externalId).executeTakeFirst();
}

export interface CustomerEvent {
  id: string;
  type: string;
  source: string;
  created_at: Date;
}

/**
 * The customer's timeline: their public events (the events API's objects), newest first,
 * through the events log's customer index (`events.end_user_external_id`, set at publication,
 * migration 0020). An event shows once published, within a scheduler interval.
 */
export function listCustomerEvents(db: Db, projectId: string, externalId: string, limit: number): Promise<CustomerEvent[]> {
  return db
    .selectFrom('events')
    .select(['id', 'type', 'source', 'created_at'])
    .where('project_id', '=', projectId)
    .where('end_user_external_id', '=', externalId)
    .where('published_seq', 'is not', null)
    .where('payload', 'is not', null)
    .orderBy('published_seq', 'desc')
    .limit(limit)
    .execute();
}
