import type { FastifyPluginAsync, onRequestHookHandler } from 'fastify';
import type { Metrics } from './metrics.ts';

/**
 * `GET /metrics` in Prometheus' text format. On the main listener it sits behind
 * `guard` (METRICS_TOKEN); on the loopback-only listener (`metrics-server.ts`) it has none.
 * Kept out of the OpenAPI document: it is for operators, not integrators.
 */
export function metricsRoutes(metrics: Metrics, guard?: onRequestHookHandler): FastifyPluginAsync {
  return async (app) => {
    app.get('/metrics', { schema: { hide: true }, ...(guard && { onRequest: guard }) }, async (_request, reply) => {
      const text = await metrics.registry.metrics();
      return reply.header('content-type', metrics.registry.contentType).header('cache-control', 'no-store').send(text);
    });
  };
}
