import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Deps } from '../../deps.ts';
import { errorResponses } from '../../lib/schema.ts';
import { AppError } from '../../lib/errors.ts';
import { getProject } from '../projects/projects.service.ts';
import { ProjectParams } from '../projects/projects.schemas.ts';
import { findLogo, uploadLogo } from './branding.service.ts';
import { LOGO_MAX_BYTES, LOGO_MAX_SIDE } from './logo-image.ts';

const LogoParams = Type.Object({ id: Type.String({ pattern: '^[0-9a-f]{64}$', errorMessage: 'must be a logo id (64 hex digits)' }) }, { additionalProperties: false });

const LogoResponse = Type.Object(
  {
    logo: Type.String({ description: 'Set this as `theme_config.logo` (PATCH the project) to show it.' }),
    content_type: Type.String({ examples: ['image/png'] }),
    width: Type.Integer(),
    height: Type.Integer(),
    url: Type.String({ description: 'Where Langgan serves it (same origin as the portal).' }),
  },
  {
    additionalProperties: false,
    examples: [
      {
        logo: '3f5a0c9e1b7d2468ace013579bdf2468ace013579bdf2468ace013579bdf2468',
        content_type: 'image/png',
        width: 240,
        height: 64,
        url: '/logos/3f5a0c9e1b7d2468ace013579bdf2468ace013579bdf2468ace013579bdf2468',
      },
    ],
  },
);

/**
 * GET /logos/:id — a logo, public like any image on a page: served from our origin with
 * its exact content type, `nosniff`, no script context (`default-src 'none'`), and cached
 * for a year (the id is the SHA-256 of the bytes, so it never changes).
 */
export function logoRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/logos/:id', { schema: { params: LogoParams, hide: true } }, async (request, reply) => {
      const logo = await findLogo(deps.db, request.params.id);
      if (!logo) throw new AppError('not_found', 'No such logo');
      return reply
        .header('content-type', logo.content_type)
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('cross-origin-resource-policy', 'same-origin')
        .header('cache-control', 'public, max-age=31536000, immutable')
        .send(logo.bytes);
    });
  };
}

/** PUT /api/admin/projects/:id/logo — the image's bytes as the body; mounted behind the admin key. */
export function brandingAdminRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    // The declared type only routes the body here; what the bytes are is decided by them.
    // Up to 4× the logo limit is read, so a too-large image gets checkLogo's sentence naming the limit.
    app.addContentTypeParser(['image/png', 'image/jpeg', 'image/webp', 'application/octet-stream'], { parseAs: 'buffer', bodyLimit: 4 * LOGO_MAX_BYTES }, (_request, body, done) =>
      done(null, body),
    );
    app.put(
      '/projects/:id/logo',
      {
        schema: {
          tags: ['Admin: projects'],
          security: [{ adminKey: [] }],
          summary: 'Upload a logo',
          description:
            `The body is the image itself (Content-Type image/png, image/jpeg, image/webp or application/octet-stream): a PNG, JPEG or WebP ` +
            `of at most ${LOGO_MAX_BYTES / 1024} KB and ${LOGO_MAX_SIDE} pixels a side, recognised by its content (SVG is refused). ` +
            'Answers its id; set `theme_config.logo` to that id to show it on the portal and the hosted login page.',
          params: ProjectParams,
          response: { 201: LogoResponse, ...errorResponses(400, 401, 404, 413, 415, 429) },
        },
      },
      async (request, reply) => {
        const project = await getProject(deps.db, request.params.id);
        if (!Buffer.isBuffer(request.body)) throw new AppError('unsupported_media_type', 'Send the image bytes as the body (Content-Type image/png, image/jpeg or image/webp)');
        const logo = await uploadLogo(deps.db, project.id, request.body, deps.clock.now());
        return reply.code(201).send({ logo: logo.id, content_type: logo.contentType, width: logo.width, height: logo.height, url: `/logos/${logo.id}` });
      },
    );
  };
}
