import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../lib/errors.ts';

/**
 * Fixed-window limits on @fastify/rate-limit's store (in-process; each instance counts
 * its own traffic, so N instances allow N× the limit — documented in the README).
 * Several limiters can guard one route, e.g. per IP before the body is parsed and per
 * client_id after, each keyed in its own namespace.
 */
export async function registerRateLimiting(app: FastifyInstance): Promise<void> {
  await app.register(rateLimit, { global: false });
}

export interface LimiterOptions {
  /** Counter namespace: limiters with different names never share a count. */
  name: string;
  /** What the key is, for the error message ("client", "IP address"). */
  scope: string;
  max: number;
  windowMs: number;
  /** The key within the scope; undefined skips the check (e.g. no client_id yet). */
  key: (request: FastifyRequest) => string | undefined;
}

export function limiter(app: FastifyInstance, options: LimiterOptions) {
  const check = app.createRateLimit({
    max: options.max,
    timeWindow: options.windowMs,
    keyGenerator: (request) => `${options.name}:${options.key(request) ?? ''}`,
  });
  return async function enforceLimit(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (options.key(request) === undefined) return;
    const result = await check(request);
    if (result.isAllowed || !result.isExceeded) return;
    reply.header('retry-after', String(result.ttlInSeconds));
    throw new AppError(
      'rate_limited',
      `Too many requests for this ${options.scope}: at most ${options.max} per ${Math.round(options.windowMs / 1000)} seconds; retry after ${result.ttlInSeconds} seconds`,
    );
  };
}
