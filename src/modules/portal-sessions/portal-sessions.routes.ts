import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Deps } from '../../deps.ts';
import { authFailureLimit } from '../../http/auth/failure-limit.ts';
import { limiter } from '../../http/rate-limit.ts';
import { errorResponses } from '../../lib/schema.ts';
import { CreatePortalSessionBody, PortalSessionResponse } from './portal-sessions.schemas.ts';
import { createPortalSession } from './portal-sessions.service.ts';

/** `POST /api/platform/portal/sessions`, exactly as the seed page documents it. */
export function portalSessionPlatformRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    const { windowMs, sessionsPerIp, sessionsPerClient } = deps.config.rateLimit;
    // Every request counts per IP, before the body is even read (bad credentials included).
    const perIp = limiter(app, { name: 'sessions-ip', scope: 'IP address', max: sessionsPerIp, windowMs, key: (r) => r.ip });
    // Only authenticated requests count per client: a client_id is public, so counting it
    // before the secret verifies would let anyone lock its integrator out.
    const perClient = limiter(app, { name: 'sessions-client', scope: 'client', max: sessionsPerClient, windowMs, key: (r) => r.client?.clientId });
    const failures = authFailureLimit(deps);

    app.post(
      '/portal/sessions',
      {
        onRequest: perIp,
        schema: {
          tags: ['Platform'],
          summary: 'Create a portal session',
          description:
            'Call this from your backend — never from a browser (requests carrying browser Fetch Metadata or an Origin header are refused, and no CORS is offered). Returns a single-use `portal_url` valid for 300 seconds; redirect your user there, optionally appending `&redirect_uri=` with one of your registered redirect URIs. An unknown `end_user_id` creates that end user, on the project\'s default plan if one is set.',
          body: CreatePortalSessionBody,
          response: { 200: PortalSessionResponse, ...errorResponses(400, 401, 403, 413, 415, 422, 429) },
        },
      },
      async (request, reply) => {
        const { body } = request;
        return failures.attempt(request, reply, body.client_id, async () => {
          // The cached check; the mint re-asserts the secret hash in SQL (see the service).
          request.client = await deps.credentials.verify({ clientId: body.client_id, clientSecret: body.client_secret });
          await perClient(request, reply);
          return createPortalSession(deps, request.client, body);
        });
      },
    );
  };
}
