import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../lib/errors.ts';
import { safeEqual, sha256 } from '../../lib/crypto.ts';
import type { AuthFailureLimit } from './failure-limit.ts';

/**
 * `Authorization: Bearer $ADMIN_API_KEY`, compared as SHA-256 digests in constant time.
 * A wrong key counts toward the caller's failure limit; a missing or malformed header
 * cannot be a guess and is refused without counting.
 */
export function adminGuard(adminApiKey: string, failures: AuthFailureLimit) {
  const expected = sha256(adminApiKey);
  return async function requireAdmin(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization?.trim() ?? '');
    if (!match) throw new AppError('unauthorized', 'This endpoint needs Authorization: Bearer <ADMIN_API_KEY>');
    await failures.attempt(request, reply, undefined, () => {
      if (!safeEqual(sha256(match[1]!), expected)) throw new AppError('unauthorized', 'The admin API key is not valid');
    });
  };
}
