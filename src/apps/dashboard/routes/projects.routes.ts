import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Deps } from '../../../deps.ts';
import type { Project } from '../../../db/types.ts';
import { fieldErrors } from '../../../http/validation.ts';
import { AppError } from '../../../lib/errors.ts';
import { StringEnum } from '../../../lib/schema.ts';
import { DEFAULT_TIME_ZONE } from '../../../lib/time-zones.ts';
import { listProjectsOfUser } from '../../../modules/accounts/accounts.repository.ts';
import { can } from '../../../modules/accounts/roles.ts';
import { recordAudit } from '../../../modules/audit/audit.repository.ts';
import { createOwnedProject } from '../../../modules/accounts/create-owned-project.ts';
import { isSlugTaken, listProjects } from '../../../modules/projects/projects.repository.ts';
import { CreateProjectBody, EMAIL_TYPES, UpdateProjectBody } from '../../../modules/projects/projects.schemas.ts';
import { rotateClientSecret, updateProject } from '../../../modules/projects/projects.service.ts';
import { newActionId } from '../../../web/once.ts';
import { chromeFor, sendPage } from '../http/pages.ts';
import { loadProject, projectAccess, requireCapability } from '../http/project-access.ts';
import { dashboardContext, once, requireCsrfToken, requireSameOrigin, requireSignedIn } from '../http/session.ts';
import { keysPage } from '../views/keys.view.ts';
import { getBusinessOverview } from '../../../modules/insights/business-overview.ts';
import { projectOverviewPage } from '../views/overview.view.ts';
import { newProjectPage, projectsPage, settingsPage, type SettingsForm } from '../views/projects.view.ts';

const ProjectParams = Type.Object({ projectId: Type.String({ maxLength: 80 }) }, { additionalProperties: false });
const SavedQuery = Type.Object({ saved: Type.Optional(Type.String({ maxLength: 5 })) }, { additionalProperties: false });
const FormSecrets = { csrf: Type.String({ maxLength: 200 }), action_id: Type.String({ maxLength: 64 }) };
const SettingsBody = Type.Object(
  {
    ...FormSecrets,
    name: Type.String({ maxLength: 1000 }),
    default_locale: Type.String({ maxLength: 10 }),
    // Optional so a form from before the setting existed still saves the rest.
    time_zone: Type.Optional(Type.String({ maxLength: 100 })),
    redirect_uris: Type.String({ maxLength: 50_000 }),
    grace_period_days: Type.String({ maxLength: 10 }),
    development_mode: Type.Optional(Type.Literal('on')),
    // Optional, like time_zone: a form from before email settings existed saves the rest.
    email_sender_name: Type.Optional(Type.String({ maxLength: 1000 })),
    email_reply_to: Type.Optional(Type.String({ maxLength: 1000 })),
    // Checkboxes: one value, several, or none at all (all off) — hence `email_settings`,
    // which says the email fields were on the form.
    email_types: Type.Optional(Type.Union([Type.String({ maxLength: 50 }), Type.Array(Type.String({ maxLength: 50 }), { maxItems: 20 })])),
    renewal_reminder_days: Type.Optional(Type.String({ maxLength: 10 })),
    email_settings: Type.Optional(Type.Literal('1')),
    // The hosted login page's fields, with `login_settings` saying they were on the form.
    slug: Type.Optional(Type.String({ maxLength: 1000 })),
    hosted_login_enabled: Type.Optional(Type.Literal('on')),
    login_settings: Type.Optional(Type.Literal('1')),
  },
  { additionalProperties: false },
);
const NewProjectBody = Type.Object(
  {
    ...FormSecrets,
    name: Type.String({ maxLength: 1000 }),
    redirect_uris: Type.String({ maxLength: 50_000 }),
    default_locale: Type.String({ maxLength: 10 }),
    time_zone: Type.String({ maxLength: 100 }),
  },
  { additionalProperties: false },
);
const RotateBody = Type.Object(
  // The choices the form offers; absent (a form without them) is "now", as in the admin API.
  { ...FormSecrets, previous_secret_expires_in: Type.Optional(StringEnum(['0', '3600', '86400'] as const)) },
  { additionalProperties: false },
);

function formOf(p: Project): SettingsForm {
  return {
    name: p.name,
    default_locale: p.default_locale,
    time_zone: p.time_zone,
    redirect_uris: p.redirect_uris.join('\n'),
    grace_period_days: String(p.grace_period_days),
    development_mode: p.development_mode,
    email_sender_name: p.email_sender_name ?? '',
    email_reply_to: p.email_reply_to ?? '',
    email_types: EMAIL_TYPES.filter((type) => !p.email_disabled_types.includes(type)),
    renewal_reminder_days: String(p.renewal_reminder_days),
    slug: p.slug,
    hosted_login_enabled: p.hosted_login_enabled,
  };
}

/** The hosted login part of the settings form as the admin API's fields (only when the form had it). */
function loginFields(f: { slug?: string; hosted_login_enabled?: 'on'; login_settings?: '1' }) {
  if (f.login_settings !== '1') return {};
  return { ...(f.slug !== undefined && { slug: f.slug.trim().toLowerCase() }), hosted_login_enabled: f.hosted_login_enabled === 'on' };
}

/** A number field's text as the number it says, or as typed (so the schema names what is wrong with it). */
function wholeNumber(text: string): number | string {
  return /^\d{1,4}$/.test(text.trim()) ? Number(text.trim()) : text;
}

/** The email part of the settings form as the admin API's fields (only when the form had it). */
function emailFields(f: { email_sender_name?: string; email_reply_to?: string; email_types?: string | string[]; renewal_reminder_days?: string; email_settings?: '1' }) {
  if (f.email_settings !== '1') return {};
  const on = new Set(f.email_types === undefined ? [] : [f.email_types].flat());
  return {
    email_sender_name: f.email_sender_name?.trim() || null,
    email_reply_to: f.email_reply_to?.trim() || null,
    email_disabled_types: EMAIL_TYPES.filter((type) => !on.has(type)),
    ...(f.renewal_reminder_days !== undefined && { renewal_reminder_days: wholeNumber(f.renewal_reminder_days) }),
  };
}

/** Projects: the list, one project's overview, its settings and its API keys. */
export function projectRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  const signedIn = requireSignedIn(deps);
  const project = loadProject(deps);
  const sameOrigin = requireSameOrigin(deps.config.publicUrl);
  return async (app) => {
    app.get('/', { preHandler: signedIn, schema: { hide: true } }, async (request, reply) => {
      const ctx = dashboardContext(request);
      const projects = ctx.user.instance_admin
        ? (await listProjects(deps.db)).map((p) => ({ id: p.id, name: p.name, role: 'owner' as const }))
        : await listProjectsOfUser(deps.db, ctx.user.id);
      return sendPage(reply, projectsPage(chromeFor(request, ctx), projects, ctx.user.instance_admin));
    });

    app.get('/projects/new', { preHandler: [signedIn, instanceAdmin], schema: { hide: true } }, async (request, reply) => {
      const ctx = dashboardContext(request);
      const form = { name: '', redirect_uris: '', default_locale: ctx.locale, time_zone: DEFAULT_TIME_ZONE };
      return sendPage(reply, newProjectPage(chromeFor(request, ctx), { form, errors: {}, csrf: ctx.csrf, actionId: newActionId() }));
    });

    app.post(
      '/projects/new',
      { onRequest: sameOrigin, preHandler: [signedIn, requireCsrfToken, instanceAdmin], schema: { body: NewProjectBody, hide: true } },
      async (request, reply) => {
        const ctx = dashboardContext(request);
        const f = request.body;
        // The form's text, turned into the admin API's body and checked by the same schema.
        const body = { name: f.name.trim(), redirect_uris: lines(f.redirect_uris), default_locale: f.default_locale, time_zone: f.time_zone };
        const errors = fieldErrors(CreateProjectBody, body);
        if (Object.keys(errors).length) {
          return sendPage(reply, newProjectPage(chromeFor(request, ctx), { form: f, errors, csrf: ctx.csrf, actionId: newActionId() }), 400);
        }
        let created: { project: Project; clientSecret: string } | undefined;
        const location = await once(
          deps,
          ctx,
          f.action_id,
          async () => {
            created = await createOwnedProject(deps, body as CreateProjectBody, { userId: ctx.user.id, ip: request.ip });
            return keysPath(created.project.id);
          },
          async () => '/dashboard',
        );
        // Like a rotation: the first secret is shown in this answer only; a replay goes to the page.
        if (!created) return reply.code(303).header('location', location).send();
        const p = created.project;
        const chrome = chromeFor(request, ctx, { id: p.id, name: p.name, section: 'keys' });
        return sendPage(reply, keysPage(chrome, { project: p, now: ctx.now, canRotate: true, csrf: ctx.csrf, actionId: newActionId(), newSecret: created.clientSecret, created: true }));
      },
    );

    app.get('/projects/:projectId', { preHandler: [signedIn, project], schema: { params: ProjectParams, hide: true } }, async (request, reply) => {
      const ctx = dashboardContext(request);
      const { project: p, role } = projectAccess(request);
      const overview = await getBusinessOverview(deps.db, { projectId: p.id, timeZone: p.time_zone, now: ctx.now });
      return sendPage(reply, projectOverviewPage(chromeFor(request, ctx, { id: p.id, name: p.name, section: 'overview' }), { project: p, role, overview, now: ctx.now }));
    });

    app.get(
      '/projects/:projectId/settings',
      { preHandler: [signedIn, project], schema: { params: ProjectParams, querystring: SavedQuery, hide: true } },
      async (request, reply) => {
        const ctx = dashboardContext(request);
        const { project: p, role } = projectAccess(request);
        const chrome = chromeFor(request, ctx, { id: p.id, name: p.name, section: 'settings' });
        return sendPage(
          reply,
          settingsPage(chrome, { loginUrl: loginUrlOf(deps, p.slug), projectId: p.id, form: formOf(p), errors: {}, editable: can(role, 'manage_settings'), csrf: ctx.csrf, actionId: newActionId(), saved: request.query.saved === '1' }),
        );
      },
    );

    app.post(
      '/projects/:projectId/settings',
      {
        onRequest: sameOrigin,
        preHandler: [signedIn, requireCsrfToken, project, requireCapability('manage_settings')],
        schema: { params: ProjectParams, body: SettingsBody, hide: true },
      },
      async (request, reply) => {
        const ctx = dashboardContext(request);
        const { project: before } = projectAccess(request);
        const f = request.body;
        // The form's text, turned into the admin API's body and checked by the same schema.
        const login: { slug?: string; hosted_login_enabled?: boolean } = loginFields(f);
        const body = {
          name: f.name.trim(),
          default_locale: f.default_locale,
          ...(f.time_zone !== undefined && { time_zone: f.time_zone }),
          redirect_uris: lines(f.redirect_uris),
          grace_period_days: wholeNumber(f.grace_period_days),
          development_mode: f.development_mode === 'on',
          ...emailFields(f),
          ...login,
        };
        const errors = fieldErrors(UpdateProjectBody, body);
        if (!errors.slug && login.slug !== undefined && (await isSlugTaken(deps.db, login.slug, before.id))) errors.slug = chromeFor(request, ctx).t.slugTaken;
        if (Object.keys(errors).length) {
          const saved = formOf(before);
          const form = {
            ...f,
            time_zone: f.time_zone ?? before.time_zone,
            development_mode: f.development_mode === 'on',
            email_sender_name: f.email_sender_name ?? saved.email_sender_name,
            email_reply_to: f.email_reply_to ?? saved.email_reply_to,
            email_types: f.email_settings === '1' ? [f.email_types ?? []].flat() : saved.email_types,
            renewal_reminder_days: f.renewal_reminder_days ?? saved.renewal_reminder_days,
            slug: f.login_settings === '1' ? (f.slug ?? '') : saved.slug,
            hosted_login_enabled: f.login_settings === '1' ? f.hosted_login_enabled === 'on' : saved.hosted_login_enabled,
          };
          const chrome = chromeFor(request, ctx, { id: before.id, name: before.name, section: 'settings' });
          return sendPage(reply, settingsPage(chrome, { loginUrl: loginUrlOf(deps, before.slug), projectId: before.id, form, errors, editable: true, csrf: ctx.csrf, actionId: newActionId(), saved: false }), 400);
        }
        const location = await once(
          deps,
          ctx,
          f.action_id,
          async () => {
            const changes = diff(before, body);
            if (Object.keys(changes).length) {
              await updateProject(deps.db, before.id, body as UpdateProjectBody, ctx.now);
              await recordAudit(deps.db, { actorUserId: ctx.user.id, projectId: before.id, action: 'project.updated', subjectId: before.id, ip: request.ip, data: { changes }, now: ctx.now });
            }
            return `/dashboard/projects/${encodeURIComponent(before.id)}/settings?saved=1`;
          },
          async () => `/dashboard/projects/${encodeURIComponent(before.id)}/settings`,
        );
        return reply.code(303).header('location', location).send();
      },
    );

    app.get('/projects/:projectId/keys', { preHandler: [signedIn, project], schema: { params: ProjectParams, hide: true } }, async (request, reply) => {
      const ctx = dashboardContext(request);
      const { project: p, role } = projectAccess(request);
      const chrome = chromeFor(request, ctx, { id: p.id, name: p.name, section: 'keys' });
      return sendPage(reply, keysPage(chrome, { project: p, now: ctx.now, canRotate: can(role, 'manage_settings'), csrf: ctx.csrf, actionId: newActionId() }));
    });

    app.post(
      '/projects/:projectId/keys/rotate',
      {
        onRequest: sameOrigin,
        preHandler: [signedIn, requireCsrfToken, project, requireCapability('manage_settings')],
        schema: { params: ProjectParams, body: RotateBody, hide: true },
      },
      async (request, reply) => {
        const ctx = dashboardContext(request);
        const { project: p } = projectAccess(request);
        const keysUrl = keysPath(p.id);
        let shown: { project: Project; clientSecret: string } | undefined;
        const location = await once(
          deps,
          ctx,
          request.body.action_id,
          async () => {
            const graceSeconds = Number(request.body.previous_secret_expires_in ?? '0');
            shown = await rotateClientSecret(deps.db, p.id, { previous_secret_expires_in: graceSeconds }, ctx.now);
            deps.credentials.invalidate(p.client_id);
            const previousExpiresAt = shown.project.previous_secret_expires_at?.toISOString() ?? null;
            await recordAudit(deps.db, { actorUserId: ctx.user.id, projectId: p.id, action: 'project.secret_rotated', subjectId: p.id, ip: request.ip, data: { previous_secret_expires_at: previousExpiresAt }, now: ctx.now });
            return keysUrl;
          },
          async () => keysUrl,
        );
        // The secret is shown in this response only: never in a URL, never stored.
        if (!shown) return reply.code(303).header('location', location).send();
        const chrome = chromeFor(request, ctx, { id: p.id, name: p.name, section: 'keys' });
        return sendPage(reply, keysPage(chrome, { project: shown.project, now: ctx.now, canRotate: true, csrf: ctx.csrf, actionId: newActionId(), newSecret: shown.clientSecret }));
      },
    );
  };
}

/** Creating projects is for instance admins (checked here, on the server, for the page and the POST). */
async function instanceAdmin(request: FastifyRequest): Promise<void> {
  if (!dashboardContext(request).user.instance_admin) throw new AppError('forbidden', 'Only instance admins create projects');
}

/** A textarea's lines, trimmed, without the empty ones. */
function lines(text: string): string[] {
  return text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
}

function keysPath(projectId: string): string {
  return `/dashboard/projects/${encodeURIComponent(projectId)}/keys`;
}

/** old → new of each setting that changed, for the audit log. */
/** The hosted login page's address for a slug. */
function loginUrlOf(deps: Deps, slug: string): string {
  return `${deps.config.publicUrl}/portal/login?project=${encodeURIComponent(slug)}`;
}

function diff(before: Project, after: Record<string, unknown>): Record<string, { old: unknown; new: unknown }> {
  const current: Record<string, unknown> = formOfValues(before);
  const changes: Record<string, { old: unknown; new: unknown }> = {};
  for (const [key, value] of Object.entries(after)) {
    if (JSON.stringify(current[key]) !== JSON.stringify(value)) changes[key] = { old: current[key], new: value };
  }
  return changes;
}

function formOfValues(p: Project): Record<string, unknown> {
  return {
    name: p.name,
    default_locale: p.default_locale,
    time_zone: p.time_zone,
    redirect_uris: p.redirect_uris,
    grace_period_days: p.grace_period_days,
    renewal_reminder_days: p.renewal_reminder_days,
    development_mode: p.development_mode,
    email_sender_name: p.email_sender_name,
    email_reply_to: p.email_reply_to,
    email_disabled_types: p.email_disabled_types,
    slug: p.slug,
    hosted_login_enabled: p.hosted_login_enabled,
  };
}
