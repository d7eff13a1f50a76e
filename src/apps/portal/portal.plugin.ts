import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import { registerAssetRoutes } from './http/assets.ts';
import { portalCsp, portalErrorHandler } from './http/pages.ts';
import { entryRoutes } from './routes/entry.routes.ts';
import { paymentRoutes } from './routes/payments.routes.ts';
import { planRoutes } from './routes/plans.routes.ts';
import { subscriptionRoutes } from './routes/subscription.routes.ts';

export const PORTAL_PREFIX = '/portal';

/**
 * The hosted customer portal, mounted at /portal: server-rendered pages that work without
 * JavaScript, a cookie session, CSRF-checked forms, per-project theme. Cookie and form
 * parsing exist only in this scope; the rest of the service stays JSON-only.
 */
export function portalPlugin(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    await app.register(cookie);
    await app.register(formbody, { bodyLimit: 16 * 1024 });

    app.addHook('onSend', async (_request, reply, payload) => {
      // Every /portal response, pages, errors, redirects and assets alike.
      reply.header('referrer-policy', 'no-referrer');
      reply.header('x-frame-options', 'DENY');
      reply.header('cross-origin-opener-policy', 'same-origin');
      if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
      if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', portalCsp(undefined));
      return payload;
    });
    app.setErrorHandler(portalErrorHandler(deps));

    app.setNotFoundHandler(async (request) => {
      throw new AppError('not_found', `No portal page ${request.url.split('?')[0]}`);
    });

    registerAssetRoutes(app, PORTAL_PREFIX);
    await app.register(entryRoutes(deps));
    await app.register(planRoutes(deps));
    await app.register(paymentRoutes(deps));
    await app.register(subscriptionRoutes(deps));
  };
}
