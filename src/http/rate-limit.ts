import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../lib/errors.ts';
import { fastifyStoreOver, type RateLimitStore } from './rate-limit-store.ts';

/**
 * Fixed-window limits, all counted in the one `RateLimitStore` of `deps.rateLimits`
 * (Redis with REDIS_URL, shared by every instance; otherwise in memory, where N instances
 * allow N× the limit — documented in the README). Several limiters can guard one route, e.g. per IP
 * before the body is parsed and per client after authentication, each keyed in its own
 * namespace. Authentication failures are counted by `auth/failure-limit.ts` in the same store.
 */
export async function registerRateLimiting(app: FastifyInstance, store: RateLimitStore): Promise<void> {
  await app.register(rateLimit, { global: false, store: fastifyStoreOver(store) });
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

/** Counts every request it sees; past `max` in the window, answers 429 with Retry-After. */
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
    throw rateLimited(reply, `requests for this ${options.scope}`, options.max, options.windowMs, result.ttl);
  };
}

/** The 429 every limit answers: `rate_limited`, Retry-After in whole seconds (at least 1). */
export function rateLimited(reply: FastifyReply, what: string, max: number, windowMs: number, resetInMs: number): AppError {
  const retryAfter = Math.max(1, Math.ceil(resetInMs / 1000));
  reply.header('retry-after', String(retryAfter));
  return new AppError(
    'rate_limited',
    `Too many ${what}: at most ${max} per ${Math.round(windowMs / 1000)} seconds; retry after ${retryAfter} seconds`,
  );
}
