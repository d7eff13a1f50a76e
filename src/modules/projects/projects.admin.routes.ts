import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Deps } from '../../deps.ts';
import { emptyBodyAsObject } from '../../http/guards.ts';
import { errorResponses } from '../../lib/schema.ts';
import {
  CreateProjectBody,
  ProjectListResponse,
  ProjectParams,
  ProjectResponse,
  ProjectWithSecretResponse,
  RotateClientSecretBody,
  UpdateProjectBody,
} from './projects.schemas.ts';
import * as service from './projects.service.ts';

const tags = ['Admin: projects'];
const security = [{ adminKey: [] }];

/** Admin API for projects; mounted under /api/admin behind the admin key guard. */
export function projectRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/projects',
      {
        schema: {
          tags,
          security,
          summary: 'Create a project',
          description:
            'Registers an integrator project. The response carries `client_secret` this once; Langgan stores only its SHA-256 hash. `redirect_uris` is the allowlist of places the portal may send users back to. Theme colours below WCAG AA contrast are reported in `warnings` (the portal shows readable ones instead).',
          body: CreateProjectBody,
          response: { 201: ProjectWithSecretResponse, ...errorResponses(400, 401, 413, 415, 429) },
        },
      },
      async (request, reply) => {
        const { project, clientSecret } = await service.createProject(deps.db, request.body, deps.clock.now());
        return reply.status(201).send({ ...service.toProjectResponse(project), ...service.themeWarnings(project), client_secret: clientSecret });
      },
    );

    app.get(
      '/projects',
      {
        schema: {
          tags,
          security,
          summary: 'List projects',
          description: 'Every project on this Langgan instance, oldest first.',
          response: { 200: ProjectListResponse, ...errorResponses(401, 429) },
        },
      },
      async () => ({ data: (await service.listProjects(deps.db)).map(service.toProjectResponse) }),
    );

    app.get(
      '/projects/:id',
      {
        schema: {
          tags,
          security,
          summary: 'Get a project',
          description: 'One project by id. The client secret is never returned.',
          params: ProjectParams,
          response: { 200: Type.Ref(ProjectResponse), ...errorResponses(400, 401, 404, 429) },
        },
      },
      async (request) => service.toProjectResponse(await service.getProject(deps.db, request.params.id)),
    );

    app.patch(
      '/projects/:id',
      {
        schema: {
          tags,
          security,
          summary: 'Update a project',
          description:
            'Changes name, redirect URIs, theme, default locale, grace period or development mode. Only the fields sent change. When theme colours fall below WCAG AA contrast, the answer carries `warnings` naming them and the colours the portal shows instead.',
          params: ProjectParams,
          body: UpdateProjectBody,
          response: { 200: Type.Ref(ProjectResponse), ...errorResponses(400, 401, 404, 413, 415, 429) },
        },
      },
      async (request) => {
        const project = await service.updateProject(deps.db, request.params.id, request.body, deps.clock.now());
        return { ...service.toProjectResponse(project), ...service.themeWarnings(project) };
      },
    );

    app.post(
      '/projects/:id/rotate-secret',
      {
        preValidation: emptyBodyAsObject,
        schema: {
          tags,
          security,
          summary: 'Rotate the client secret',
          description:
            'Issues a new client secret, shown once. By default the old secret stops working immediately; with `previous_secret_expires_in` (seconds, at most 86400) it keeps working alongside the new one until `previous_secret_expires_at` in the answer, so you can deploy the new secret first. Rotating again drops any earlier previous secret at once. The body is optional.',
          params: ProjectParams,
          body: RotateClientSecretBody,
          response: { 200: ProjectWithSecretResponse, ...errorResponses(400, 401, 404, 413, 415, 429) },
        },
      },
      async (request) => {
        const { project, clientSecret } = await service.rotateClientSecret(deps.db, request.params.id, request.body, deps.clock.now());
        deps.credentials.invalidate(project.client_id);
        return { ...service.toProjectResponse(project), client_secret: clientSecret };
      },
    );
  };
}
