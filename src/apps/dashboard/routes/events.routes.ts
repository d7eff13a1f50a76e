import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { endOfDayIn, startOfDayIn } from '../../../lib/zoned-dates.ts';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { Deps } from '../../../deps.ts';
import { AppError } from '../../../lib/errors.ts';
import { auditFacetsOfProject, findProjectAuditPosition, listProjectAudit } from '../../../modules/audit/audit.repository.ts';
import { findEndUsersByExternalId, listEventLog } from '../../../modules/events/public-events.repository.ts';
import { PUBLIC_EVENT_TYPES } from '../../../modules/events/public-events.ts';
import { chromeFor, sendPage } from '../http/pages.ts';
import { loadProject, projectAccess } from '../http/project-access.ts';
import { dashboardContext, requireSignedIn } from '../http/session.ts';
import { auditPage, eventsPage, type AuditFilters } from '../views/events.view.ts';

const ProjectParams = Type.Object({ projectId: Type.String({ maxLength: 80 }) }, { additionalProperties: false });
/** Filters are links people share and edit: extra parameters are tolerated, wrong values are 400s. */
const EventsQuery = Type.Object({
  type: Type.Optional(Type.Union(['', ...PUBLIC_EVENT_TYPES].map((t) => Type.Literal(t)))),
  customer: Type.Optional(Type.String({ maxLength: 200 })),
  before: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,15}$' })),
});
const AuditQuery = Type.Object({
  actor: Type.Optional(Type.String({ maxLength: 80 })),
  action: Type.Optional(Type.String({ maxLength: 100 })),
  from: Type.Optional(Type.String({ maxLength: 40 })),
  to: Type.Optional(Type.String({ maxLength: 40 })),
  before: Type.Optional(Type.String({ pattern: '^aud_[A-Za-z0-9_-]{1,64}$' })),
});

const PAGE_SIZE = 25;

/**
 * The events section, readable by every role: the project's event log (the published
 * public events — what webhooks deliver and the events API lists) by type and customer,
 * and the dashboard audit log by person, action and dates (in the project's time zone).
 * Both page by keyset: the position of the last row shown.
 */
export function eventRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  const signedIn = requireSignedIn(deps);
  const project = loadProject(deps);

  function chrome(request: FastifyRequest) {
    const { project: p } = projectAccess(request);
    return chromeFor(request, dashboardContext(request), { id: p.id, name: p.name, section: 'events' });
  }

  const link = (path: string, params: Record<string, string | undefined>) => {
    const query = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => Boolean(e[1]))).toString();
    return query ? `${path}?${query}` : path;
  };

  return async (app) => {
    app.get('/projects/:projectId/events', { preHandler: [signedIn, project], schema: { params: ProjectParams, querystring: EventsQuery, hide: true } }, async (request, reply) => {
      const { project: p } = projectAccess(request);
      const type = request.query.type || undefined;
      const customer = request.query.customer?.trim() || undefined;
      const beforeSeq = request.query.before ? Number(request.query.before) : undefined;
      const found = await listEventLog(deps.db, { projectId: p.id, type, endUserId: customer, beforeSeq, limit: PAGE_SIZE + 1 });
      const events = found.slice(0, PAGE_SIZE);
      const customers = await findEndUsersByExternalId(deps.db, p.id, [...new Set(events.flatMap((e) => (e.end_user_external_id ? [e.end_user_external_id] : [])))]);
      const path = `/dashboard/projects/${encodeURIComponent(p.id)}/events`;
      const paging = {
        firstHref: link(path, { type, customer }),
        olderHref: found.length > PAGE_SIZE ? link(path, { type, customer, before: String(events.at(-1)!.published_seq) }) : undefined,
        onFirst: beforeSeq === undefined,
      };
      return sendPage(reply, eventsPage(chrome(request), { project: p, events, customers, filters: { type: type ?? '', customer: customer ?? '' }, paging }));
    });

    app.get('/projects/:projectId/events/audit', { preHandler: [signedIn, project], schema: { params: ProjectParams, querystring: AuditQuery, hide: true } }, async (request, reply) => {
      const { project: p } = projectAccess(request);
      const e = dashboardContext(request).t.events;
      const q = request.query;
      const filters: AuditFilters = { actor: q.actor ?? '', action: q.action ?? '', from: q.from?.trim() ?? '', to: q.to?.trim() ?? '' };
      const errors: Record<string, string> = {};
      const from = filters.from ? startOfDayIn(filters.from, p.time_zone) : undefined;
      const toDay = filters.to ? endOfDayIn(filters.to, p.time_zone) : undefined;
      if (filters.from && !from) errors.from = e.badDate;
      if (filters.to && !toDay) errors.to = e.badDate;
      let before;
      if (q.before) {
        before = await findProjectAuditPosition(deps.db, p.id, q.before);
        if (!before) throw new AppError('invalid_request', `before must be one of this project's audit entries; ${q.before} is not`);
      }
      const [found, facets] = await Promise.all([
        listProjectAudit(deps.db, { projectId: p.id, actorUserId: filters.actor || undefined, action: filters.action || undefined, from, to: toDay, before, limit: PAGE_SIZE + 1 }),
        auditFacetsOfProject(deps.db, p.id),
      ]);
      const entries = found.slice(0, PAGE_SIZE);
      const path = `/dashboard/projects/${encodeURIComponent(p.id)}/events/audit`;
      const kept = { actor: filters.actor, action: filters.action, from: filters.from, to: filters.to };
      const paging = {
        firstHref: link(path, kept),
        olderHref: found.length > PAGE_SIZE ? link(path, { ...kept, before: entries.at(-1)!.id }) : undefined,
        onFirst: !q.before,
      };
      const status = Object.keys(errors).length ? 400 : 200;
      return sendPage(reply, auditPage(chrome(request), { project: p, entries, actors: facets.actors, actions: facets.actions, filters, errors, paging }), status);
    });
  };
}
