import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from '../lib/logger.ts';
import type { Metrics } from './metrics.ts';
import { metricsRoutes } from './metrics.routes.ts';

/**
 * The METRICS_PORT listener: only `GET /metrics`, no authentication, and therefore bound
 * to 127.0.0.1 whatever HOST is — reachable by a scraper or agent on the same machine (or
 * in the same pod), never from the network.
 */
export async function startMetricsServer(metrics: Metrics, port: number, logger: Logger): Promise<FastifyInstance> {
  const server = Fastify({ loggerInstance: logger as FastifyBaseLogger });
  await server.register(metricsRoutes(metrics));
  await server.listen({ port, host: '127.0.0.1' });
  return server;
}
