import type { Db } from '../../db/database.ts';
import type { Locale, Plan } from '../../db/types.ts';
import { AppError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { recordEvent } from '../events/events.repository.ts';
import { projectNotFound } from '../projects/projects.service.ts';
import * as repo from './plans.repository.ts';
import type { CreatePlanBody, PlanResponse, UpdatePlanBody } from './plans.schemas.ts';

/**
 * Locks the project row for the rest of the transaction. Plan writes that touch the
 * "default plan" flag take this lock first, so two concurrent requests cannot both
 * clear and set it (the partial unique index would otherwise turn the race into a 500).
 */
async function lockProject(trx: Db, projectId: string) {
  const project = await trx.selectFrom('projects').select(['id', 'currency']).where('id', '=', projectId).forUpdate().executeTakeFirst();
  if (!project) throw projectNotFound(projectId);
  return project;
}

export async function createPlan(db: Db, projectId: string, input: CreatePlanBody, now: Date): Promise<Plan> {
  return db.transaction().execute(async (trx) => {
    const project = await lockProject(trx, projectId);
    const currency = input.currency ?? project.currency;
    if (currency !== project.currency) {
      throw new AppError('currency_mismatch', `currency must be the project's currency (${project.currency})`);
    }
    const isDefault = input.is_default ?? false;
    if (isDefault && input.price > 0) throw defaultMustBeFree();
    if (isDefault) await repo.clearDefaultPlan(trx, projectId, now);
    const plan = await repo.insertPlan(trx, {
      id: newId('plan'),
      projectId,
      code: input.code,
      name: input.name,
      description: input.description ?? '',
      price: input.price,
      currency,
      interval: input.interval,
      features: input.features ?? [],
      translations: input.translations ?? {},
      sortOrder: input.sort_order ?? 0,
      isDefault,
      now,
    });
    if (!plan) throw new AppError('plan_code_taken', `code "${input.code}" is already used by another plan of this project`);
    await recordEvent(trx, { projectId, type: 'plan.created', subjectId: plan.id, source: 'admin', data: { code: plan.code }, now });
    return plan;
  });
}

export async function updatePlan(db: Db, projectId: string, planId: string, input: UpdatePlanBody, now: Date): Promise<Plan> {
  return db.transaction().execute(async (trx) => {
    await lockProject(trx, projectId);
    const current = await repo.findPlan(trx, projectId, planId);
    if (!current) throw planNotFound(planId);
    const archived = input.archived ?? current.archived_at !== null;
    // An archived plan cannot stay (or become) the default: new users would land on a hidden plan.
    let isDefault = input.is_default ?? current.is_default;
    if (archived && input.is_default === true) {
      throw new AppError('invalid_request', 'is_default cannot be true for an archived plan');
    }
    if (archived) isDefault = false;
    if (isDefault && !current.is_default) {
      if (current.price > 0) throw defaultMustBeFree();
      await repo.clearDefaultPlan(trx, projectId, now);
    }
    const plan = await repo.updatePlan(
      trx,
      projectId,
      planId,
      {
        name: input.name,
        description: input.description,
        features: input.features,
        translations: input.translations,
        sortOrder: input.sort_order,
        isDefault,
        archivedAt: input.archived === undefined ? undefined : input.archived ? (current.archived_at ?? now) : null,
      },
      now,
    );
    if (!plan) throw planNotFound(planId);
    await recordEvent(trx, {
      projectId,
      type: input.archived === true && current.archived_at === null ? 'plan.archived' : 'plan.updated',
      subjectId: planId,
      source: 'admin',
      data: { fields: Object.keys(input) },
      now,
    });
    return plan;
  });
}

export async function listPlans(db: Db, projectId: string, includeArchived: boolean): Promise<Plan[]> {
  return repo.listPlans(db, projectId, { includeArchived });
}

export async function assertProjectExists(db: Db, projectId: string): Promise<void> {
  const row = await db.selectFrom('projects').select('id').where('id', '=', projectId).executeTakeFirst();
  if (!row) throw projectNotFound(projectId);
}

export function planNotFound(planId: string): AppError {
  return new AppError('plan_not_found', `No plan with id ${planId} in this project`);
}

function defaultMustBeFree(): AppError {
  return new AppError('default_plan_must_be_free', 'is_default can only be set on a free plan (price 0): new end users are put on it without paying');
}

export function toPlanResponse(p: Plan): PlanResponse {
  return {
    id: p.id,
    code: p.code,
    name: p.name,
    description: p.description,
    price: p.price,
    currency: p.currency,
    interval: p.interval,
    features: p.features,
    translations: p.translations,
    sort_order: p.sort_order,
    is_default: p.is_default,
    archived: p.archived_at !== null,
    created_at: p.created_at.toISOString(),
  };
}

/** The plan as a reader of `locale` sees it: its translation where there is one, its own text elsewhere. */
export function planInLocale<P extends Pick<Plan, 'name' | 'description' | 'features' | 'translations'>>(plan: P, locale: Locale): P {
  const text = plan.translations?.[locale];
  if (!text) return plan;
  return { ...plan, name: text.name ?? plan.name, description: text.description ?? plan.description, features: text.features ?? plan.features };
}
