import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { EndUser, Plan, Subscription, SubscriptionUpdate } from '../../db/types.ts';

export function findEndUserByExternalId(db: Db, projectId: string, externalId: string): Promise<EndUser | undefined> {
  return db
    .selectFrom('end_users')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
}

export function findSubscriptionOfEndUser(db: Db, projectId: string, endUserId: string): Promise<Subscription | undefined> {
  return db
    .selectFrom('subscriptions')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('end_user_id', '=', endUserId)
    .executeTakeFirst();
}

export function findPlansByIds(db: Db, projectId: string, ids: string[]): Promise<Plan[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('plans').selectAll().where('project_id', '=', projectId).where('id', 'in', ids).execute();
}

/** The subscription row, locked until the transaction ends (serialises changes per user). */
export function lockSubscriptionOfEndUser(db: Db, projectId: string, endUserId: string): Promise<Subscription | undefined> {
  return db
    .selectFrom('subscriptions')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('end_user_id', '=', endUserId)
    .forUpdate()
    .executeTakeFirst();
}

export function lockSubscription(db: Db, id: string): Promise<Subscription | undefined> {
  return db.selectFrom('subscriptions').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** Creates the `incomplete` row a first paid plan is bought on; no-op if one exists. */
export async function insertIncompleteSubscription(db: Db, row: { id: string; projectId: string; endUserId: string; now: Date }) {
  await db
    .insertInto('subscriptions')
    .values({
      id: row.id,
      project_id: row.projectId,
      end_user_id: row.endUserId,
      plan_id: null,
      status: 'incomplete',
      current_period_start: null,
      current_period_end: null,
      created_at: row.now,
      updated_at: row.now,
    })
    .onConflict((oc) => oc.column('end_user_id').doNothing())
    .execute();
}

/** Writes a new state and bumps `version` (the ordering key events carry). */
export async function updateSubscription(db: Db, id: string, changes: SubscriptionUpdate, now: Date): Promise<Subscription> {
  return db
    .updateTable('subscriptions')
    .set((eb) => ({ ...changes, version: eb('version', '+', 1), updated_at: now }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function findEndUserById(db: Db, projectId: string, id: string): Promise<EndUser | undefined> {
  return db.selectFrom('end_users').selectAll().where('project_id', '=', projectId).where('id', '=', id).executeTakeFirst();
}

export function findPlan(db: Db, projectId: string, planId: string): Promise<Plan | undefined> {
  return db.selectFrom('plans').selectAll().where('project_id', '=', projectId).where('id', '=', planId).executeTakeFirst();
}

/** Keeps the card token Midtrans returned (save_card) for merchant-initiated renewals. */
export async function rememberSavedCard(db: Db, subscriptionId: string, token: string, last4: string | undefined): Promise<void> {
  await db.updateTable('subscriptions').set({ saved_card_token: token, saved_card_last4: last4 ?? null }).where('id', '=', subscriptionId).execute();
}

/** Forgets the saved card (token and digits); true when there was one. */
export async function forgetSavedCard(db: Db, projectId: string, subscriptionId: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('subscriptions')
    .set({ saved_card_token: null, saved_card_last4: null, updated_at: now })
    .where('id', '=', subscriptionId)
    .where('project_id', '=', projectId)
    .where('saved_card_token', 'is not', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Claims the next subscription whose period (or grace) is over, locked for the rest of the
 * transaction; `SKIP LOCKED` lets other instances take the next one instead of waiting, so
 * no period end is ever processed twice.
 */
export async function claimDueSubscription(db: Db, now: Date): Promise<Subscription | undefined> {
  return db
    .selectFrom('subscriptions')
    .selectAll()
    .where((w) =>
      w.or([
        w.and([w('status', '=', 'active'), w('current_period_end', '<=', now)]),
        w.and([w('status', '=', 'past_due'), w('grace_ends_at', '<=', now)]),
      ]),
    )
    .orderBy('current_period_end')
    .limit(1)
    .forUpdate()
    .skipLocked()
    .executeTakeFirst();
}

export function findDefaultPlan(db: Db, projectId: string): Promise<Plan | undefined> {
  return db
    .selectFrom('plans')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('is_default', '=', true)
    .where('archived_at', 'is', null)
    .executeTakeFirst();
}

export async function gracePeriodDays(db: Db, projectId: string): Promise<number> {
  const row = await db.selectFrom('projects').select('grace_period_days').where('id', '=', projectId).executeTakeFirstOrThrow();
  return row.grace_period_days;
}

export function findPlanByCode(db: Db, projectId: string, code: string): Promise<Plan | undefined> {
  return db.selectFrom('plans').selectAll().where('project_id', '=', projectId).where('code', '=', code).executeTakeFirst();
}

/**
 * One subscription whose renewal is due to be opened ahead (renewal-reminders.ts): active,
 * paid each period by the customer (no saved card), not cancelling, its period ending within
 * its project's `renewal_reminder_days`, and not yet reminded for this period end. Locked
 * with `SKIP LOCKED`, so instances share the work (index subscriptions_renewal_reminders).
 */
export function claimRenewalToRemind(db: Db, now: Date): Promise<Subscription | undefined> {
  return db
    .selectFrom('subscriptions as s')
    .innerJoin('projects as p', 'p.id', 's.project_id')
    .selectAll('s')
    .where('s.status', '=', 'active')
    .where('s.saved_card_token', 'is', null)
    .where('s.cancel_at_period_end', '=', false)
    .where('s.current_period_end', '>', now)
    .where('s.current_period_end', '<=', new Date(now.getTime() + 7 * 86_400_000))
    .where(sql<boolean>`s.current_period_end <= ${now}::timestamptz + make_interval(days => p.renewal_reminder_days)`)
    .where(sql<boolean>`s.renewal_reminded_for is distinct from s.current_period_end`)
    .orderBy('s.current_period_end')
    .limit(1)
    .modifyEnd(sql`for update of s skip locked`)
    .executeTakeFirst();
}

/** Marks the period end an early renewal was considered for (once per period, opened or not). */
export async function markRenewalReminded(db: Db, id: string, periodEnd: Date): Promise<void> {
  await db.updateTable('subscriptions').set({ renewal_reminded_for: periodEnd }).where('id', '=', id).execute();
}
