import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Deps } from '../../deps.ts';
import { clientOf } from '../../http/auth/client-credentials.ts';
import { errorResponses } from '../../lib/schema.ts';
import { EventListQuery, EventListResponse } from './events.schemas.ts';
import { listEvents } from './events.service.ts';

/** `GET /api/platform/events`: the calling project's events, for reconciling without webhooks. */
export function eventPlatformRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/events',
      {
        schema: {
          tags: ['Platform'],
          security: [{ clientBasic: [] }],
          summary: 'List events',
          description:
            'Your project\'s events — the same objects, byte for byte, that webhooks deliver — oldest first. Page with `after` = the last id you processed; `has_more` says whether to ask again. The order has no gaps: once you have seen an event, every event published before it is already in the list, so remembering the last id is enough. Events appear here when Langgan publishes them to webhooks (within one scheduler interval of the change). HTTP Basic auth with client_id:client_secret.',
          querystring: EventListQuery,
          response: { 200: EventListResponse, ...errorResponses(400, 401, 403, 429) },
        },
      },
      async (request) => listEvents(deps.db, clientOf(request).projectId, request.query),
    );
  };
}
