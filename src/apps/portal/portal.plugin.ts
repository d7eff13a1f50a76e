import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import { addPageHeaders } from '../../web/page.ts';
import { registerAssetRoutes } from './http/assets.ts';
import { portalCsp, portalErrorHandler } from './http/pages.ts';
import { PORTAL_PREFIX } from './prefix.ts';
import { entryRoutes } from './routes/entry.routes.ts';
import { languageRoutes } from './routes/language.routes.ts';
import { loginRoutes } from './routes/login.routes.ts';
import { paymentRoutes } from './routes/payments.routes.ts';
import { planRoutes } from './routes/plans.routes.ts';
import { subscriptionRoutes } from './routes/subscription.routes.ts';

export { PORTAL_PREFIX };

/**
 * The hosted customer portal, mounted at /portal: server-rendered pages that work without
 * JavaScript, a cookie session, CSRF-checked forms, per-project theme — one app on the
 * web kit (src/web). Cookie and form parsing exist only in this scope; the rest of the
 * service stays JSON-only.
 */
export function portalPlugin(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    await app.register(cookie);
    await app.register(formbody, { bodyLimit: 16 * 1024 });

    addPageHeaders(app, portalCsp(undefined));
    app.setErrorHandler(portalErrorHandler(deps));

    app.setNotFoundHandler(async (request) => {
      throw new AppError('not_found', `No portal page ${request.url.split('?')[0]}`);
    });

    registerAssetRoutes(app);
    await app.register(entryRoutes(deps));
    await app.register(planRoutes(deps));
    await app.register(paymentRoutes(deps));
    await app.register(subscriptionRoutes(deps));
    await app.register(languageRoutes(deps));
    await app.register(loginRoutes(deps));
  };
}
