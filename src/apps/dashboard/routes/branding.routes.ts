import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../../deps.ts';
import type { Project, ThemeConfig } from '../../../db/types.ts';
import { AppError } from '../../../lib/errors.ts';
import { StringEnum } from '../../../lib/schema.ts';
import { recordAudit } from '../../../modules/audit/audit.repository.ts';
import { can } from '../../../modules/accounts/roles.ts';
import { publishThemeDraft, saveThemeDraft, uploadLogo } from '../../../modules/branding/branding.service.ts';
import { LOGO_MAX_BYTES } from '../../../modules/branding/logo-image.ts';
import { listPlans } from '../../../modules/plans/plans.service.ts';
import { themeStyle } from '../../../theme/css.ts';
import { themeAdjustments } from '../../../theme/resolve.ts';
import { buildCsp } from '../../../web/csp.ts';
import { sendHtml } from '../../../web/page.ts';
import { newActionId } from '../../../web/once.ts';
import { PREVIEW_PAGES, renderPreviewPage } from '../../portal/preview.ts';
import { BrandingFields, brandingErrors, formOfTheme, themeOfFields, validPartOf, type BrandingFieldValues } from '../http/branding-form.ts';
import { chromeFor, DASHBOARD_CSP_WITH_PREVIEW, sendPage } from '../http/pages.ts';
import { loadProject, projectAccess, requireCapability } from '../http/project-access.ts';
import { dashboardContext, once, requireCsrfToken, requireSameOrigin, requireSignedIn, type DashboardContext } from '../http/session.ts';
import { brandingPage, contrastSentences, PREVIEW_WIDTHS, type BrandingView } from '../views/branding.view.ts';

const ProjectParams = Type.Object({ projectId: Type.String({ maxLength: 80 }) }, { additionalProperties: false });
const FormSecrets = { csrf: Type.String({ maxLength: 200 }), action_id: Type.String({ maxLength: 64 }) };
const PreviewSettings = {
  page: Type.Optional(StringEnum(PREVIEW_PAGES)),
  mode: Type.Optional(StringEnum(['light', 'dark'] as const)),
};
const PageQuery = Type.Object(
  { ...PreviewSettings, width: Type.Optional(StringEnum(PREVIEW_WIDTHS)), done: Type.Optional(Type.String({ maxLength: 20 })) },
  { additionalProperties: false },
);
const PreviewQuery = Type.Object({ ...PreviewSettings, ...BrandingFields }, { additionalProperties: false });
const ContrastQuery = Type.Object(BrandingFields, { additionalProperties: false });
const EditBody = Type.Object(
  { ...FormSecrets, ...BrandingFields, intent: StringEnum(['preview', 'publish', 'discard', 'reset'] as const) },
  { additionalProperties: false },
);
const SecretsBody = Type.Object(FormSecrets, { additionalProperties: false });
const LogoBody = Type.Object({ ...FormSecrets, logo: Type.Unsafe<Buffer | string>({}) }, { additionalProperties: false });

/** What the editor starts from: the draft, else what is published. */
function editedTheme(p: Project): ThemeConfig {
  return p.theme_draft ?? p.theme_config ?? {};
}

/**
 * The branding editor: the form (a draft until published), the logo, and a same-origin
 * preview frame in which the portal renders its real pages with the draft theme.
 */
export function brandingRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  const signedIn = requireSignedIn(deps);
  const project = loadProject(deps);
  const sameOrigin = requireSameOrigin(deps.config.publicUrl);
  const manage = requireCapability('manage_settings');
  const postGuards = { onRequest: sameOrigin, preHandler: [signedIn, requireCsrfToken, project, manage] };
  const url = (p: Project, done?: string) => `/dashboard/projects/${encodeURIComponent(p.id)}/branding${done ? `?done=${done}` : ''}`;

  function render(
    request: FastifyRequest,
    reply: FastifyReply,
    ctx: DashboardContext,
    p: Project,
    o: { theme: ThemeConfig; errors?: Record<string, string>; done?: string; logoError?: string; preview?: Partial<BrandingView['preview']>; editable: boolean },
    status = 200,
  ): FastifyReply {
    const chrome = chromeFor(request, ctx, { id: p.id, name: p.name, section: 'branding' });
    const page = brandingPage(chrome, {
      projectId: p.id,
      form: formOfTheme(o.theme),
      errors: o.errors ?? {},
      adjustments: themeAdjustments(validPartOf(o.theme, editedTheme(p))),
      hasDraft: p.theme_draft !== null,
      editable: o.editable,
      csrf: ctx.csrf,
      actionId: newActionId,
      done: o.done,
      logoError: o.logoError,
      preview: { page: o.preview?.page ?? 'overview', mode: o.preview?.mode ?? 'light', width: o.preview?.width ?? 'desktop' },
    });
    return sendPage(reply, page, status, DASHBOARD_CSP_WITH_PREVIEW);
  }

  return async (app) => {
    app.get('/projects/:projectId/branding', { preHandler: [signedIn, project], schema: { params: ProjectParams, querystring: PageQuery, hide: true } }, async (request, reply) => {
      const ctx = dashboardContext(request);
      const { project: p, role } = projectAccess(request);
      const q = request.query;
      return render(request, reply, ctx, p, { theme: editedTheme(p), done: q.done, preview: q, editable: can(role, 'manage_settings') });
    });

    // The portal's own pages with the edited theme: the draft, or (from the editor's script)
    // the fields as they are being typed, whatever of them is valid.
    app.get('/projects/:projectId/branding/preview', { preHandler: [signedIn, project], schema: { params: ProjectParams, querystring: PreviewQuery, hide: true } }, async (request, reply) => {
      const ctx = dashboardContext(request);
      const { project: p } = projectAccess(request);
      const { page = 'overview', mode = 'light', ...fields } = request.query;
      const base = editedTheme(p);
      const theme = Object.keys(fields).length ? validPartOf(themeOfFields(fields as BrandingFieldValues, base), base) : base;
      const style = themeStyle(theme, { mode });
      const plans = await listPlans(deps.db, p.id, false);
      const body = renderPreviewPage({ page, theme: style, locale: ctx.locale, projectName: p.name, timeZone: p.time_zone, plans, now: ctx.now });
      reply.header('x-frame-options', 'SAMEORIGIN');
      return sendHtml(reply, 200, body, buildCsp({ styleHashes: [style.cspHash], framedBySelf: true }));
    });

    app.get('/projects/:projectId/branding/contrast', { preHandler: [signedIn, project], schema: { params: ProjectParams, querystring: ContrastQuery, hide: true } }, async (request) => {
      const ctx = dashboardContext(request);
      const { project: p } = projectAccess(request);
      const base = editedTheme(p);
      const theme = themeOfFields(request.query as BrandingFieldValues, base);
      const sentences = contrastSentences(ctx.t, themeAdjustments(validPartOf(theme, base)));
      return { ok: sentences.length === 0, title: ctx.t.branding.contrastTitle, lead: sentences.length ? ctx.t.branding.contrastLead : ctx.t.branding.contrastOk, items: sentences, errors: brandingErrors(theme) };
    });

    app.post('/projects/:projectId/branding', { ...postGuards, schema: { params: ProjectParams, body: EditBody, hide: true } }, async (request, reply) => {
      const ctx = dashboardContext(request);
      const { project: p } = projectAccess(request);
      const { intent, csrf: _csrf, action_id, ...fields } = request.body;
      const base = editedTheme(p);
      const audit = (action: string, data?: Record<string, unknown>) =>
        recordAudit(deps.db, { actorUserId: ctx.user.id, projectId: p.id, action, subjectId: p.id, ip: request.ip, ...(data && { data }), now: ctx.now });

      let theme: ThemeConfig | null = null;
      if (intent === 'preview' || intent === 'publish') {
        theme = themeOfFields(fields as BrandingFieldValues, base);
        const errors = brandingErrors(theme);
        if (Object.keys(errors).length) return render(request, reply, ctx, p, { theme, errors, editable: true }, 400);
      }
      const location = await once(
        deps,
        ctx,
        action_id,
        async () => {
          switch (intent) {
            case 'discard':
              await saveThemeDraft(deps.db, p.id, null, ctx.now);
              await audit('branding.draft_discarded');
              return url(p, 'discarded');
            case 'reset':
              await saveThemeDraft(deps.db, p.id, {}, ctx.now);
              await audit('branding.draft_reset');
              return url(p, 'reset');
            case 'preview':
              await saveThemeDraft(deps.db, p.id, theme, ctx.now);
              return url(p, 'saved');
            case 'publish': {
              await saveThemeDraft(deps.db, p.id, theme, ctx.now);
              const published = await publishThemeDraft(deps.db, p.id, ctx.now);
              if (!published) return url(p, 'nothing');
              await audit('branding.published', { changes: { theme_config: { old: p.theme_config, new: theme } } });
              return url(p, 'published');
            }
          }
        },
        async () => url(p),
      );
      return reply.code(303).header('location', location).send();
    });

    app.post('/projects/:projectId/branding/logo/remove', { ...postGuards, schema: { params: ProjectParams, body: SecretsBody, hide: true } }, async (request, reply) => {
      const ctx = dashboardContext(request);
      const { project: p } = projectAccess(request);
      const location = await once(
        deps,
        ctx,
        request.body.action_id,
        async () => {
          const { logo: _logo, ...rest } = editedTheme(p);
          await saveThemeDraft(deps.db, p.id, rest, ctx.now);
          return url(p, 'logo_removed');
        },
        async () => url(p),
      );
      return reply.code(303).header('location', location).send();
    });

    // The upload is the only multipart form: the parser lives in this scope alone.
    await app.register(async (upload) => {
      await upload.register(multipart, {
        attachFieldsToBody: 'keyValues',
        limits: { fileSize: LOGO_MAX_BYTES, files: 1, fields: 4, parts: 5, fieldSize: 1024 },
      });
      upload.withTypeProvider<TypeBoxTypeProvider>().post('/projects/:projectId/branding/logo', { ...postGuards, schema: { params: ProjectParams, body: LogoBody, hide: true } }, async (request, reply) => {
        const ctx = dashboardContext(request);
        const { project: p, role } = projectAccess(request);
        const file = request.body.logo;
        try {
          if (!Buffer.isBuffer(file)) throw new AppError('invalid_logo', ctx.t.branding.logoHelp);
          const logo = await uploadLogo(deps.db, p.id, file, ctx.now);
          const location = await once(
            deps,
            ctx,
            request.body.action_id,
            async () => {
              await saveThemeDraft(deps.db, p.id, { ...editedTheme(p), logo: logo.id }, ctx.now);
              await recordAudit(deps.db, { actorUserId: ctx.user.id, projectId: p.id, action: 'branding.logo_uploaded', subjectId: p.id, ip: request.ip, data: { logo: logo.id, content_type: logo.contentType }, now: ctx.now });
              return url(p, 'logo');
            },
            async () => url(p),
          );
          return reply.code(303).header('location', location).send();
        } catch (error) {
          if (!(error instanceof AppError) || error.code !== 'invalid_logo') throw error;
          return render(request, reply, ctx, p, { theme: editedTheme(p), logoError: error.message, editable: can(role, 'manage_settings') }, 400);
        }
      });
    });
  };
}
