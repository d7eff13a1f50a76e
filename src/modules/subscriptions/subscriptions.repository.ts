import type { Db } from '../../db/database.ts';
import type { EndUser, Plan, Subscription } from '../../db/types.ts';

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
