import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../../deps.ts';
import { AppError } from '../../../lib/errors.ts';
import { recordAudit } from '../../../modules/audit/audit.repository.ts';
import { endSession } from '../../../modules/accounts/accounts.repository.ts';
import { completeSecondFactor, signInWithPassword } from '../../../modules/accounts/sign-in.ts';
import { acceptInvitation, describeInvitation } from '../../../modules/accounts/users.ts';
import { isLocale } from '../../../web/locale.ts';
import { anonymousChrome, safeDashboardPath, sendPage } from '../http/pages.ts';
import { checkCsrfToken, csrfTokenFor, currentSession, dashboardCookies, requireSameOrigin, setLanguageCookie } from '../http/session.ts';
import { SignInLimits } from '../http/sign-in-limits.ts';
import { invitationPage, secondFactorPage, signInPage } from '../views/sign-in.view.ts';

const NextQuery = Type.Object({ next: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: true });
const SignInBody = Type.Object(
  { email: Type.String({ maxLength: 254 }), password: Type.String({ maxLength: 1024 }), next: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);
const SecondFactorBody = Type.Object(
  { csrf: Type.String({ maxLength: 200 }), code: Type.String({ maxLength: 40 }), next: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);
const TokenQuery = Type.Object({ token: Type.Optional(Type.String({ maxLength: 100 })) }, { additionalProperties: true });
const InvitationBody = Type.Object({ token: Type.String({ maxLength: 100 }), password: Type.String({ maxLength: 1024 }), username: Type.Optional(Type.String({ maxLength: 254 })) }, { additionalProperties: false });
const LogoutBody = Type.Object({ csrf: Type.String({ maxLength: 200 }) }, { additionalProperties: false });
const LanguageQuery = Type.Object({ to: Type.String({ maxLength: 5 }), back: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false });

function clientOf(request: FastifyRequest) {
  return { ip: request.ip, userAgent: request.headers['user-agent'] };
}

/** Sign-in (password, then the second factor when on), sign-out, invitations, language. */
export function authRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  const limits = new SignInLimits(deps.rateLimits);
  const cookies = dashboardCookies(deps.config);
  const sameOrigin = requireSameOrigin(deps.config.publicUrl);

  function tooMany(request: FastifyRequest, reply: FastifyReply, seconds: number, email?: string, next = '/dashboard') {
    reply.header('retry-after', String(seconds));
    const chrome = anonymousChrome(request);
    return sendPage(reply, signInPage(chrome, { email, next, problem: chrome.t.tooManyAttempts(seconds) }), 429);
  }

  return async (app) => {
    app.get('/login', { schema: { querystring: NextQuery, hide: true } }, async (request, reply) => {
      const found = await currentSession(deps, request);
      const next = safeDashboardPath(request.query.next);
      if (found?.session.stage === 'full') return reply.code(303).header('location', next).send();
      return sendPage(reply, signInPage(anonymousChrome(request), { next }));
    });

    app.post('/login', { onRequest: sameOrigin, schema: { body: SignInBody, hide: true } }, async (request, reply) => {
      const email = request.body.email.trim().toLowerCase();
      const next = safeDashboardPath(request.body.next);
      const wait = await limits.check(request.ip, email);
      if (wait) return tooMany(request, reply, wait.retryAfterSeconds, email, next);
      const result = await signInWithPassword(deps, { email, password: request.body.password, client: clientOf(request) });
      if (result.outcome === 'failed') {
        await limits.failed(request.ip, email);
        const chrome = anonymousChrome(request);
        return sendPage(reply, signInPage(chrome, { email, next, problem: chrome.t.signInFailed }), 401);
      }
      cookies.session.set(reply, result.secret);
      const to = result.outcome === 'second_factor' ? `/dashboard/login/2fa?next=${encodeURIComponent(next)}` : next;
      return reply.code(303).header('location', to).send();
    });

    app.get('/login/2fa', { schema: { querystring: NextQuery, hide: true } }, async (request, reply) => {
      const found = await currentSession(deps, request);
      if (!found || found.session.stage !== 'mfa') return reply.code(303).header('location', '/dashboard/login').send();
      return sendPage(reply, secondFactorPage(anonymousChrome(request), { csrf: csrfTokenFor(found.secret), next: safeDashboardPath(request.query.next) }));
    });

    app.post('/login/2fa', { onRequest: sameOrigin, schema: { body: SecondFactorBody, hide: true } }, async (request, reply) => {
      const found = await currentSession(deps, request);
      if (!found || found.session.stage !== 'mfa') return reply.code(303).header('location', '/dashboard/login').send();
      checkCsrfToken(found.secret, request.body.csrf);
      const next = safeDashboardPath(request.body.next);
      const account = `2fa:${found.session.user_id}`;
      const wait = await limits.check(request.ip, account);
      const chrome = anonymousChrome(request);
      if (wait) {
        reply.header('retry-after', String(wait.retryAfterSeconds));
        return sendPage(reply, secondFactorPage(chrome, { csrf: csrfTokenFor(found.secret), next, problem: chrome.t.tooManyAttempts(wait.retryAfterSeconds) }), 429);
      }
      const result = await completeSecondFactor(deps, { sessionId: found.session.id, userId: found.session.user_id, code: request.body.code, client: clientOf(request) });
      if (result.outcome !== 'signed_in') {
        await limits.failed(request.ip, account);
        return sendPage(reply, secondFactorPage(chrome, { csrf: csrfTokenFor(found.secret), next, problem: chrome.t.secondFactorFailed }), 401);
      }
      cookies.session.set(reply, result.secret);
      return reply.code(303).header('location', next).send();
    });

    app.post('/logout', { onRequest: sameOrigin, schema: { body: LogoutBody, hide: true } }, async (request, reply) => {
      const found = await currentSession(deps, request);
      if (found) {
        checkCsrfToken(found.secret, request.body.csrf);
        const now = deps.clock.now();
        await deps.db.transaction().execute(async (trx) => {
          await endSession(trx, found.session.id, 'signed_out', now);
          await recordAudit(trx, { actorUserId: found.session.user_id, action: 'user.signed_out', subjectId: found.session.user_id, ip: request.ip, now });
        });
      }
      cookies.session.clear(reply);
      return sendPage(reply, signInPage(anonymousChrome(request), { next: '/dashboard', notice: anonymousChrome(request).t.signedOut }));
    });

    app.get('/invitation', { schema: { querystring: TokenQuery, hide: true } }, async (request, reply) => {
      const token = request.query.token ?? '';
      const state = /^[A-Za-z0-9_-]{20,100}$/.test(token) ? await describeInvitation(deps, token) : { state: 'unknown' as const };
      const valid = state.state === 'valid';
      return sendPage(reply, invitationPage(anonymousChrome(request), { token, valid, ...(valid && { email: state.email }) }), valid ? 200 : 410);
    });

    app.post('/invitation', { onRequest: sameOrigin, schema: { body: InvitationBody, hide: true } }, async (request, reply) => {
      const { token, password } = request.body;
      const chrome = anonymousChrome(request);
      const state = /^[A-Za-z0-9_-]{20,100}$/.test(token) ? await describeInvitation(deps, token) : { state: 'unknown' as const };
      if (state.state !== 'valid') return sendPage(reply, invitationPage(chrome, { token, valid: false }), 410);
      try {
        const user = await acceptInvitation(deps, token, password);
        const signedIn = await signInWithPassword(deps, { email: user.email, password, client: clientOf(request) });
        if (signedIn.outcome !== 'failed') cookies.session.set(reply, signedIn.secret);
        return reply.code(303).header('location', signedIn.outcome === 'second_factor' ? '/dashboard/login/2fa' : '/dashboard').send();
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        return sendPage(reply, invitationPage(chrome, { token, valid: true, email: state.email, problem: err.message }), 400);
      }
    });

    app.get('/language', { schema: { querystring: LanguageQuery, hide: true } }, async (request, reply) => {
      if (!isLocale(request.query.to)) throw new AppError('invalid_request', 'Unknown language');
      setLanguageCookie(reply, deps.config, request.query.to);
      return reply.code(303).header('location', safeDashboardPath(request.query.back)).send();
    });
  };
}
