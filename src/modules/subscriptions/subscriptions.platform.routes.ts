import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Deps } from '../../deps.ts';
import { clientOf } from '../../http/auth/client-credentials.ts';
import { errorResponses } from '../../lib/schema.ts';
import { EndUserParams, SubscriptionResponse } from './subscriptions.schemas.ts';
import { getEndUserSubscription } from './subscriptions.service.ts';

export function subscriptionPlatformRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/end-users/:end_user_id/subscription',
      {
        schema: {
          tags: ['Platform'],
          security: [{ clientBasic: [] }],
          summary: "Get an end user's subscription",
          description:
            'The plan, status, current period and any scheduled downgrade or cancellation of one of your end users — what your app gates features on. `status: "none"` means the user exists but has never had a plan; an end user unknown to your project is a 404. HTTP Basic auth with client_id:client_secret.',
          params: EndUserParams,
          response: { 200: SubscriptionResponse, ...errorResponses(400, 401, 403, 404, 429) },
        },
      },
      async (request) => getEndUserSubscription(deps.db, clientOf(request).projectId, request.params.end_user_id),
    );
  };
}
