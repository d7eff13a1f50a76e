import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RouteOptions } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { randomUUID } from 'node:crypto';
import type { Deps } from './deps.ts';
import { adminGuard } from './http/auth/admin.ts';
import { clientAuth } from './http/auth/client-credentials.ts';
import { bearerGuard } from './http/auth/bearer.ts';
import { authFailureLimit } from './http/auth/failure-limit.ts';
import { registerErrorHandling } from './http/error-handler.ts';
import { refuseBrowserRequests } from './http/guards.ts';
import { registerOpenApi } from './http/openapi.ts';
import { limiter, registerRateLimiting } from './http/rate-limit.ts';
import { declaresForeignCharset, findUnsafeInput, validatorCompiler } from './http/validation.ts';
import { AppError } from './lib/errors.ts';
import { ErrorResponse } from './lib/schema.ts';
import { recordRequestDurations } from './metrics/http-metrics.ts';
import { metricsRoutes } from './metrics/metrics.routes.ts';
import { demoRoutes } from './demo/demo.routes.ts';
import type { DemoCredentials } from './demo/seed.ts';
import { endUserPlatformRoutes } from './modules/end-users/end-users.platform.routes.ts';
import { eventPlatformRoutes } from './modules/events/events.platform.routes.ts';
import { healthRoutes } from './modules/health/health.routes.ts';
import { planAdminRoutes } from './modules/plans/plans.admin.routes.ts';
import { planPlatformRoutes } from './modules/plans/plans.platform.routes.ts';
import { PlanResponse } from './modules/plans/plans.schemas.ts';
import { DASHBOARD_PREFIX, dashboardPlugin } from './apps/dashboard/dashboard.plugin.ts';
import { accountAdminRoutes } from './modules/accounts/accounts.admin.routes.ts';
import { brandingAdminRoutes, logoRoutes } from './modules/branding/branding.routes.ts';
import { emailAdminRoutes } from './modules/email/emails.admin.routes.ts';
import { registerFontRoutes } from './theme/fonts.ts';
import { paymentAdminRoutes } from './modules/payments/payments.admin.routes.ts';
import { paymentPlatformRoutes } from './modules/payments/payments.platform.routes.ts';
import { midtransWebhookRoutes } from './modules/payments/payments.webhook.routes.ts';
import { portalSessionPlatformRoutes } from './modules/portal-sessions/portal-sessions.routes.ts';
import { projectRoutes } from './modules/projects/projects.admin.routes.ts';
import { ProjectResponse } from './modules/projects/projects.schemas.ts';
import { subscriptionPlatformRoutes } from './modules/subscriptions/subscriptions.platform.routes.ts';
import { PORTAL_PREFIX, portalPlugin } from './apps/portal/portal.plugin.ts';
import { webhookAdminRoutes } from './modules/webhooks/webhooks.admin.routes.ts';

export const BODY_LIMIT_BYTES = 100 * 1024;
const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export interface AppOptions {
  /** Serve the /demo "your app" page with these seeded credentials (development only). */
  demo?: DemoCredentials;
  /** Told about every route as it is registered, HEAD twins included (tests derive the auth matrix from it). */
  onRoute?: (route: RouteOptions) => void;
}

/** Builds the HTTP application around its dependencies. Never listens: see main.ts. */
export async function buildApp(deps: Deps, options: AppOptions = {}): Promise<FastifyInstance> {
  const { config } = deps;
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: config.trustProxy,
    // A caller's X-Request-Id is kept (for tracing across services) only when it looks
    // like an id; anything else would be forged log lines or unbounded text in our logs.
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  // First of all hooks, so no route registered below escapes it.
  if (options.onRoute) app.addHook('onRoute', options.onRoute);
  recordRequestDurations(app, deps.metrics);

  app.setValidatorCompiler(validatorCompiler);
  // Only JSON bodies (and the portal's forms, registered in its own scope) are accepted.
  app.removeContentTypeParser('text/plain');
  app.addSchema(ErrorResponse);
  app.addSchema(ProjectResponse);
  app.addSchema(PlanResponse);

  app.addHook('onRequest', async (request) => {
    if (declaresForeignCharset(request.headers['content-type'])) {
      throw new AppError('unsupported_media_type', 'Send the request body as UTF-8 (no charset, or charset=utf-8)');
    }
  });
  // Before any schema, handler or query sees them: path, query and body free of NUL, lone
  // surrogates and runaway nesting (see findUnsafeInput).
  app.addHook('preValidation', async (request) => {
    const problem =
      findUnsafeInput(request.params, 'path') ?? findUnsafeInput(request.query, 'query') ?? findUnsafeInput(request.body, 'body');
    if (problem) throw new AppError('invalid_request', problem);
  });

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    reply.header('x-content-type-options', 'nosniff');
  });

  registerErrorHandling(app);
  await registerRateLimiting(app, deps.rateLimits);
  app.addHook('onReady', () => deps.rateLimits.ready());
  await registerOpenApi(app, config);
  await app.register(healthRoutes(deps));
  if (config.metrics.token) {
    const guard = bearerGuard(config.metrics.token, authFailureLimit(deps), {
      missing: 'This endpoint needs Authorization: Bearer <METRICS_TOKEN>',
      wrong: 'The metrics token is not valid',
    });
    await app.register(metricsRoutes(deps.metrics, guard));
  }

  await app.register(
    async (platform) => {
      // No CORS plugin is registered anywhere: browsers get no Access-Control-* header here.
      platform.addHook('onRequest', refuseBrowserRequests);
      await platform.register(portalSessionPlatformRoutes(deps));
      await platform.register(async (basic) => {
        // onRequest, as on admin: 401 before the body is parsed, validated or looked at.
        basic.addHook('onRequest', clientAuth(deps.credentials, authFailureLimit(deps)));
        basic.addHook(
          'preHandler',
          limiter(basic, { name: 'platform-client', scope: 'client', max: config.rateLimit.platformPerClient, windowMs: config.rateLimit.windowMs, key: (r) => r.client?.clientId }),
        );
        await basic.register(planPlatformRoutes(deps));
        await basic.register(subscriptionPlatformRoutes(deps));
        await basic.register(paymentPlatformRoutes(deps));
        await basic.register(eventPlatformRoutes(deps));
        await basic.register(endUserPlatformRoutes(deps));
      });
    },
    { prefix: '/api/platform' },
  );

  await app.register(
    async (admin) => {
      admin.addHook('onRequest', adminGuard(config.adminApiKey, authFailureLimit(deps)));
      await admin.register(projectRoutes(deps));
      await admin.register(planAdminRoutes(deps));
      await admin.register(webhookAdminRoutes(deps));
      await admin.register(paymentAdminRoutes(deps));
      await admin.register(accountAdminRoutes(deps));
      await admin.register(brandingAdminRoutes(deps));
      await admin.register(emailAdminRoutes(deps));
    },
    { prefix: '/api/admin' },
  );

  await app.register(midtransWebhookRoutes(deps));
  // Shared by every app's pages: the hosted fonts and project logos (same origin, cached).
  registerFontRoutes(app);
  await app.register(logoRoutes(deps));
  await app.register(dashboardPlugin(deps), { prefix: DASHBOARD_PREFIX });
  await app.register(portalPlugin(deps), { prefix: PORTAL_PREFIX });

  if (options.demo) await app.register(demoRoutes(deps, options.demo));

  return app;
}
