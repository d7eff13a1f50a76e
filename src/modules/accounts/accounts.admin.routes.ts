import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import { errorResponses } from '../../lib/schema.ts';
import { ProjectParams } from '../projects/projects.schemas.ts';
import { findUserByEmail } from './accounts.repository.ts';
import { CreateUserBody, MemberBody, MemberResponse, UserResponse } from './accounts.schemas.ts';
import { setMemberRole } from './members.ts';
import { createUser } from './users.ts';

const security = [{ adminKey: [] }];

/**
 * The operator's way to bring the first people in (there is no default account): create a
 * dashboard user, and give users roles in projects. Mounted under /api/admin.
 */
export function accountAdminRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/users',
      {
        schema: {
          tags: ['Admin: dashboard users'],
          security,
          summary: 'Create a dashboard user',
          description:
            'Creates a person who can sign in at /dashboard: with a password, or without one and with a single-use `invitation_url` (valid 72 hours) where they set it. Give them projects with `POST /api/admin/projects/{id}/members`.',
          body: CreateUserBody,
          response: { 201: UserResponse, ...errorResponses(400, 401, 409, 413, 415, 429) },
        },
      },
      async (request, reply) => {
        const b = request.body;
        const { user, invitationUrl } = await createUser(deps, { email: b.email, name: b.name, password: b.password, instanceAdmin: b.instance_admin, createdBy: null });
        return reply.status(201).send({
          id: user.id,
          email: user.email,
          name: user.name,
          instance_admin: user.instance_admin,
          two_factor_enabled: user.totp_enabled_at !== null,
          created_at: user.created_at.toISOString(),
          invitation_url: invitationUrl,
        });
      },
    );

    app.post(
      '/projects/:id/members',
      {
        schema: {
          tags: ['Admin: dashboard users'],
          security,
          summary: 'Give a user a role in a project',
          description:
            'Adds the user (by `user_id` or `email`) to the project with the role, or changes their role. The last owner of a project cannot be demoted (409).',
          params: ProjectParams,
          body: MemberBody,
          response: { 200: MemberResponse, ...errorResponses(400, 401, 404, 409, 413, 415, 429) },
        },
      },
      async (request) => {
        const { user_id, email, role } = request.body;
        if ((user_id === undefined) === (email === undefined)) throw new AppError('invalid_request', 'Send exactly one of user_id or email');
        const userId = user_id ?? (await findUserByEmail(deps.db, email!))?.id;
        if (!userId) throw new AppError('not_found', `No user with email ${email}; create it with POST /api/admin/users`);
        const m = await setMemberRole(deps, { projectId: request.params.id, userId, role, actorUserId: null });
        return { project_id: m.project_id, user_id: m.user_id, role: m.role, created_at: m.created_at.toISOString(), updated_at: m.updated_at.toISOString() };
      },
    );
  };
}
