import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Project } from '../../../db/types.ts';
import type { Deps } from '../../../deps.ts';
import { sha256 } from '../../../lib/crypto.ts';
import * as login from '../../../modules/hosted-login/hosted-login.service.ts';
import { findProjectOfLink } from '../../../modules/hosted-login/login-codes.repository.ts';
import { flowPath, isFlow } from '../../../modules/portal-sessions/flow.ts';
import { findProjectById, findProjectBySlug } from '../../../modules/projects/projects.repository.ts';
import { themeStyle } from '../../../theme/css.ts';
import { cookieSession } from '../../../web/cookie-session.ts';
import { chooseLocale, isLocale } from '../../../web/locale.ts';
import { requireSameOrigin } from '../http/csrf.ts';
import { LoginLimits, type Blocked } from '../http/login-limits.ts';
import { sendPage } from '../http/pages.ts';
import { setSessionCookies } from '../http/session.ts';
import { messagesFor } from '../i18n/messages.ts';
import { PORTAL_PREFIX } from '../prefix.ts';
import type { Chrome } from '../views/layout.ts';
import { codePage, emailPage, loginHref, pickAccountPage, type LoginContext } from '../views/login.view.ts';
import { messagePage } from '../views/message.view.ts';

const Text = (maxLength: number) => Type.Optional(Type.String({ maxLength }));
/** Lenient shapes: a wrong email or code is answered on the form itself, not with an error page. */
const LoginQuery = Type.Object({ project: Text(100), flow: Text(100), lang: Text(5), email: Text(254) }, { additionalProperties: true });
const EmailForm = Type.Object({ project: Text(100), flow: Text(100), lang: Text(5), email: Text(300) }, { additionalProperties: false });
const CodeForm = Type.Object({ project: Text(100), flow: Text(100), lang: Text(5), email: Text(300), code: Text(20) }, { additionalProperties: false });
const AccountForm = Type.Object({ lang: Text(5), account: Type.String({ maxLength: 100 }) }, { additionalProperties: false });
const LinkQuery = Type.Object({ token: Text(200) }, { additionalProperties: true });

const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]+$/;
const SIX_DIGITS = /^[0-9]{6}$/;

/** The account picker's cookie: only /portal/login receives it, for the code's ten minutes. */
const PICKER_COOKIE = 'langgan_login_pick';

/**
 * The hosted login page (docs/hosted-login.md): `GET /portal/login?project=<slug>` asks for
 * the email; `POST /portal/login` sends a code (the same answer whether or not the address
 * has an account); `POST /portal/login/code` checks it; `GET /portal/login/link?token=…` is
 * the email's one-click link; `POST /portal/login/account` picks one of several accounts.
 * Success opens the same portal session a minted link does. Every POST is same-origin only.
 */
export function loginRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  const limits = new LoginLimits(deps.rateLimits);
  const picker = cookieSession({ name: PICKER_COOKIE, path: `${PORTAL_PREFIX}/login`, maxAgeSeconds: login.CODE_TTL_MINUTES * 60, secure: deps.config.publicUrl.startsWith('https:') });
  const sameOrigin = { onRequest: requireSameOrigin(deps.config.publicUrl), bodyLimit: 4096 };

  return async (app) => {
    app.get('/login', { schema: { querystring: LoginQuery, hide: true } }, async (request, reply) => {
      const { query } = request;
      const page = await pageContext(request, query);
      if (!page) return sendUnavailable(request, reply, query.lang);
      const email = query.email && EMAIL.test(query.email) ? query.email : undefined;
      return send(reply, 200, page, emailPage({ ...page, ...(email && { email }) }));
    });

    app.post('/login', { ...sameOrigin, schema: { body: EmailForm, hide: true } }, async (request, reply) => {
      const { body } = request;
      const page = await pageContext(request, body);
      if (!page) return sendUnavailable(request, reply, body.lang);
      const email = (body.email ?? '').trim();
      if (!EMAIL.test(email) || email.length > 254) {
        return send(reply, 422, page, emailPage({ ...page, email, error: page.chrome.t.login.emailInvalid }));
      }
      const blocked = await limits.requestCode(request.ip, page.project.id, login.normalizeEmail(email));
      if (blocked) return sendTooMany(reply, page, blocked);
      await login.requestSignInCode(deps, { project: page.project, email, locale: page.chrome.locale, flow: page.flow ?? null });
      return send(reply, 200, page, codePage({ ...page, email }));
    });

    app.post('/login/code', { ...sameOrigin, schema: { body: CodeForm, hide: true } }, async (request, reply) => {
      const { body } = request;
      const page = await pageContext(request, body);
      if (!page) return sendUnavailable(request, reply, body.lang);
      const email = (body.email ?? '').trim();
      if (!EMAIL.test(email)) return send(reply, 422, page, emailPage({ ...page, error: page.chrome.t.login.emailInvalid }));
      const code = (body.code ?? '').replace(/\s+/g, '');
      if (!SIX_DIGITS.test(code)) return send(reply, 422, page, codePage({ ...page, email, error: page.chrome.t.login.codeInvalid }));
      const blocked = await limits.mayCheckCode(request.ip);
      if (blocked) return sendTooMany(reply, page, blocked);

      const result = await login.verifySignInCode(deps, page.project, email, code);
      if (result.outcome === 'wrong') {
        await limits.wrongCode(request.ip);
        return send(reply, 422, page, codePage({ ...page, email, error: page.chrome.t.login.wrongCode(result.attemptsLeft) }));
      }
      if (result.outcome === 'no_code') return send(reply, 422, page, codePage({ ...page, email, error: page.chrome.t.login.noCode }));
      return signedIn(reply, page.chrome, result);
    });

    app.get('/login/link', { schema: { querystring: LinkQuery, hide: true } }, async (request, reply) => {
      // Link scanners and previewers send HEAD: only a real GET uses the single-use link.
      if (request.method !== 'GET') return reply.code(200).header('content-type', 'text/html; charset=utf-8').send();
      const token = request.query.token ?? '';
      const used = token ? await login.useSignInLink(deps, token) : undefined;
      if (used && (used.verified.outcome === 'signed_in' || used.verified.outcome === 'pick')) {
        return signedIn(reply, projectChrome(request, used.project, undefined), used.verified);
      }
      return sendLinkFailed(request, reply, token);
    });

    app.post('/login/account', { ...sameOrigin, schema: { body: AccountForm, hide: true } }, async (request, reply) => {
      const secret = picker.read(request);
      const result = secret ? await login.pickAccount(deps, secret, request.body.account) : ({ outcome: 'no_code' } as const);
      if (result.outcome !== 'signed_in') {
        const chrome = anonymous(request, request.body.lang);
        return sendPage(reply, 410, messagePage({ chrome, title: chrome.t.login.pickTitle, explain: chrome.t.login.pickExpired }), chrome.theme);
      }
      picker.clear(reply);
      return signedIn(reply, anonymous(request, request.body.lang), result);
    });

    /** Signed in: the session cookie and on to the deep link; or the picker, when several accounts share the address. */
    function signedIn(reply: FastifyReply, chrome: Chrome, result: login.Verified): FastifyReply {
      if (result.outcome === 'pick') {
        picker.set(reply, result.pickerSecret);
        return sendPage(reply, 200, pickAccountPage({ chrome, accounts: result.accounts }), chrome.theme);
      }
      if (result.outcome !== 'signed_in') throw new Error('signedIn called without a session');
      setSessionCookies(reply, deps.config, result.session.sessionSecret, result.session.session.id);
      return reply.code(303).header('location', flowPath(result.flow)).send();
    }

    /** The project behind `?project=<slug>` when its hosted login is on (and email works), with the page's frame. */
    async function pageContext(request: FastifyRequest, input: { project?: string; flow?: string; lang?: string }) {
      if (!deps.mail || !input.project) return undefined;
      const project = await findProjectBySlug(deps.db, input.project.toLowerCase());
      if (!project?.hosted_login_enabled) return undefined;
      const flow = isFlow(input.flow) ? input.flow : undefined;
      return { project, slug: project.slug, flow, chrome: projectChrome(request, project, input.lang) } satisfies LoginContext & { project: Project };
    }

    function projectChrome(request: FastifyRequest, project: Project, lang: string | undefined): Chrome {
      const locale = chooseLocale({ sessionLocale: isLocale(lang) ? lang : null, acceptLanguage: request.headers['accept-language'], projectDefault: project.default_locale });
      return { t: messagesFor(locale), locale, theme: themeStyle(project.theme_config), projectName: project.name };
    }

    function anonymous(request: FastifyRequest, lang: string | undefined): Chrome {
      const locale = chooseLocale({ sessionLocale: isLocale(lang) ? lang : null, acceptLanguage: request.headers['accept-language'] });
      return { t: messagesFor(locale), locale, theme: themeStyle(undefined), projectName: undefined };
    }

    function send(reply: FastifyReply, status: number, page: { chrome: Chrome }, body: ReturnType<typeof emailPage>): FastifyReply {
      return sendPage(reply, status, body, page.chrome.theme);
    }

    /**
     * An unknown slug, a project with hosted login off, or email off: one page, 404, in
     * Langgan's own look — it does not say whether the project exists.
     */
    function sendUnavailable(request: FastifyRequest, reply: FastifyReply, lang: string | undefined): FastifyReply {
      const chrome = anonymous(request, lang);
      return sendPage(reply, 404, messagePage({ chrome, title: chrome.t.login.unavailableTitle, explain: chrome.t.login.unavailable }), chrome.theme);
    }

    function sendTooMany(reply: FastifyReply, page: LoginContext, blocked: Blocked): FastifyReply {
      const { t } = page.chrome;
      reply.header('retry-after', String(blocked.retryAfterSeconds));
      const minutes = Math.max(1, Math.ceil(blocked.retryAfterSeconds / 60));
      const start = { href: loginHref(page.slug, page.chrome.locale, page.flow), label: t.login.startOver };
      return sendPage(reply, 429, messagePage({ chrome: page.chrome, title: t.login.tooManyTitle, explain: t.login.tooMany(minutes), link: start }), page.chrome.theme);
    }

    /** A used, expired, replaced or unknown link: in the project's look when the link was ours, with the way to a new code. */
    async function sendLinkFailed(request: FastifyRequest, reply: FastifyReply, token: string): Promise<FastifyReply> {
      const projectId = token ? await findProjectOfLink(deps.db, sha256(token)) : undefined;
      const project = projectId ? await findProjectById(deps.db, projectId) : undefined;
      const chrome = project ? projectChrome(request, project, undefined) : anonymous(request, undefined);
      const link = project?.hosted_login_enabled ? { href: loginHref(project.slug, chrome.locale, undefined), label: chrome.t.login.signInWithEmail } : undefined;
      return sendPage(reply, 410, messagePage({ chrome, title: chrome.t.login.linkFailedTitle, explain: chrome.t.login.linkFailed, ...(link && { link }) }), chrome.theme);
    }
  };
}
