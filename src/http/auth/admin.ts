import type { FastifyRequest } from 'fastify';
import { AppError } from '../../lib/errors.ts';
import { safeEqual, sha256 } from '../../lib/crypto.ts';

/** `Authorization: Bearer $ADMIN_API_KEY`, compared as SHA-256 digests in constant time. */
export function adminGuard(adminApiKey: string) {
  const expected = sha256(adminApiKey);
  return async function requireAdmin(request: FastifyRequest): Promise<void> {
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization?.trim() ?? '');
    if (!match) throw new AppError('unauthorized', 'This endpoint needs Authorization: Bearer <ADMIN_API_KEY>');
    if (!safeEqual(sha256(match[1]!), expected)) throw new AppError('unauthorized', 'The admin API key is not valid');
  };
}
