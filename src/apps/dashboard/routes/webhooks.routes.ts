import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../../deps.ts';
import type { WebhookDeliveryStatus, WebhookEndpoint } from '../../../db/types.ts';
import { AppError } from '../../../lib/errors.ts';
import { fieldErrors } from '../../../http/validation.ts';
import { can } from '../../../modules/accounts/roles.ts';
import { recordAudit } from '../../../modules/audit/audit.repository.ts';
import { urlProblemKind } from '../../../modules/webhooks/address-policy.ts';
import { deliveryDetail, deliveryLog } from '../../../modules/webhooks/delivery-log.ts';
import { sendTestEvent } from '../../../modules/webhooks/send-test-event.ts';
import { CreateWebhookBody, UpdateWebhookBody } from '../../../modules/webhooks/webhooks.schemas.ts';
import { createEndpoint, deleteEndpoint, getEndpoint, listEndpoints, replayDelivery, rotateSecret, updateEndpoint } from '../../../modules/webhooks/webhooks.service.ts';
import { newActionId } from '../../../web/once.ts';
import { chromeFor, sendPage } from '../http/pages.ts';
import { loadProject, projectAccess, requireCapability } from '../http/project-access.ts';
import { dashboardContext, once, requireCsrfToken, requireSameOrigin, requireSignedIn } from '../http/session.ts';
import {
  allDeliveriesPage,
  deletePage,
  deliveryPage,
  deliveryPath,
  endpointFormPage,
  endpointPage,
  endpointsPage,
  type DeliveryLogView,
  type EndpointForm,
} from '../views/webhooks.view.ts';

const ProjectId = Type.String({ maxLength: 80 });
const EndpointId = Type.String({ pattern: '^ep_[A-Za-z0-9_-]{1,64}$' });
const ProjectParams = Type.Object({ projectId: ProjectId }, { additionalProperties: false });
const EndpointParams = Type.Object({ projectId: ProjectId, endpointId: EndpointId }, { additionalProperties: false });
const DeliveryParams = Type.Object(
  { projectId: ProjectId, endpointId: EndpointId, deliveryId: Type.String({ pattern: '^dlv_[A-Za-z0-9_-]{1,64}$' }) },
  { additionalProperties: false },
);
/** Filters are links people share and edit: extra parameters are tolerated, wrong values are 400s. */
const LogQuery = Type.Object({
  status: Type.Optional(Type.Union(['', 'pending', 'succeeded', 'failed'].map((s) => Type.Literal(s)))),
  before: Type.Optional(Type.String({ pattern: '^dlv_[A-Za-z0-9_-]{1,64}$' })),
  done: Type.Optional(Type.String({ maxLength: 20 })),
});
const FormSecrets = { csrf: Type.String({ maxLength: 200 }), action_id: Type.String({ maxLength: 64 }) };
const Plain = Type.Object(FormSecrets, { additionalProperties: false });
const EndpointFormBody = Type.Object(
  {
    ...FormSecrets,
    url: Type.String({ maxLength: 4000 }),
    description: Type.String({ maxLength: 1000 }),
    scope: Type.Union([Type.Literal('all'), Type.Literal('chosen')]),
    event_types: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Array(Type.String({ maxLength: 100 }), { maxItems: 50 })])),
  },
  { additionalProperties: false },
);
const RotateBody = Type.Object({ ...FormSecrets, previous_secret_expires_in: Type.Union(['0', '3600', '86400'].map((s) => Type.Literal(s))) }, { additionalProperties: false });

const PAGE_SIZE = 25;

/**
 * Webhook endpoints and their delivery log, through the admin API's own service and
 * schemas (modules/webhooks): list, create (the secret shown once, in the POST's answer),
 * edit, rotate, delete after a confirmation, send a test event, replay a delivery. Every
 * change is audited (who, from which address) in the change's own transaction.
 */
export function webhookRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  const signedIn = requireSignedIn(deps);
  const project = loadProject(deps);
  const sameOrigin = requireSameOrigin(deps.config.publicUrl);
  const edit = [signedIn, requireCsrfToken, project, requireCapability('manage_settings')];
  const production = deps.config.env === 'production';
  const base = (request: FastifyRequest) => `/dashboard/projects/${encodeURIComponent(projectAccess(request).project.id)}/webhooks`;
  const endpointUrl = (request: FastifyRequest, endpointId: string) => `${base(request)}/${encodeURIComponent(endpointId)}`;

  function chrome(request: FastifyRequest) {
    const ctx = dashboardContext(request);
    const { project: p } = projectAccess(request);
    return chromeFor(request, ctx, { id: p.id, name: p.name, section: 'webhooks' });
  }

  /** The dashboard audit entry of a webhook change, written in the change's transaction. */
  function audited(request: FastifyRequest, action: string, data: (e: WebhookEndpoint) => Record<string, unknown> = () => ({})) {
    const ctx = dashboardContext(request);
    return (trx: Deps['db'], e: WebhookEndpoint) =>
      recordAudit(trx, { actorUserId: ctx.user.id, projectId: e.project_id, action, subjectId: e.id, ip: request.ip, data: data(e), now: ctx.now });
  }

  function notices(request: FastifyRequest, done: string | undefined): string | undefined {
    const w = dashboardContext(request).t.webhooks;
    return ({ saved: w.savedNotice, deleted: w.deletedNotice, replayed: w.replayedNotice, test: w.testQueued } as Record<string, string>)[done ?? ''];
  }

  async function logView(request: FastifyRequest, path: string, endpointId: string | undefined, q: { status?: string | undefined; before?: string | undefined }): Promise<DeliveryLogView> {
    const status = (q.status || undefined) as WebhookDeliveryStatus | undefined;
    const { rows, hasMore } = await deliveryLog(deps.db, projectAccess(request).project.id, { endpointId, status, before: q.before, limit: PAGE_SIZE });
    const link = (before?: string) => {
      const params = new URLSearchParams();
      if (status) params.set('status', status);
      if (before) params.set('before', before);
      const query = params.toString();
      return query ? `${path}?${query}` : path;
    };
    return { rows, status, firstHref: link(), olderHref: hasMore ? link(rows.at(-1)!.id) : undefined, onFirst: !q.before, filterAction: path };
  }

  async function renderEndpoint(request: FastifyRequest, reply: FastifyReply, endpoint: WebhookEndpoint, extra: { notice?: string | undefined; newSecret?: { secret: string; created: boolean } } = {}, q = {}) {
    const ctx = dashboardContext(request);
    const { project: p, role } = projectAccess(request);
    const log = await logView(request, endpointUrl(request, endpoint.id), endpoint.id, q);
    return sendPage(
      reply,
      endpointPage(chrome(request), {
        project: p,
        endpoint,
        now: ctx.now,
        canEdit: can(role, 'manage_settings'),
        csrf: ctx.csrf,
        actionId: newActionId,
        log,
        ...(extra.notice && { notice: extra.notice }),
        ...(extra.newSecret && { newSecret: extra.newSecret }),
      }),
    );
  }

  function renderForm(request: FastifyRequest, reply: FastifyReply, v: { endpoint?: WebhookEndpoint; form: EndpointForm; errors: Record<string, string> }, status = 200) {
    const ctx = dashboardContext(request);
    return sendPage(reply, endpointFormPage(chrome(request), { project: projectAccess(request).project, ...v, production, csrf: ctx.csrf, actionId: newActionId() }), status);
  }

  /**
   * The form as the admin API's body, and what is wrong with it by field: the API's schema
   * first, then the address policy the service applies (the same function), in words of
   * the reader's language.
   */
  function readForm(request: FastifyRequest, f: typeof EndpointFormBody.static, schema: typeof CreateWebhookBody | typeof UpdateWebhookBody) {
    const w = dashboardContext(request).t.webhooks;
    const chosen = f.event_types === undefined ? [] : Array.isArray(f.event_types) ? f.event_types : [f.event_types];
    const form: EndpointForm = { url: f.url, description: f.description, scope: f.scope, event_types: chosen };
    const body = { url: f.url.trim(), description: f.description.trim(), event_types: f.scope === 'all' ? null : chosen };
    const errors = fieldErrors(schema, schema === CreateWebhookBody ? { ...body, event_types: body.event_types ?? undefined } : body);
    if (f.scope === 'chosen' && chosen.length === 0) errors.event_types = w.chooseOne;
    const problem = errors.url ? undefined : urlProblemKind(body.url, projectAccess(request).project.development_mode);
    if (problem) errors.url = w.urlProblems[problem];
    return { form, body, errors };
  }

  return async (app) => {
    app.get('/projects/:projectId/webhooks', { preHandler: [signedIn, project], schema: { params: ProjectParams, querystring: LogQuery, hide: true } }, async (request, reply) => {
      const { project: p, role } = projectAccess(request);
      const endpoints = await listEndpoints(deps.db, p.id);
      const notice = notices(request, request.query.done);
      return sendPage(reply, endpointsPage(chrome(request), { project: p, endpoints, canEdit: can(role, 'manage_settings'), production, ...(notice && { notice }) }));
    });

    app.get('/projects/:projectId/webhooks/deliveries', { preHandler: [signedIn, project], schema: { params: ProjectParams, querystring: LogQuery, hide: true } }, async (request, reply) => {
      const log = await logView(request, `${base(request)}/deliveries`, undefined, request.query);
      return sendPage(reply, allDeliveriesPage(chrome(request), { project: projectAccess(request).project, log }));
    });

    app.get('/projects/:projectId/webhooks/new', { preHandler: [signedIn, project, requireCapability('manage_settings')], schema: { params: ProjectParams, hide: true } }, (request, reply) =>
      renderForm(request, reply, { form: { url: '', description: '', scope: 'all', event_types: [] }, errors: {} }),
    );

    app.post('/projects/:projectId/webhooks/new', { onRequest: sameOrigin, preHandler: edit, schema: { params: ProjectParams, body: EndpointFormBody, hide: true } }, async (request, reply) => {
      const ctx = dashboardContext(request);
      const { project: p } = projectAccess(request);
      const { form, body, errors } = readForm(request, request.body, CreateWebhookBody);
      if (Object.keys(errors).length) return renderForm(request, reply, { form, errors }, 400);
      let shown: { endpoint: WebhookEndpoint; secret: string } | undefined;
      const location = await once(
        deps,
        ctx,
        request.body.action_id,
        async () => {
          const input = { url: body.url, description: body.description, ...(body.event_types && { event_types: body.event_types }) } as CreateWebhookBody;
          shown = await createEndpoint(deps.db, p.id, input, ctx.now, audited(request, 'webhook_endpoint.created', (e) => ({ url: e.url, event_types: e.event_types, description: e.description })));
          return endpointUrl(request, shown.endpoint.id);
        },
        async () => base(request),
      );
      // The secret is in this answer only: never in a URL, never stored for a later page.
      if (!shown) return reply.code(303).header('location', location).send();
      return renderEndpoint(request, reply, shown.endpoint, { notice: ctx.t.webhooks.createdNotice, newSecret: { secret: shown.secret, created: true } });
    });

    app.get('/projects/:projectId/webhooks/:endpointId', { preHandler: [signedIn, project], schema: { params: EndpointParams, querystring: LogQuery, hide: true } }, async (request, reply) => {
      const endpoint = await getEndpoint(deps.db, projectAccess(request).project.id, request.params.endpointId);
      return renderEndpoint(request, reply, endpoint, { notice: notices(request, request.query.done) }, request.query);
    });

    app.get('/projects/:projectId/webhooks/:endpointId/edit', { preHandler: [signedIn, project, requireCapability('manage_settings')], schema: { params: EndpointParams, hide: true } }, async (request, reply) => {
      const endpoint = await getEndpoint(deps.db, projectAccess(request).project.id, request.params.endpointId);
      const form: EndpointForm = { url: endpoint.url, description: endpoint.description, scope: endpoint.event_types ? 'chosen' : 'all', event_types: endpoint.event_types ?? [] };
      return renderForm(request, reply, { endpoint, form, errors: {} });
    });

    app.post('/projects/:projectId/webhooks/:endpointId/edit', { onRequest: sameOrigin, preHandler: edit, schema: { params: EndpointParams, body: EndpointFormBody, hide: true } }, async (request, reply) => {
      const ctx = dashboardContext(request);
      const { project: p } = projectAccess(request);
      const before = await getEndpoint(deps.db, p.id, request.params.endpointId);
      const { form, body, errors } = readForm(request, request.body, UpdateWebhookBody);
      if (Object.keys(errors).length) return renderForm(request, reply, { endpoint: before, form, errors }, 400);
      const after = { url: body.url, description: body.description, event_types: body.event_types };
      const old = { url: before.url, description: before.description, event_types: before.event_types };
      const changes = Object.fromEntries(
        (['url', 'description', 'event_types'] as const).filter((k) => JSON.stringify(old[k]) !== JSON.stringify(after[k])).map((k) => [k, { old: old[k], new: after[k] }]),
      );
      const done = `${endpointUrl(request, before.id)}?done=saved`;
      const location = await once(
        deps,
        ctx,
        request.body.action_id,
        async () => {
          if (Object.keys(changes).length) {
            const patch = Object.fromEntries(Object.keys(changes).map((k) => [k, after[k as keyof typeof after]]));
            await updateEndpoint(deps.db, p.id, before.id, patch, ctx.now, audited(request, 'webhook_endpoint.updated', () => ({ changes })));
          }
          return done;
        },
        async () => done,
      );
      return reply.code(303).header('location', location).send();
    });

    app.post('/projects/:projectId/webhooks/:endpointId/rotate', { onRequest: sameOrigin, preHandler: edit, schema: { params: EndpointParams, body: RotateBody, hide: true } }, async (request, reply) => {
      const ctx = dashboardContext(request);
      const { project: p } = projectAccess(request);
      let shown: { endpoint: WebhookEndpoint; secret: string } | undefined;
      const here = endpointUrl(request, request.params.endpointId);
      const location = await once(
        deps,
        ctx,
        request.body.action_id,
        async () => {
          shown = await rotateSecret(
            deps.db,
            p.id,
            request.params.endpointId,
            { previous_secret_expires_in: Number(request.body.previous_secret_expires_in) },
            ctx.now,
            audited(request, 'webhook_endpoint.secret_rotated', (e) => ({ previous_secret_expires_at: e.previous_secret_expires_at?.toISOString() ?? null })),
          );
          return here;
        },
        async () => here,
      );
      if (!shown) return reply.code(303).header('location', location).send();
      return renderEndpoint(request, reply, shown.endpoint, { notice: ctx.t.webhooks.rotatedNotice, newSecret: { secret: shown.secret, created: false } });
    });

    app.get('/projects/:projectId/webhooks/:endpointId/delete', { preHandler: [signedIn, project, requireCapability('manage_settings')], schema: { params: EndpointParams, hide: true } }, async (request, reply) => {
      const ctx = dashboardContext(request);
      const { project: p } = projectAccess(request);
      const endpoint = await getEndpoint(deps.db, p.id, request.params.endpointId);
      return sendPage(reply, deletePage(chrome(request), { project: p, endpoint, csrf: ctx.csrf, actionId: newActionId() }));
    });

    app.post('/projects/:projectId/webhooks/:endpointId/delete', { onRequest: sameOrigin, preHandler: edit, schema: { params: EndpointParams, body: Plain, hide: true } }, async (request, reply) => {
      const ctx = dashboardContext(request);
      const { project: p } = projectAccess(request);
      const done = `${base(request)}?done=deleted`;
      const location = await once(
        deps,
        ctx,
        request.body.action_id,
        async () => {
          await deleteEndpoint(deps.db, p.id, request.params.endpointId, ctx.now, audited(request, 'webhook_endpoint.deleted', (e) => ({ url: e.url })));
          return done;
        },
        async () => done,
      );
      return reply.code(303).header('location', location).send();
    });

    app.post('/projects/:projectId/webhooks/:endpointId/test', { onRequest: sameOrigin, preHandler: edit, schema: { params: EndpointParams, body: Plain, hide: true } }, async (request, reply) => {
      const ctx = dashboardContext(request);
      const { project: p } = projectAccess(request);
      const { endpointId } = request.params;
      const location = await once(
        deps,
        ctx,
        request.body.action_id,
        async () => {
          const { deliveryId } = await sendTestEvent(deps.db, p.id, endpointId, ctx.now, audited(request, 'webhook_endpoint.test_sent', (e) => ({ url: e.url })));
          return `${deliveryPath(p.id, endpointId, deliveryId)}?done=test`;
        },
        async () => endpointUrl(request, endpointId),
      );
      return reply.code(303).header('location', location).send();
    });

    app.get(
      '/projects/:projectId/webhooks/:endpointId/deliveries/:deliveryId',
      { preHandler: [signedIn, project], schema: { params: DeliveryParams, querystring: LogQuery, hide: true } },
      async (request, reply) => renderDelivery(request, reply, notices(request, request.query.done)),
    );

    async function renderDelivery(request: FastifyRequest, reply: FastifyReply, notice?: string, error?: string, status = 200) {
      const ctx = dashboardContext(request);
      const { project: p, role } = projectAccess(request);
      const { endpointId, deliveryId } = request.params as { endpointId: string; deliveryId: string };
      const found = await deliveryDetail(deps.db, p.id, endpointId, deliveryId);
      return sendPage(
        reply,
        deliveryPage(chrome(request), {
          project: p,
          endpoint: found.endpoint,
          delivery: found.delivery,
          attempts: found.attempts,
          body: found.body,
          canEdit: can(role, 'manage_settings'),
          csrf: ctx.csrf,
          actionId: newActionId(),
          ...(notice && { notice }),
          ...(error && { error }),
        }),
        status,
      );
    }

    app.post(
      '/projects/:projectId/webhooks/:endpointId/deliveries/:deliveryId/replay',
      { onRequest: sameOrigin, preHandler: edit, schema: { params: DeliveryParams, body: Plain, hide: true } },
      async (request, reply) => {
        const ctx = dashboardContext(request);
        const { project: p } = projectAccess(request);
        const { endpointId, deliveryId } = request.params;
        const here = deliveryPath(p.id, endpointId, deliveryId);
        try {
          const location = await once(
            deps,
            ctx,
            request.body.action_id,
            async () => {
              await replayDelivery(deps.db, p.id, endpointId, deliveryId, ctx.now, async (trx, e) =>
                recordAudit(trx, { actorUserId: ctx.user.id, projectId: p.id, action: 'webhook_delivery.replayed', subjectId: deliveryId, ip: request.ip, data: { endpoint_id: e.id }, now: ctx.now }),
              );
              return `${here}?done=replayed`;
            },
            async () => here,
          );
          return reply.code(303).header('location', location).send();
        } catch (err) {
          if (err instanceof AppError && err.code === 'delivery_in_progress') return renderDelivery(request, reply, undefined, ctx.t.webhooks.inProgress, 409);
          throw err;
        }
      },
    );
  };
}
