import type { FastifyInstance } from 'fastify';
import type { Metrics } from './metrics.ts';

/**
 * Times every response by its route *pattern* (`/api/platform/end-users/:end_user_id/…`),
 * never the URL, which carries ids and tokens; requests that matched no route share one
 * `unmatched` series, so probing random paths cannot grow the label set.
 */
export function recordRequestDurations(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpRequestDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
}
