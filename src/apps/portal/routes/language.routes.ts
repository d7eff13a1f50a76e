import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Deps } from '../../../deps.ts';
import { setSessionLocale } from '../../../modules/portal-sessions/portal-sessions.repository.ts';
import { safeReturnPath } from '../../../web/return-path.ts';
import { sessionFormPost } from '../http/csrf.ts';
import { portalContext } from '../http/session.ts';
import { PORTAL_PREFIX } from '../prefix.ts';
import { LanguageForm } from '../portal.schemas.ts';

/**
 * `POST /portal/language`: the header's English / Bahasa Indonesia switch (a plain form, no
 * JavaScript). The choice is kept on the session row, where it outranks the browser's
 * Accept-Language until the session ends; then 303 back to the page it was made on.
 */
export function languageRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/language',
      { ...sessionFormPost(deps), schema: { body: LanguageForm, hide: true } },
      async (request, reply) => {
        const ctx = portalContext(request);
        await setSessionLocale(deps.db, ctx.session.id, request.body.locale);
        return reply.code(303).header('location', safeReturnPath(request.body.back, PORTAL_PREFIX)).send();
      },
    );
  };
}
