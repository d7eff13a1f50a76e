import type { Db } from '../../db/database.ts';
import type { Plan, PlanTranslations } from '../../db/types.ts';

export interface PlanInsert {
  id: string;
  projectId: string;
  code: string;
  name: string;
  description: string;
  price: number;
  currency: string;
  interval: 'month' | 'year';
  features: string[];
  translations: PlanTranslations;
  sortOrder: number;
  isDefault: boolean;
  now: Date;
}

/** Returns undefined when the (project, code) pair is taken. */
export async function insertPlan(db: Db, p: PlanInsert): Promise<Plan | undefined> {
  return db
    .insertInto('plans')
    .values({
      id: p.id,
      project_id: p.projectId,
      code: p.code,
      name: p.name,
      description: p.description,
      price: p.price,
      currency: p.currency,
      interval: p.interval,
      features: JSON.stringify(p.features),
      translations: JSON.stringify(p.translations),
      sort_order: p.sortOrder,
      is_default: p.isDefault,
      created_at: p.now,
      updated_at: p.now,
    })
    .onConflict((oc) => oc.columns(['project_id', 'code']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export function findPlan(db: Db, projectId: string, planId: string): Promise<Plan | undefined> {
  return db.selectFrom('plans').selectAll().where('project_id', '=', projectId).where('id', '=', planId).executeTakeFirst();
}

export function listPlans(db: Db, projectId: string, options: { includeArchived: boolean }): Promise<Plan[]> {
  let query = db.selectFrom('plans').selectAll().where('project_id', '=', projectId);
  if (!options.includeArchived) query = query.where('archived_at', 'is', null);
  return query.orderBy('sort_order').orderBy('price').orderBy('created_at').execute();
}

/** Clears the project's current default so another plan can take the flag. */
export async function clearDefaultPlan(db: Db, projectId: string, now: Date): Promise<void> {
  await db
    .updateTable('plans')
    .set({ is_default: false, updated_at: now })
    .where('project_id', '=', projectId)
    .where('is_default', '=', true)
    .execute();
}

export interface PlanChanges {
  name?: string;
  description?: string;
  features?: string[];
  translations?: PlanTranslations;
  sortOrder?: number;
  isDefault?: boolean;
  archivedAt?: Date | null;
}

export async function updatePlan(db: Db, projectId: string, planId: string, c: PlanChanges, now: Date): Promise<Plan | undefined> {
  return db
    .updateTable('plans')
    .set({
      ...(c.name !== undefined && { name: c.name }),
      ...(c.description !== undefined && { description: c.description }),
      ...(c.features !== undefined && { features: JSON.stringify(c.features) }),
      ...(c.translations !== undefined && { translations: JSON.stringify(c.translations) }),
      ...(c.sortOrder !== undefined && { sort_order: c.sortOrder }),
      ...(c.isDefault !== undefined && { is_default: c.isDefault }),
      ...(c.archivedAt !== undefined && { archived_at: c.archivedAt }),
      updated_at: now,
    })
    .where('project_id', '=', projectId)
    .where('id', '=', planId)
    .returningAll()
    .executeTakeFirst();
}

/** Live subscribers (active or past due) per plan of a project, for the dashboard's list. */
export async function countSubscribersByPlan(db: Db, projectId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('subscriptions')
    .select(['plan_id', (eb) => eb.fn.countAll<string>().as('n')])
    .where('project_id', '=', projectId)
    .where('status', 'in', ['active', 'past_due'])
    .groupBy('plan_id')
    .execute();
  return new Map(rows.filter((r) => r.plan_id !== null).map((r) => [r.plan_id!, Number(r.n)]));
}
