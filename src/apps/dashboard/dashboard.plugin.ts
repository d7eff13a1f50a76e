import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import { addPageHeaders } from '../../web/page.ts';
import { registerAssetRoutes } from './http/assets.ts';
import { DASHBOARD_CSP, dashboardErrorHandler } from './http/pages.ts';
import { DASHBOARD_PREFIX } from './prefix.ts';
import { accountRoutes } from './routes/account.routes.ts';
import { authRoutes } from './routes/auth.routes.ts';
import { brandingRoutes } from './routes/branding.routes.ts';
import { eventRoutes } from './routes/events.routes.ts';
import { customerRoutes } from './routes/customers.routes.ts';
import { memberRoutes } from './routes/members.routes.ts';
import { paymentRoutes } from './routes/payments.routes.ts';
import { planRoutes } from './routes/plans.routes.ts';
import { projectRoutes } from './routes/projects.routes.ts';
import { webhookRoutes } from './routes/webhooks.routes.ts';

export { DASHBOARD_PREFIX };

/**
 * The integrators' dashboard, mounted at /dashboard: the second app on the web kit
 * (src/web). Langgan's own look, English and Bahasa Indonesia, works without JavaScript.
 * Every page and action checks the session and the role on the server.
 */
export function dashboardPlugin(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    await app.register(cookie);
    await app.register(formbody, { bodyLimit: 64 * 1024 });
    addPageHeaders(app, DASHBOARD_CSP);
    app.setErrorHandler(dashboardErrorHandler(deps));
    app.setNotFoundHandler(async (request) => {
      throw new AppError('not_found', `No dashboard page ${request.url.split('?')[0]}`);
    });
    registerAssetRoutes(app);
    await app.register(authRoutes(deps));
    await app.register(projectRoutes(deps));
    await app.register(brandingRoutes(deps));
    await app.register(memberRoutes(deps));
    await app.register(planRoutes(deps));
    await app.register(paymentRoutes(deps));
    await app.register(customerRoutes(deps));
    await app.register(webhookRoutes(deps));
    await app.register(eventRoutes(deps));
    await app.register(accountRoutes(deps));
  };
}
