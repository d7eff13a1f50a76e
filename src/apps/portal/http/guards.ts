import type { FastifyRequest } from 'fastify';
import { AppError } from '../../../lib/errors.ts';
import { checkSameOrigin, isValidCsrfToken } from './csrf.ts';
import { portalContext } from './session.ts';

/** onRequest hook of every portal POST (runs before the body is parsed or validated). */
export function requireSameOrigin(publicUrl: string) {
  const publicOrigin = new URL(publicUrl).origin;
  return async function sameOriginHook(request: FastifyRequest): Promise<void> {
    checkSameOrigin(request, publicOrigin);
  };
}

/** preHandler after requireSession: the form's token must be this session's. */
export async function requireCsrfToken(request: FastifyRequest): Promise<void> {
  const token = (request.body as { csrf?: unknown } | undefined)?.csrf;
  if (!isValidCsrfToken(portalContext(request).secret, token)) {
    throw new AppError('csrf_failed', 'The form does not belong to this portal session');
  }
}
