import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';

/**
 * OpenAPI 3.1 generated from the route schemas (the single source of truth), served at
 * /openapi.json, and an interactive reference with "Try it out" at /docs whose assets
 * come from our own origin (swagger-ui-dist inside node_modules; nothing from a CDN).
 */
export async function registerOpenApi(app: FastifyInstance, config: Config): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Langgan API',
        version: '0.1.0',
        description:
          'Self-hosted subscription billing with a hosted customer portal. Integrator backends call the Platform endpoints with client credentials; operators manage projects and plans through the Admin endpoints.',
      },
      servers: [{ url: config.publicUrl }],
      tags: [
        { name: 'Platform', description: 'Called by integrator backends with client credentials. Never from a browser.' },
        { name: 'Admin: projects', description: 'Operator API (Authorization: Bearer ADMIN_API_KEY).' },
        { name: 'Admin: plans', description: 'Operator API (Authorization: Bearer ADMIN_API_KEY).' },
        { name: 'Admin: webhooks', description: 'Webhook endpoints, signing secrets and the delivery log (Authorization: Bearer ADMIN_API_KEY).' },
        { name: 'Webhooks', description: 'Called by Midtrans; verified by signature and the status API.' },
        { name: 'Operations', description: 'Health and readiness probes.' },
      ],
      components: {
        securitySchemes: {
          adminKey: { type: 'http', scheme: 'bearer', description: 'ADMIN_API_KEY' },
          clientBasic: { type: 'http', scheme: 'basic', description: 'client_id as user name, client_secret as password' },
        },
      },
    },
    refResolver: {
      // Shared schemas keep their $id as the component name (Project, Plan, ErrorResponse).
      buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`),
    },
  });

  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // Strict, self-only policy (the plugin's default allows any https: style and font).
    staticCSP: true,
    transformStaticCSP: () =>
      [
        "default-src 'self'",
        "base-uri 'self'",
        `connect-src 'self' ${new URL(config.publicUrl).origin}`,
        "font-src 'self' data:",
        "img-src 'self' data:",
        "object-src 'none'",
        "script-src 'self'",
        // Swagger UI (React) sets style attributes at run time.
        "style-src 'self' 'unsafe-inline'",
        "frame-ancestors 'none'",
        "form-action 'self'",
      ].join('; '),
    uiConfig: { tryItOutEnabled: true, deepLinking: true, displayRequestDuration: true, persistAuthorization: false },
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
