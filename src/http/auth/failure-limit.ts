import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import type { WindowCount } from '../rate-limit-store.ts';
import { rateLimited } from '../rate-limit.ts';

/**
 * Limits on failed authentication, shared by every authenticated surface: the admin key,
 * HTTP Basic client credentials and the session endpoint's body credentials.
 *
 * A *failure* is a well-formed credential that does not verify. Missing or malformed
 * credentials can never succeed, so they are answered 401 without counting; successes
 * never count. Failures are counted per IP (all surfaces together) and, when a client_id
 * was presented, per (IP, client_id). The second limit is the lower one: a backend stuck
 * on a rotated secret locks itself out for that client before it can lock out its
 * neighbours behind the same address.
 *
 * While an IP (or IP and client) is over its limit, every attempt is refused with 429 before
 * verification — a correct credential too, or guessing would simply continue. Refused
 * attempts are not counted, so the block ends with the window of the first failure.
 *
 * The check reads (`peek`) and only a failure adds (`hit`), so attempts already past the
 * check when the limit is reached still finish: a burst of concurrent guesses can exceed the
 * limit by its own size, once per window. Secrets are 256-bit; the limit bounds noise and
 * guessing rates, not the strength of the secret.
 */
export interface AuthFailureLimit {
  /**
   * Runs `verify` unless the caller is over a failure limit (then 429 `rate_limited` with
   * Retry-After). If `verify` throws an authentication error, the failure is counted.
   */
  attempt<T>(request: FastifyRequest, reply: FastifyReply, clientId: string | undefined, verify: () => T | Promise<T>): Promise<T>;
}

const AUTHENTICATION_ERRORS = new Set(['unauthorized', 'invalid_credentials']);

export function authFailureLimit(deps: Pick<Deps, 'config' | 'rateLimits'>): AuthFailureLimit {
  const { windowMs, authFailuresPerIp, authFailuresPerIpAndClient } = deps.config.rateLimit;
  const store = deps.rateLimits;
  const limits = (ip: string, clientId: string | undefined) => [
    { key: `auth-failures-ip:${ip}`, max: authFailuresPerIp, what: 'failed authentication attempts from this IP address' },
    ...(clientId === undefined
      ? []
      : // Real client_ids are short; a longer one is a guess anyway, and its key stays bounded.
        [{ key: `auth-failures-ip-client:${ip}:${clientId.slice(0, 100)}`, max: authFailuresPerIpAndClient, what: 'failed authentication attempts for this client from this IP address' }]),
  ];

  return {
    async attempt(request, reply, clientId, verify) {
      const applicable = limits(request.ip, clientId);
      const windows: WindowCount[] = await Promise.all(applicable.map((limit) => store.peek(limit.key)));
      for (const [i, limit] of applicable.entries()) {
        if (windows[i]!.count >= limit.max) throw rateLimited(reply, limit.what, limit.max, windowMs, windows[i]!.resetInMs);
      }
      try {
        return await verify();
      } catch (error) {
        if (error instanceof AppError && AUTHENTICATION_ERRORS.has(error.code)) {
          const counted = await Promise.all(applicable.map((limit) => store.hit(limit.key, windowMs)));
          for (const [i, limit] of applicable.entries()) {
            if (counted[i]!.count === limit.max) request.log.warn({ ip: request.ip, clientId, limit: limit.what }, 'authentication failures reached a limit; refusing until the window ends');
          }
        }
        throw error;
      }
    },
  };
}
