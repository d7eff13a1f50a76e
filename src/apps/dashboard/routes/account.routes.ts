import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../../deps.ts';
import { AppError } from '../../../lib/errors.ts';
import * as accounts from '../../../modules/accounts/accounts.repository.ts';
import { recordAudit } from '../../../modules/audit/audit.repository.ts';
import { confirmTotpEnrolment, disableTotp, regenerateRecoveryCodes, startTotpEnrolment } from '../../../modules/accounts/two-factor.ts';
import { changePassword } from '../../../modules/accounts/users.ts';
import { newActionId } from '../../../web/once.ts';
import { chromeFor, sendPage } from '../http/pages.ts';
import { dashboardContext, once, requireCsrfToken, requireSameOrigin, requireSignedIn } from '../http/session.ts';
import { accountPage, type AccountView } from '../views/account.view.ts';

const FormSecrets = { csrf: Type.String({ maxLength: 200 }), action_id: Type.String({ maxLength: 64 }) };
const Plain = Type.Object(FormSecrets, { additionalProperties: false });
const PasswordBody = Type.Object({ ...FormSecrets, current_password: Type.String({ maxLength: 1024 }), new_password: Type.String({ maxLength: 1024 }) }, { additionalProperties: false });
const CodeBody = Type.Object({ ...FormSecrets, code: Type.String({ maxLength: 20 }) }, { additionalProperties: false });
const DisableBody = Type.Object({ ...FormSecrets, password: Type.String({ maxLength: 1024 }) }, { additionalProperties: false });
const SessionParams = Type.Object({ sessionId: Type.String({ maxLength: 80 }) }, { additionalProperties: false });
const NoticeQuery = Type.Object({ done: Type.Optional(Type.String({ maxLength: 20 })) }, { additionalProperties: false });

/**
 * The signed-in person's own account: password, two-factor sign-in, signed-in devices.
 * Secrets shown once (the TOTP key during set-up, recovery codes) are rendered in the POST's
 * own response, never put in a URL or stored in the clear for later pages.
 */
export function accountRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  const signedIn = requireSignedIn(deps);
  const sameOrigin = requireSameOrigin(deps.config.publicUrl);
  const post = { onRequest: sameOrigin, preHandler: [signedIn, requireCsrfToken] };

  async function render(request: FastifyRequest, reply: FastifyReply, extra: Partial<AccountView> = {}, status = 200) {
    const ctx = dashboardContext(request);
    const user = (await accounts.findUserById(deps.db, ctx.user.id))!;
    const view: AccountView = {
      csrf: ctx.csrf,
      actionId: newActionId,
      currentSessionId: ctx.session.id,
      twoFactorOn: user.totp_enabled_at !== null,
      recoveryCodesLeft: user.totp_enabled_at ? await accounts.countUnusedRecoveryCodes(deps.db, user.id) : 0,
      sessions: await accounts.listSessionsOfUser(deps.db, user.id, ctx.now),
      ...extra,
    };
    return sendPage(reply, accountPage(chromeFor(request, ctx), view), status);
  }

  const notices = (t: ReturnType<typeof dashboardContext>['t'], done: string | undefined) =>
    done === 'revoked' ? t.sessionRevoked : done?.startsWith('password') ? t.passwordChanged(Number(done.slice(8)) || 0) : undefined;

  return async (app) => {
    app.get('/account', { preHandler: signedIn, schema: { querystring: NoticeQuery, hide: true } }, async (request, reply) =>
      render(request, reply, { notice: notices(dashboardContext(request).t, request.query.done) }),
    );

    app.post('/account/password', { ...post, schema: { body: PasswordBody, hide: true } }, async (request, reply) => {
      const ctx = dashboardContext(request);
      try {
        const location = await once(deps, ctx, request.body.action_id, async () => {
          const { endedSessions } = await changePassword(deps, { userId: ctx.user.id, sessionId: ctx.session.id, current: request.body.current_password, next: request.body.new_password, ip: request.ip });
          return `/dashboard/account?done=password${endedSessions}`;
        }, async () => '/dashboard/account');
        return reply.code(303).header('location', location).send();
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        return render(request, reply, { passwordProblem: err.message }, 400);
      }
    });

    app.post('/account/2fa/start', { ...post, schema: { body: Plain, hide: true } }, async (request, reply) => {
      const enrolment = await startTotpEnrolment(deps, dashboardContext(request).user.id);
      return render(request, reply, { enrolment });
    });

    app.post('/account/2fa/confirm', { ...post, schema: { body: CodeBody, hide: true } }, async (request, reply) => {
      const ctx = dashboardContext(request);
      try {
        const { recoveryCodes } = await confirmTotpEnrolment(deps, { userId: ctx.user.id, code: request.body.code, ip: request.ip });
        return render(request, reply, { recoveryCodes });
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        const enrolment = await startTotpEnrolment(deps, ctx.user.id).catch(() => undefined);
        return render(request, reply, enrolment ? { enrolment: { ...enrolment, problem: err.message } } : {}, 400);
      }
    });

    app.post('/account/2fa/recovery-codes', { ...post, schema: { body: Plain, hide: true } }, async (request, reply) => {
      const recoveryCodes = await regenerateRecoveryCodes(deps, { userId: dashboardContext(request).user.id, ip: request.ip });
      return render(request, reply, { recoveryCodes });
    });

    app.post('/account/2fa/disable', { ...post, schema: { body: DisableBody, hide: true } }, async (request, reply) => {
      const ctx = dashboardContext(request);
      try {
        await disableTotp(deps, { userId: ctx.user.id, password: request.body.password, ip: request.ip });
        return reply.code(303).header('location', '/dashboard/account').send();
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        return render(request, reply, { twoFactorProblem: err.message }, 400);
      }
    });

    app.post('/account/sessions/:sessionId/revoke', { ...post, schema: { params: SessionParams, body: Plain, hide: true } }, async (request, reply) => {
      const ctx = dashboardContext(request);
      // Only one of the reader's own sessions: someone else's id is simply not found.
      const own = (await accounts.listSessionsOfUser(deps.db, ctx.user.id, ctx.now)).some((s) => s.id === request.params.sessionId);
      if (!own) throw new AppError('not_found', 'No such signed-in device');
      await deps.db.transaction().execute(async (trx) => {
        await accounts.endSession(trx, request.params.sessionId, 'revoked', ctx.now);
        await recordAudit(trx, { actorUserId: ctx.user.id, action: 'user.session_revoked', subjectId: request.params.sessionId, ip: request.ip, now: ctx.now });
      });
      return reply.code(303).header('location', '/dashboard/account?done=revoked').send();
    });
  };
}
