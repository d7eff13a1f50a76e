import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Deps } from '../../deps.ts';
import { requireNoBody } from '../../http/guards.ts';
import { errorResponses } from '../../lib/schema.ts';
import { ProjectParams } from '../projects/projects.schemas.ts';
import { CreatePlanBody, PlanListQuery, PlanListResponse, PlanParams, PlanResponse, UpdatePlanBody } from './plans.schemas.ts';
import * as service from './plans.service.ts';

const tags = ['Admin: plans'];
const security = [{ adminKey: [] }];

/** Admin API for a project's plans; mounted under /api/admin. */
export function planAdminRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/projects/:id/plans',
      {
        schema: {
          tags,
          security,
          summary: 'Create a plan',
          description: 'Adds a plan to a project. `price` is whole rupiah per `interval`; `code` is unique within the project.',
          params: ProjectParams,
          body: CreatePlanBody,
          response: { 201: Type.Ref(PlanResponse), ...errorResponses(400, 401, 404, 409, 413, 415, 422, 429) },
        },
      },
      async (request, reply) => {
        const plan = await service.createPlan(deps.db, request.params.id, request.body, deps.clock.now());
        return reply.status(201).send(service.toPlanResponse(plan));
      },
    );

    app.get(
      '/projects/:id/plans',
      {
        schema: {
          tags,
          security,
          summary: 'List plans',
          description: 'A project\'s plans in display order. Archived plans only with `include_archived=true`.',
          params: ProjectParams,
          querystring: PlanListQuery,
          response: { 200: PlanListResponse, ...errorResponses(400, 401, 404, 429) },
        },
      },
      async (request) => {
        await service.assertProjectExists(deps.db, request.params.id);
        const plans = await service.listPlans(deps.db, request.params.id, request.query.include_archived ?? false);
        return { data: plans.map(service.toPlanResponse) };
      },
    );

    app.patch(
      '/projects/:id/plans/:planId',
      {
        schema: {
          tags,
          security,
          summary: 'Update or archive a plan',
          description:
            'Changes display fields, the default flag, or archives (`archived: true`) / restores a plan. Price, interval and code are immutable.',
          params: PlanParams,
          body: UpdatePlanBody,
          response: { 200: Type.Ref(PlanResponse), ...errorResponses(400, 401, 404, 413, 415, 422, 429) },
        },
      },
      async (request) =>
        service.toPlanResponse(
          await service.updatePlan(deps.db, request.params.id, request.params.planId, request.body, deps.clock.now()),
        ),
    );

    app.post(
      '/projects/:id/plans/:planId/archive',
      {
        preValidation: requireNoBody,
        schema: {
          tags,
          security,
          summary: 'Archive a plan',
          description: 'Same as PATCH with `{"archived": true}`: hidden from the portal, kept by current subscribers.',
          params: PlanParams,
          response: { 200: Type.Ref(PlanResponse), ...errorResponses(400, 401, 404, 429) },
        },
      },
      async (request) =>
        service.toPlanResponse(
          await service.updatePlan(deps.db, request.params.id, request.params.planId, { archived: true }, deps.clock.now()),
        ),
    );
  };
}
