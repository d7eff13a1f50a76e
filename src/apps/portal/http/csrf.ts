import type { CsrfOptions } from '../../../web/csrf.ts';
import * as csrf from '../../../web/csrf.ts';
import type { Deps } from '../../../deps.ts';
import { portalContext, requireSession } from './session.ts';

/** The portal's CSRF token purpose (changing it invalidates every open form). */
const PORTAL_CSRF: CsrfOptions = { purpose: 'langgan-portal-csrf-v1', app: 'portal' };

export function csrfTokenFor(sessionSecret: string): string {
  return csrf.csrfTokenFor(sessionSecret, PORTAL_CSRF.purpose);
}

/** Throws `csrf_failed` unless the form's token belongs to the session holding `sessionSecret`. */
export function checkCsrfToken(sessionSecret: string, token: unknown): void {
  csrf.checkCsrfToken(PORTAL_CSRF, sessionSecret, token);
}

/** onRequest hook of every portal POST (runs before the body is parsed or validated). */
export function requireSameOrigin(publicUrl: string) {
  return csrf.requireSameOrigin(publicUrl, PORTAL_CSRF.app);
}

/** preHandler after requireSession: the form's token must be this session's. */
export const requireCsrfToken = csrf.requireCsrfToken(PORTAL_CSRF, (request) => portalContext(request).secret);

/**
 * The route options of a form POST behind the session: same origin (before the body is
 * read), a live session, the session's CSRF token, a small body.
 */
export function sessionFormPost(deps: Deps) {
  return { onRequest: requireSameOrigin(deps.config.publicUrl), preHandler: [requireSession(deps), requireCsrfToken], bodyLimit: 8192 };
}
