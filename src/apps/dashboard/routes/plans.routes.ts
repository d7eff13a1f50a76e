import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../../deps.ts';
import type { Plan, PlanText, PlanTranslations } from '../../../db/types.ts';
import { AppError } from '../../../lib/errors.ts';
import { fieldErrors } from '../../../http/validation.ts';
import { can } from '../../../modules/accounts/roles.ts';
import { recordAudit } from '../../../modules/audit/audit.repository.ts';
import { countSubscribersByPlan, findPlan } from '../../../modules/plans/plans.repository.ts';
import { CreatePlanBody, UpdatePlanBody } from '../../../modules/plans/plans.schemas.ts';
import { createPlan, listPlans, updatePlan } from '../../../modules/plans/plans.service.ts';
import { newActionId } from '../../../web/once.ts';
import { chromeFor, sendPage } from '../http/pages.ts';
import { loadProject, projectAccess, requireCapability } from '../http/project-access.ts';
import { dashboardContext, once, requireCsrfToken, requireSameOrigin, requireSignedIn } from '../http/session.ts';
import { planFormPage, plansPage, type PlanForm } from '../views/plans.view.ts';

const ProjectParams = Type.Object({ projectId: Type.String({ maxLength: 80 }) }, { additionalProperties: false });
const PlanParams = Type.Object({ projectId: Type.String({ maxLength: 80 }), planId: Type.String({ maxLength: 80 }) }, { additionalProperties: false });
const ActionParams = Type.Object(
  { projectId: Type.String({ maxLength: 80 }), planId: Type.String({ maxLength: 80 }), action: Type.Union(['archive', 'unarchive', 'default', 'up', 'down'].map((a) => Type.Literal(a))) },
  { additionalProperties: false },
);
const FormSecrets = { csrf: Type.String({ maxLength: 200 }), action_id: Type.String({ maxLength: 64 }) };
const Plain = Type.Object(FormSecrets, { additionalProperties: false });
const PlanFormBody = Type.Object(
  {
    ...FormSecrets,
    code: Type.Optional(Type.String({ maxLength: 200 })),
    price: Type.Optional(Type.String({ maxLength: 30 })),
    interval: Type.Optional(Type.String({ maxLength: 10 })),
    name: Type.String({ maxLength: 500 }),
    description: Type.String({ maxLength: 5000 }),
    features: Type.String({ maxLength: 20_000 }),
    id_name: Type.Optional(Type.String({ maxLength: 500 })),
    id_description: Type.Optional(Type.String({ maxLength: 5000 })),
    id_features: Type.Optional(Type.String({ maxLength: 20_000 })),
    is_default: Type.Optional(Type.Literal('on')),
  },
  { additionalProperties: false },
);

const EMPTY: PlanForm = { code: '', name: '', price: '', interval: 'month', description: '', features: '', id_name: '', id_description: '', id_features: '', is_default: false };

function formOf(p: Plan): PlanForm {
  const id = p.translations.id ?? {};
  return {
    code: p.code,
    name: p.name,
    price: String(p.price),
    interval: p.interval,
    description: p.description,
    features: p.features.join('\n'),
    id_name: id.name ?? '',
    id_description: id.description ?? '',
    id_features: (id.features ?? []).join('\n'),
    is_default: p.is_default,
  };
}

const lines = (text: string) => text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);

/** Errors by form field: top-level ones by name, the Indonesian ones as `translations.id.<field>`. */
function planErrors(schema: object, body: unknown): Record<string, string> {
  const { translations: _, ...errors } = fieldErrors(schema, body);
  for (const [path, message] of Object.entries(fieldErrors(schema, body, { nested: true }))) {
    const field = /^translations\.id\.(name|description|features)/.exec(path)?.[0];
    if (field) errors[field] ??= message;
  }
  return errors;
}

/** The Indonesian fields as the admin API's `translations` (empty fields left out). */
function translationsOf(f: { id_name?: string | undefined; id_description?: string | undefined; id_features?: string | undefined }): PlanTranslations {
  const id: PlanText = {};
  if (f.id_name?.trim()) id.name = f.id_name.trim();
  if (f.id_description?.trim()) id.description = f.id_description.trim();
  const features = lines(f.id_features ?? '');
  if (features.length) id.features = features;
  return Object.keys(id).length ? { id } : {};
}

/**
 * Plans, through the same service and schemas as the admin API: list with subscriber
 * counts, create, edit what may change, archive/unarchive, make default, reorder.
 */
export function planRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  const signedIn = requireSignedIn(deps);
  const project = loadProject(deps);
  const sameOrigin = requireSameOrigin(deps.config.publicUrl);
  const edit = [signedIn, requireCsrfToken, project, requireCapability('manage_settings')];
  const plansUrl = (request: FastifyRequest) => `/dashboard/projects/${encodeURIComponent(projectAccess(request).project.id)}/plans`;

  function renderForm(request: FastifyRequest, reply: FastifyReply, v: { plan?: Plan; form: PlanForm; errors: Record<string, string> }, status = 200) {
    const ctx = dashboardContext(request);
    const { project: p } = projectAccess(request);
    const chrome = chromeFor(request, ctx, { id: p.id, name: p.name, section: 'plans' });
    return sendPage(reply, planFormPage(chrome, { projectId: p.id, ...v, csrf: ctx.csrf, actionId: newActionId() }), status);
  }

  /** A rule the service refuses (code taken, default must be free…) is shown next to the form. */
  async function save(request: FastifyRequest, reply: FastifyReply, plan: Plan | undefined, form: PlanForm, run: () => Promise<void>) {
    const ctx = dashboardContext(request);
    try {
      const location = await once(deps, ctx, (request.body as { action_id: string }).action_id, async () => (await run(), plansUrl(request)), async () => plansUrl(request));
      return reply.code(303).header('location', location).send();
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500 || err.code === 'forbidden') throw err;
      const fieldName = err.code === 'plan_code_taken' ? 'code' : err.code === 'default_plan_must_be_free' ? 'is_default' : 'name';
      return renderForm(request, reply, { plan, form, errors: { [fieldName]: err.message } }, err.status);
    }
  }

  return async (app) => {
    app.get('/projects/:projectId/plans', { preHandler: [signedIn, project], schema: { params: ProjectParams, hide: true } }, async (request, reply) => {
      const ctx = dashboardContext(request);
      const { project: p, role } = projectAccess(request);
      const [plans, subscribers] = await Promise.all([listPlans(deps.db, p.id, true), countSubscribersByPlan(deps.db, p.id)]);
      const chrome = chromeFor(request, ctx, { id: p.id, name: p.name, section: 'plans' });
      return sendPage(reply, plansPage(chrome, { projectId: p.id, plans, subscribers, canEdit: can(role, 'manage_settings'), csrf: ctx.csrf, actionId: newActionId }));
    });

    app.get('/projects/:projectId/plans/new', { preHandler: [signedIn, project, requireCapability('manage_settings')], schema: { params: ProjectParams, hide: true } }, (request, reply) =>
      renderForm(request, reply, { form: EMPTY, errors: {} }),
    );

    app.post('/projects/:projectId/plans/new', { onRequest: sameOrigin, preHandler: edit, schema: { params: ProjectParams, body: PlanFormBody, hide: true } }, async (request, reply) => {
      const ctx = dashboardContext(request);
      const f = request.body;
      const form: PlanForm = {
        code: f.code ?? '',
        name: f.name,
        price: f.price ?? '',
        interval: f.interval ?? '',
        description: f.description,
        features: f.features,
        id_name: f.id_name ?? '',
        id_description: f.id_description ?? '',
        id_features: f.id_features ?? '',
        is_default: f.is_default === 'on',
      };
      const price = form.price.trim();
      const body = {
        code: form.code.trim(),
        name: form.name.trim(),
        price: /^\d{1,13}$/.test(price) ? Number(price) : price,
        interval: form.interval,
        description: form.description.trim(),
        features: lines(form.features),
        translations: translationsOf(form),
        is_default: form.is_default,
      };
      const errors = planErrors(CreatePlanBody, body);
      if (Object.keys(errors).length) return renderForm(request, reply, { form, errors }, 400);
      return save(request, reply, undefined, form, async () => {
        const { project: p } = projectAccess(request);
        const plan = await createPlan(deps.db, p.id, body as CreatePlanBody, ctx.now);
        await recordAudit(deps.db, { actorUserId: ctx.user.id, projectId: p.id, action: 'plan.created', subjectId: plan.id, ip: request.ip, data: { code: plan.code, price: plan.price, interval: plan.interval }, now: ctx.now });
      });
    });

    app.get('/projects/:projectId/plans/:planId', { preHandler: [signedIn, project, requireCapability('manage_settings')], schema: { params: PlanParams, hide: true } }, async (request, reply) => {
      const plan = await findPlan(deps.db, projectAccess(request).project.id, request.params.planId);
      if (!plan) throw new AppError('not_found', 'No such plan');
      return renderForm(request, reply, { plan, form: formOf(plan), errors: {} });
    });

    app.post('/projects/:projectId/plans/:planId', { onRequest: sameOrigin, preHandler: edit, schema: { params: PlanParams, body: PlanFormBody, hide: true } }, async (request, reply) => {
      const ctx = dashboardContext(request);
      const { project: p } = projectAccess(request);
      const plan = await findPlan(deps.db, p.id, request.params.planId);
      if (!plan) throw new AppError('not_found', 'No such plan');
      const f = request.body;
      const form: PlanForm = { ...formOf(plan), name: f.name, description: f.description, features: f.features, id_name: f.id_name ?? '', id_description: f.id_description ?? '', id_features: f.id_features ?? '' };
      const body = { name: f.name.trim(), description: f.description.trim(), features: lines(f.features), translations: translationsOf(f) };
      const errors = planErrors(UpdatePlanBody, body);
      if (Object.keys(errors).length) return renderForm(request, reply, { plan, form, errors }, 400);
      return save(request, reply, plan, form, async () => {
        await updatePlan(deps.db, p.id, plan.id, body, ctx.now);
        const changes = Object.fromEntries(
          (['name', 'description', 'features', 'translations'] as const).filter((k) => JSON.stringify(plan[k]) !== JSON.stringify(body[k])).map((k) => [k, { old: plan[k], new: body[k] }]),
        );
        await recordAudit(deps.db, { actorUserId: ctx.user.id, projectId: p.id, action: 'plan.updated', subjectId: plan.id, ip: request.ip, data: { changes }, now: ctx.now });
      });
    });

    app.post('/projects/:projectId/plans/:planId/:action', { onRequest: sameOrigin, preHandler: edit, schema: { params: ActionParams, body: Plain, hide: true } }, async (request, reply) => {
      const ctx = dashboardContext(request);
      const { project: p } = projectAccess(request);
      const { planId, action } = request.params;
      const location = await once(deps, ctx, request.body.action_id, async () => {
        if (action === 'up' || action === 'down') await move(deps, p.id, planId, action, ctx.now);
        else await updatePlan(deps.db, p.id, planId, action === 'default' ? { is_default: true } : { archived: action === 'archive' }, ctx.now);
        await recordAudit(deps.db, { actorUserId: ctx.user.id, projectId: p.id, action: `plan.${action}`, subjectId: planId, ip: request.ip, now: ctx.now });
        return plansUrl(request);
      }, async () => plansUrl(request));
      return reply.code(303).header('location', location).send();
    });
  };
}

/** Swaps a plan with its neighbour in the portal's order (orders renumbered 0, 1, 2… first). */
async function move(deps: Deps, projectId: string, planId: string, direction: 'up' | 'down', now: Date): Promise<void> {
  const live = await listPlans(deps.db, projectId, false);
  const index = live.findIndex((p) => p.id === planId);
  const other = index + (direction === 'up' ? -1 : 1);
  if (index < 0 || other < 0 || other >= live.length) throw new AppError('invalid_request', 'That plan cannot move further');
  const order = live.map((p) => p.id);
  [order[index], order[other]] = [order[other]!, order[index]!];
  for (const [position, id] of order.entries()) {
    if (live.find((p) => p.id === id)!.sort_order !== position) await updatePlan(deps.db, projectId, id, { sort_order: position }, now);
  }
}
