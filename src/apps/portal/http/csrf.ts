import { createHmac } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { safeEqual } from '../../../lib/crypto.ts';
import { AppError } from '../../../lib/errors.ts';

/**
 * CSRF defence for every portal POST, in two independent layers:
 *
 * 1. Origin. The request must come from the portal's own origin (PUBLIC_URL). Portal pages
 *    send `Referrer-Policy: no-referrer`, and with that policy browsers serialise the Origin
 *    of a same-origin form POST as `null` (Fetch: "serializing a request origin"); for that
 *    case Fetch Metadata (`Sec-Fetch-Site: same-origin`, which no page can forge) must vouch
 *    instead. A missing or foreign origin is refused before the body is even validated.
 * 2. A token bound to the portal session: HMAC-SHA256 keyed by the session cookie's secret.
 *    Nothing is stored; an attacker who cannot read the httpOnly cookie cannot compute it,
 *    and it changes with every session.
 */
export function csrfTokenFor(sessionSecret: string): string {
  return createHmac('sha256', sessionSecret).update('langgan-portal-csrf-v1').digest('base64url');
}

export function isValidCsrfToken(sessionSecret: string, token: unknown): boolean {
  if (typeof token !== 'string' || token.length > 200) return false;
  return safeEqual(Buffer.from(csrfTokenFor(sessionSecret)), Buffer.from(token));
}

export function checkSameOrigin(request: FastifyRequest, publicOrigin: string): void {
  const origin = request.headers.origin;
  const site = request.headers['sec-fetch-site'];
  const ok = origin !== undefined && origin !== 'null' ? origin === publicOrigin && (site === undefined || site === 'same-origin') : site === 'same-origin';
  if (!ok) throw new AppError('csrf_failed', 'The form was not sent from this portal');
}

