import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Deps } from '../../deps.ts';
import { clientOf } from '../../http/auth/client-credentials.ts';
import { errorResponses } from '../../lib/schema.ts';
import { PlanListResponse } from './plans.schemas.ts';
import * as service from './plans.service.ts';

/** `GET /api/platform/plans`: the calling project's active plans, in display order. */
export function planPlatformRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/plans',
      {
        schema: {
          tags: ['Platform'],
          security: [{ clientBasic: [] }],
          summary: 'List active plans',
          description: 'The plans your end users can choose, in display order (archived plans are left out). HTTP Basic auth with client_id:client_secret.',
          response: { 200: PlanListResponse, ...errorResponses(401, 403, 429) },
        },
      },
      async (request) => {
        const plans = await service.listPlans(deps.db, clientOf(request).projectId, false);
        return { data: plans.map(service.toPlanResponse) };
      },
    );
  };
}
