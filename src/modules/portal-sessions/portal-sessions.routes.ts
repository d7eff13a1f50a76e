import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Deps } from '../../deps.ts';
import { limiter } from '../../http/rate-limit.ts';
import { errorResponses } from '../../lib/schema.ts';
import { CreatePortalSessionBody, PortalSessionResponse } from './portal-sessions.schemas.ts';
import { createPortalSession } from './portal-sessions.service.ts';

/** `POST /api/platform/portal/sessions`, exactly as the seed page documents it. */
export function portalSessionPlatformRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    const { windowMs, sessionsPerIp, sessionsPerClient } = deps.config.rateLimit;
    const perIp = limiter(app, { name: 'sessions-ip', scope: 'IP address', max: sessionsPerIp, windowMs, key: (r) => r.ip });
    const perClient = limiter(app, {
      name: 'sessions-client',
      scope: 'client',
      max: sessionsPerClient,
      windowMs,
      key: (r) => (r.body as { client_id?: string } | undefined)?.client_id,
    });

    app.post(
      '/portal/sessions',
      {
        onRequest: perIp,
        preHandler: perClient,
        schema: {
          tags: ['Platform'],
          summary: 'Create a portal session',
          description:
            'Call this from your backend — never from a browser (requests carrying browser Fetch Metadata or an Origin header are refused, and no CORS is offered). Returns a single-use `portal_url` valid for 300 seconds; redirect your user there, optionally appending `&redirect_uri=` with one of your registered redirect URIs. An unknown `end_user_id` creates that end user, on the project\'s default plan if one is set.',
          body: CreatePortalSessionBody,
          response: { 200: PortalSessionResponse, ...errorResponses(400, 401, 403, 413, 415, 422, 429) },
        },
      },
      async (request) => createPortalSession(deps, request.body),
    );
  };
}
