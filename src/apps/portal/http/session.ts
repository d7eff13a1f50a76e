import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../../config.ts';
import type { Deps } from '../../../deps.ts';
import type { Locale } from '../../../db/types.ts';
import { sha256 } from '../../../lib/crypto.ts';
import { AppError } from '../../../lib/errors.ts';
import * as sessions from '../../../modules/portal-sessions/portal-sessions.repository.ts';
import { PORTAL_SESSION_TTL_SECONDS } from '../../../modules/portal-sessions/portal-sessions.service.ts';
import { themeStyle, type ThemeStyle } from '../../../theme/css.ts';
import { cookieSession, readSecretCookie, type CookieSession } from '../../../web/cookie-session.ts';
import { chooseLocale } from '../../../web/locale.ts';
import { messagesFor, type Messages } from '../i18n/messages.ts';
import { PORTAL_PREFIX } from '../prefix.ts';
import { csrfTokenFor } from './csrf.ts';

/**
 * The portal session cookie: an opaque 256-bit secret whose SHA-256 is the session's key
 * in portal_sessions (web/cookie-session.ts: HttpOnly, Path=/portal, SameSite=Lax, Secure
 * on https, Max-Age the session's lifetime).
 */
export const SESSION_COOKIE = 'langgan_portal';

/**
 * A second cookie holding only the session's id (not a secret; it grants nothing). It
 * outlives the session so that, after the 30 minutes, the "session ended" page can still
 * offer "Back to app" with the registered redirect_uri instead of a dead end.
 */
export const APP_COOKIE = 'langgan_portal_app';
const APP_COOKIE_MAX_AGE_SECONDS = 7 * 24 * 3600;

function portalCookies(config: Pick<Config, 'publicUrl'>): { session: CookieSession; app: CookieSession } {
  const common = { path: PORTAL_PREFIX, secure: config.publicUrl.startsWith('https:') };
  return {
    session: cookieSession({ ...common, name: SESSION_COOKIE, maxAgeSeconds: PORTAL_SESSION_TTL_SECONDS }),
    app: cookieSession({ ...common, name: APP_COOKIE, maxAgeSeconds: APP_COOKIE_MAX_AGE_SECONDS }),
  };
}

export function setSessionCookies(reply: FastifyReply, config: Config, secret: string, sessionId: string): void {
  const cookies = portalCookies(config);
  cookies.session.set(reply, secret);
  cookies.app.set(reply, sessionId);
}

export function clearSessionCookies(reply: FastifyReply, config: Config, options: { keepAppCookie: boolean }): void {
  const cookies = portalCookies(config);
  cookies.session.clear(reply);
  if (!options.keepAppCookie) cookies.app.clear(reply);
}

/** Everything a portal page or action knows about who is asking. */
export interface PortalContext {
  session: sessions.LiveSession;
  /** The cookie's secret (never rendered; the CSRF token is derived from it). */
  secret: string;
  csrf: string;
  locale: Locale;
  /** The project's time zone, for every date the pages show. */
  timeZone: string;
  t: Messages;
  theme: ThemeStyle;
  now: Date;
  /** The page being shown, for the language switch to come back to (a POST's answer: the overview). */
  path: string;
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

/** The session cookie's secret, if the browser sent a plausible one. */
export function cookieSecret(request: FastifyRequest): string | undefined {
  return readSecretCookie(request, SESSION_COOKIE);
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
      timeZone: session.project_time_zone,
      theme: themeStyle(session.theme_config),
      now,
      path: request.method === 'GET' ? request.url : PORTAL_PREFIX,
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
