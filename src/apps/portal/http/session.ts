import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../../config.ts';
import type { Deps } from '../../../deps.ts';
import type { Locale } from '../../../db/types.ts';
import { sha256 } from '../../../lib/crypto.ts';
import { AppError } from '../../../lib/errors.ts';
import * as sessions from '../../../modules/portal-sessions/portal-sessions.repository.ts';
import { PORTAL_SESSION_TTL_SECONDS } from '../../../modules/portal-sessions/portal-sessions.service.ts';
import { chooseLocale, messagesFor } from '../i18n/locale.ts';
import type { Messages } from '../i18n/messages.ts';
import { themeStyle, type ThemeStyle } from '../../../theme/css.ts';
import { csrfTokenFor } from './csrf.ts';

/**
 * The portal session cookie: an opaque 256-bit secret whose SHA-256 is the session's key
 * in portal_sessions. HttpOnly (no script ever reads it), Path=/portal (no other part of
 * the service receives it), SameSite=Lax (not sent on cross-site POSTs), Secure whenever
 * the public URL is https, and Max-Age equal to the server-side session lifetime.
 */
export const SESSION_COOKIE = 'langgan_portal';

/**
 * A second cookie holding only the session's id (not a secret; it grants nothing). It
 * outlives the session so that, after the 30 minutes, the "session ended" page can still
 * offer "Back to app" with the registered redirect_uri instead of a dead end.
 */
export const APP_COOKIE = 'langgan_portal_app';
const APP_COOKIE_MAX_AGE_SECONDS = 7 * 24 * 3600;

export function sessionCookieOptions(config: Pick<Config, 'publicUrl'>): CookieSerializeOptions {
  return {
    path: '/portal',
    httpOnly: true,
    sameSite: 'lax',
    secure: config.publicUrl.startsWith('https:'),
    maxAge: PORTAL_SESSION_TTL_SECONDS,
  };
}

export function setSessionCookies(reply: FastifyReply, config: Config, secret: string, sessionId: string): void {
  reply.setCookie(SESSION_COOKIE, secret, sessionCookieOptions(config));
  reply.setCookie(APP_COOKIE, sessionId, { ...sessionCookieOptions(config), maxAge: APP_COOKIE_MAX_AGE_SECONDS });
}

export function clearSessionCookies(reply: FastifyReply, config: Config, options: { keepAppCookie: boolean }): void {
  reply.clearCookie(SESSION_COOKIE, { ...sessionCookieOptions(config), maxAge: 0 });
  if (!options.keepAppCookie) reply.clearCookie(APP_COOKIE, { ...sessionCookieOptions(config), maxAge: 0 });
}

/** Everything a portal page or action knows about who is asking. */
export interface PortalContext {
  session: sessions.LiveSession;
  /** The cookie's secret (never rendered; the CSRF token is derived from it). */
  secret: string;
  csrf: string;
  locale: Locale;
  t: Messages;
  theme: ThemeStyle;
  now: Date;
  /** The authorisation of every query and action: ids from the session, never from the form. */
  owner: { projectId: string; endUserId: string };
}

const contexts = new WeakMap<FastifyRequest, PortalContext>();

/** The context `requireSession` attached to this request. */
export function portalContext(request: FastifyRequest): PortalContext {
  const ctx = contexts.get(request);
  if (!ctx) throw new Error('portal route without the requireSession preHandler');
  return ctx;
}

export function maybePortalContext(request: FastifyRequest): PortalContext | undefined {
  return contexts.get(request);
}

const PLAUSIBLE_SECRET = /^[A-Za-z0-9_-]{20,100}$/;

export function cookieSecret(request: FastifyRequest): string | undefined {
  const value = request.cookies[SESSION_COOKIE];
  return value && PLAUSIBLE_SECRET.test(value) ? value : undefined;
}

/**
 * preHandler of every page and action behind the session: resolves the cookie to a live
 * session (one query, project included) or throws `portal_session_ended`, which the
 * portal's error handler turns into the "session ended" page with "Back to app".
 */
export function requireSession(deps: Deps) {
  return async function requireSessionHook(request: FastifyRequest): Promise<void> {
    const secret = cookieSecret(request);
    const now = deps.clock.now();
    const session = secret ? await sessions.findLiveSession(deps.db, sha256(secret), now) : undefined;
    if (!secret || !session) throw new AppError('portal_session_ended', 'The portal session has ended or was never opened');
    const locale = chooseLocale({
      sessionLocale: session.locale,
      acceptLanguage: request.headers['accept-language'],
      projectDefault: session.project_default_locale,
    });
    contexts.set(request, {
      session,
      secret,
      csrf: csrfTokenFor(secret),
      locale,
      t: messagesFor(locale),
      theme: themeStyle(session.theme_config),
      now,
      owner: { projectId: session.project_id, endUserId: session.end_user_id },
    });
  };
}

/** For the "session ended" page: the session the browser last had, if it can be known. */
export async function findPastSession(deps: Deps, request: FastifyRequest): Promise<sessions.PastSession | undefined> {
  const secret = cookieSecret(request);
  if (secret) {
    const past = await sessions.findSessionForEndedPage(deps.db, { secretHash: sha256(secret) });
    if (past) return past;
  }
  const id = request.cookies[APP_COOKIE];
  if (id && /^ps_[A-Za-z0-9_-]{10,64}$/.test(id)) return sessions.findSessionForEndedPage(deps.db, { id });
  return undefined;
}
