import { createHmac } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { safeEqual } from '../lib/crypto.ts';
import { AppError } from '../lib/errors.ts';

/**
 * CSRF defence for every POST of a server-rendered app, in two independent layers:
 *
 * 1. Origin. The request must come from the service's own origin (PUBLIC_URL). Pages send
 *    `Referrer-Policy: no-referrer`, and with that policy browsers serialise the Origin of
 *    a same-origin form POST as `null` (Fetch: "serializing a request origin"); for that
 *    case Fetch Metadata (`Sec-Fetch-Site: same-origin`, which no page can forge) must vouch
 *    instead. A missing or foreign origin is refused before the body is even validated.
 * 2. A token bound to the app's session: HMAC-SHA256 keyed by the session cookie's secret
 *    over a purpose string of the app's own (so one app's token is never another's).
 *    Nothing is stored; an attacker who cannot read the httpOnly cookie cannot compute it,
 *    and it changes with every session.
 *
 * `app` names the app in the errors' messages ("this portal", "this portal session").
 */
export interface CsrfOptions {
  purpose: string;
  app: string;
}

export function csrfTokenFor(sessionSecret: string, purpose: string): string {
  return createHmac('sha256', sessionSecret).update(purpose).digest('base64url');
}

export function isValidCsrfToken(sessionSecret: string, purpose: string, token: unknown): boolean {
  if (typeof token !== 'string' || token.length > 200) return false;
  return safeEqual(Buffer.from(csrfTokenFor(sessionSecret, purpose)), Buffer.from(token));
}

/** Throws `csrf_failed` unless `token` is the session's. */
export function checkCsrfToken(options: CsrfOptions, sessionSecret: string, token: unknown): void {
  if (!isValidCsrfToken(sessionSecret, options.purpose, token)) {
    throw new AppError('csrf_failed', `The form does not belong to this ${options.app} session`);
  }
}

export function checkSameOrigin(request: FastifyRequest, publicOrigin: string, app: string): void {
  const origin = request.headers.origin;
  const site = request.headers['sec-fetch-site'];
  const ok = origin !== undefined && origin !== 'null' ? origin === publicOrigin && (site === undefined || site === 'same-origin') : site === 'same-origin';
  if (!ok) throw new AppError('csrf_failed', `The form was not sent from this ${app}`);
}

/** onRequest hook of every POST of an app (runs before the body is parsed or validated). */
export function requireSameOrigin(publicUrl: string, app: string) {
  const publicOrigin = new URL(publicUrl).origin;
  return async function sameOriginHook(request: FastifyRequest): Promise<void> {
    checkSameOrigin(request, publicOrigin, app);
  };
}

/**
 * preHandler after the app's session hook: the form's `csrf` field must be this session's
 * token. `sessionSecret` yields the secret the session hook established for the request.
 */
export function requireCsrfToken(options: CsrfOptions, sessionSecret: (request: FastifyRequest) => string) {
  return async function csrfTokenHook(request: FastifyRequest): Promise<void> {
    checkCsrfToken(options, sessionSecret(request), (request.body as { csrf?: unknown } | undefined)?.csrf);
  };
}
