import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../../deps.ts';
import { sha256 } from '../../../lib/crypto.ts';
import { ownEntry } from '../../../lib/lookup.ts';
import { ERROR_STATUS } from '../../../lib/errors.ts';
import {
  endSession,
  findAccountHolder,
  findLiveSession,
  findSessionForEndedPage,
  findToken,
  findUsableTokenHolder,
  type AccountHolder,
  type LiveSession,
} from '../../../modules/portal-sessions/portal-sessions.repository.ts';
import { findProjectById } from '../../../modules/projects/projects.repository.ts';
import { flowPath } from '../../../modules/portal-sessions/flow.ts';
import { exchangePortalToken } from '../../../modules/portal-sessions/portal-sessions.service.ts';
import { checkCsrfToken, csrfTokenFor, requireSameOrigin } from '../http/csrf.ts';
import { anonymousChrome, chromeFor, sendPage, sendSessionEnded, sendSessionPage } from '../http/pages.ts';
import { clearSessionCookies, cookieSecret, portalContext, requireSession, setSessionCookies } from '../http/session.ts';
import { loadAccount, recentPayments } from '../portal.service.ts';
import { newActionId } from '../../../web/once.ts';
import { EntryQuery, LeaveForm, SwitchForm } from '../portal.schemas.ts';
import { switchAccountPage } from '../views/switch-account.view.ts';
import { loginHref } from '../views/login.view.ts';
import { messagePage } from '../views/message.view.ts';
import { overviewPage } from '../views/overview.view.ts';

const LINK_ERRORS = { unknown: 'portal_link_unknown', used: 'portal_link_used', expired: 'portal_link_expired' } as const;

/**
 * `GET /portal?session=…[&redirect_uri=…]` exchanges a single-use link for a session
 * cookie and redirects to the clean `GET /portal` (the overview); `POST /portal/back`
 * ends the session and returns to the app.
 */
export function entryRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  const session = requireSession(deps);
  return async (app) => {
    app.get('/', { schema: { querystring: EntryQuery, hide: true } }, async (request, reply) => {
      const { query } = request;
      if (query.session !== undefined) {
        // Fastify answers HEAD with this handler too. Link scanners and previewers send HEAD:
        // only a real GET exchanges the single-use token, anything else leaves it untouched.
        if (request.method !== 'GET') return reply.code(200).header('content-type', 'text/html; charset=utf-8').send();
        const open = await openSessionOf(request);
        if (open) {
          const incoming = await findUsableTokenHolder(deps.db, sha256(query.session), deps.clock.now());
          if (incoming && incoming.end_user_id !== open.session.end_user_id) {
            return sendSwitchAccount(request, reply, open, incoming, { session: query.session, redirect_uri: query.redirect_uri, flow: query.flow });
          }
        }
        return enter(request, reply, query.session, query.redirect_uri ?? null, query.flow);
      }

      await session(request);
      const ctx = portalContext(request);
      const [account, recent] = await Promise.all([loadAccount(deps, ctx.owner, ctx.locale), recentPayments(deps, ctx.owner, 3)]);
      const noticeText = ownEntry(ctx.t.notices, query.notice);
      return sendSessionPage(
        reply,
        ctx,
        overviewPage({ chrome: chromeFor(ctx, 'overview'), now: ctx.now, account, recent, notice: noticeText, csrf: ctx.csrf, actionId: newActionId }),
      );
    });

    /**
     * A link for someone else while this browser holds a live session: continuing replaces
     * that session, so it takes this form's POST, with the open session's CSRF token (a
     * cross-site page can neither send it nor read it), and ends the old session.
     */
    app.post('/switch', { onRequest: requireSameOrigin(deps.config.publicUrl), bodyLimit: 4096, schema: { body: SwitchForm, hide: true } }, async (request, reply) => {
      const open = await openSessionOf(request);
      if (open) {
        checkCsrfToken(open.secret, request.body.csrf);
        await endSession(deps.db, open.session.id, deps.clock.now());
      }
      return enter(request, reply, request.body.session, request.body.redirect_uri ?? null, request.body.flow);
    });

    /** The live session this browser's cookie holds, if any. */
    async function openSessionOf(request: FastifyRequest) {
      const secret = cookieSecret(request);
      const live = secret ? await findLiveSession(deps.db, sha256(secret), deps.clock.now()) : undefined;
      return secret && live ? { secret, session: live } : undefined;
    }

    /** Exchanges the link for a session cookie and 303s to the clean overview, or the step the link names. */
    async function enter(request: FastifyRequest, reply: FastifyReply, token: string, requested: string | null, flow: string | undefined): Promise<FastifyReply> {
      const result = await exchangePortalToken(deps, token, requested);
      if (!result.ok) return sendLinkRefused(request, reply, token, result.reason, result.backToAppUrl);
      if (requested !== null && result.session.redirect_uri !== requested) {
        // Not registered for the project: ignored. Only the log is told, never the page.
        request.log.warn({ project_id: result.session.project_id, redirect_uri: requested.slice(0, 300) }, 'portal: unregistered redirect_uri ignored');
      }
      setSessionCookies(reply, deps.config, result.sessionSecret, result.session.id);
      // 303 to a clean URL: the token leaves the address bar and the history entry.
      return reply.code(303).header('location', flowPath(flow)).send();
    }

    async function sendSwitchAccount(
      request: FastifyRequest,
      reply: FastifyReply,
      open: { secret: string; session: LiveSession },
      incoming: AccountHolder,
      link: { session: string; redirect_uri?: string; flow?: string },
    ): Promise<FastifyReply> {
      const current = await findAccountHolder(deps.db, open.session.end_user_id);
      if (!current) return enter(request, reply, link.session, link.redirect_uri ?? null, link.flow);
      const { session } = open;
      const chrome = anonymousChrome(request, { locale: session.locale, name: session.project_name, theme: session.theme_config, defaultLocale: session.project_default_locale });
      const page = switchAccountPage({ chrome, incoming, current, form: { session: link.session, redirectUri: link.redirect_uri, flow: link.flow, csrf: csrfTokenFor(open.secret) } });
      return sendPage(reply, 200, page, chrome.theme);
    }

    /** A used, expired or unknown link: a friendly 410/404 page, in the project's colours when it is known. */
    async function sendLinkRefused(
      request: FastifyRequest,
      reply: FastifyReply,
      token: string,
      reason: keyof typeof LINK_ERRORS,
      backToApp: string | null,
    ): Promise<FastifyReply> {
      const code = LINK_ERRORS[reason];
      request.log.info({ code }, 'portal link refused');
      const known = reason === 'unknown' ? undefined : await findToken(deps.db, sha256(token));
      const project = known && (await findProjectById(deps.db, known.project_id));
      const chrome = anonymousChrome(request, project ? { name: project.name, theme: project.theme_config, defaultLocale: project.default_locale } : undefined);
      const t = chrome.t;
      const title = reason === 'used' ? t.linkUsedTitle : reason === 'expired' ? t.linkExpiredTitle : t.linkUnknownTitle;
      // A project whose customers can sign in by themselves offers that too (an emailed link used twice, say).
      const signIn = project && project.hosted_login_enabled && deps.mail ? { href: loginHref(project.slug, chrome.locale, undefined), label: t.login.signInWithEmail } : undefined;
      return sendPage(reply, ERROR_STATUS[code], messagePage({ chrome, title, explain: t.linkExplain, backToApp, ...(signIn && { link: signIn }) }), chrome.theme);
    }

    // "Back to app" works on a live, expired or ended session alike: it only ends it and
    // leaves. The CSRF token still has to match the session cookie.
    app.post('/back', { onRequest: requireSameOrigin(deps.config.publicUrl), bodyLimit: 4096, schema: { body: LeaveForm, hide: true } }, async (request, reply) => {
      const secret = cookieSecret(request);
      const past = secret ? await findSessionForEndedPage(deps.db, { secretHash: sha256(secret) }) : undefined;
      if (!secret || !past) return sendSessionEnded(deps, request, reply);
      checkCsrfToken(secret, request.body.csrf);
      await endSession(deps.db, past.id, deps.clock.now());
      // The app cookie stays: if the user comes back here, "session ended" still links to the app.
      clearSessionCookies(reply, deps.config, { keepAppCookie: true });
      if (past.redirect_uri) return reply.code(303).header('location', past.redirect_uri).send();
      const chrome = anonymousChrome(request, { locale: past.locale, name: past.project_name, theme: past.theme_config, defaultLocale: past.project_default_locale });
      return sendPage(reply, 200, messagePage({ chrome, title: chrome.t.leftTitle, explain: chrome.t.leftExplain }), chrome.theme);
    });
  };
}
