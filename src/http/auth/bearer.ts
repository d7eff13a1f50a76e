import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../lib/errors.ts';
import { safeEqual, sha256 } from '../../lib/crypto.ts';
import type { AuthFailureLimit } from './failure-limit.ts';

/**
 * `Authorization: Bearer <secret>`, compared as SHA-256 digests in constant time (equal
 * lengths whatever was sent). A wrong secret counts toward the caller's failure limit; a
 * missing or malformed header cannot be a guess and is refused without counting.
 */
export function bearerGuard(secret: string, failures: AuthFailureLimit, messages: { missing: string; wrong: string }) {
  const expected = sha256(secret);
  return async function requireBearer(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization?.trim() ?? '');
    if (!match) throw new AppError('unauthorized', messages.missing);
    await failures.attempt(request, reply, undefined, () => {
      if (!safeEqual(sha256(match[1]!), expected)) throw new AppError('unauthorized', messages.wrong);
    });
  };
}
