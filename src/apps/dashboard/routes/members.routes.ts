import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../../deps.ts';
import { AppError } from '../../../lib/errors.ts';
import { findUserByEmail, listMembers } from '../../../modules/accounts/accounts.repository.ts';
import { removeMember, setMemberRole } from '../../../modules/accounts/members.ts';
import { can, isRole } from '../../../modules/accounts/roles.ts';
import { createUser, INVITATION_TTL_MS, invite } from '../../../modules/accounts/users.ts';
import { deliverSoon } from '../../../modules/email/deliver-emails.ts';
import { queueMemberInvitation } from '../../../modules/email/member-invitation-email.ts';
import { newActionId } from '../../../web/once.ts';
import { chromeFor, sendPage } from '../http/pages.ts';
import { loadProject, projectAccess, requireCapability } from '../http/project-access.ts';
import { dashboardContext, once, requireCsrfToken, requireSameOrigin, requireSignedIn } from '../http/session.ts';
import { membersPage } from '../views/members.view.ts';

const ProjectParams = Type.Object({ projectId: Type.String({ maxLength: 80 }) }, { additionalProperties: false });
const MemberParams = Type.Object({ projectId: Type.String({ maxLength: 80 }), userId: Type.String({ maxLength: 80 }) }, { additionalProperties: false });
const FormSecrets = { csrf: Type.String({ maxLength: 200 }), action_id: Type.String({ maxLength: 64 }) };
const RoleBody = Type.Object({ ...FormSecrets, role: Type.String({ maxLength: 20 }) }, { additionalProperties: false });
const RemoveBody = Type.Object(FormSecrets, { additionalProperties: false });
const InviteBody = Type.Object(
  { ...FormSecrets, email: Type.String({ maxLength: 254 }), name: Type.String({ maxLength: 100 }), role: Type.String({ maxLength: 20 }) },
  { additionalProperties: false },
);

/** Members of a project: everyone reads the list; owners invite, change roles and remove. */
export function memberRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  const signedIn = requireSignedIn(deps);
  const project = loadProject(deps);
  const sameOrigin = requireSameOrigin(deps.config.publicUrl);
  const manage = [signedIn, requireCsrfToken, project, requireCapability('manage_members')];

  async function render(request: FastifyRequest, reply: FastifyReply, extra: { invitation?: { email: string; url: string; emailed: boolean }; problem?: string; status?: number } = {}) {
    const ctx = dashboardContext(request);
    const { project: p, role } = projectAccess(request);
    const members = (await listMembers(deps.db, p.id)).map((m) => ({ ...m, invited: m.password_hash === null }));
    const chrome = chromeFor(request, ctx, { id: p.id, name: p.name, section: 'members' });
    const page = membersPage(chrome, { projectId: p.id, members, me: ctx.user.id, canManage: can(role, 'manage_members'), mailOn: Boolean(deps.mail), csrf: ctx.csrf, actionId: newActionId, ...extra });
    return sendPage(reply, page, extra.status ?? 200);
  }

  /** Runs a member change once; a refused change (last owner…) is shown on the page. */
  async function act(request: FastifyRequest, reply: FastifyReply, actionId: string, run: () => Promise<void>) {
    const ctx = dashboardContext(request);
    const url = `/dashboard/projects/${encodeURIComponent(projectAccess(request).project.id)}/members`;
    try {
      const location = await once(deps, ctx, actionId, async () => (await run(), url), async () => url);
      return reply.code(303).header('location', location).send();
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500 || err.code === 'forbidden') throw err;
      return render(request, reply, { problem: err.message, status: err.status });
    }
  }

  return async (app) => {
    app.get('/projects/:projectId/members', { preHandler: [signedIn, project], schema: { params: ProjectParams, hide: true } }, (request, reply) => render(request, reply));

    app.post('/projects/:projectId/members/:userId/role', { onRequest: sameOrigin, preHandler: manage, schema: { params: MemberParams, body: RoleBody, hide: true } }, async (request, reply) => {
      const role = request.body.role;
      if (!isRole(role)) throw new AppError('invalid_request', 'role must be owner, admin, finance or viewer');
      return act(request, reply, request.body.action_id, async () => {
        await setMemberRole(deps, { projectId: projectAccess(request).project.id, userId: request.params.userId, role, actorUserId: dashboardContext(request).user.id });
      });
    });

    app.post('/projects/:projectId/members/:userId/remove', { onRequest: sameOrigin, preHandler: manage, schema: { params: MemberParams, body: RemoveBody, hide: true } }, async (request, reply) =>
      act(request, reply, request.body.action_id, async () => {
        await removeMember(deps, { projectId: projectAccess(request).project.id, userId: request.params.userId, actorUserId: dashboardContext(request).user.id });
      }),
    );

    app.post('/projects/:projectId/members/invite', { onRequest: sameOrigin, preHandler: manage, schema: { params: ProjectParams, body: InviteBody, hide: true } }, async (request, reply) => {
      const ctx = dashboardContext(request);
      const { project: p } = projectAccess(request);
      const { email, name, role } = request.body;
      if (!isRole(role)) throw new AppError('invalid_request', 'role must be owner, admin, finance or viewer');
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim()) || !name.trim()) {
        return render(request, reply, { problem: 'Enter the email address and the name of the person to invite.', status: 400 });
      }
      let invitation: { email: string; url: string; emailed: boolean } | undefined;
      const url = `/dashboard/projects/${encodeURIComponent(p.id)}/members`;
      const location = await once(
        deps,
        ctx,
        request.body.action_id,
        async () => {
          const existing = await findUserByEmail(deps.db, email);
          const created = existing ? undefined : await createUser(deps, { email, name, createdBy: ctx.user.id });
          const user = existing ?? created!.user;
          await setMemberRole(deps, { projectId: p.id, userId: user.id, role, actorUserId: ctx.user.id });
          // A new person gets their link; someone invited before who never set a password gets
          // a fresh one; a known user just gains the project.
          const link = created?.invitationUrl ?? (user.password_hash ? null : await invite(deps.db, deps, user.id, ctx.user.id, ctx.now));
          if (link) {
            // Emailed too when this instance sends email; the page shows the link either way.
            const emailed = await queueMemberInvitation(deps.db, deps, {
              project: { id: p.id, name: p.name, timeZone: p.time_zone },
              inviterName: ctx.user.name,
              invitee: { name: user.name, email: user.email },
              role,
              locale: ctx.locale,
              link: { url: link, until: new Date(ctx.now.getTime() + INVITATION_TTL_MS) },
              now: ctx.now,
            });
            invitation = { email: user.email, url: link, emailed };
          }
          return url;
        },
        async () => url,
      );
      // The link is shown in this response only (never in a URL).
      if (!invitation) return reply.code(303).header('location', location).send();
      if (invitation.emailed) deliverSoon(deps);
      return render(request, reply, { invitation });
    });
  };
}
