import type { Deps } from '../../deps.ts';
import type { Event, WebhookEndpoint } from '../../db/types.ts';
import { newId } from '../../lib/ids.ts';
import { buildPublicEvents, type PublicEvent } from '../events/public-events.ts';
import * as repo from './webhooks.repository.ts';

const BATCH = 500;

/**
 * Publishes new events from the `events` outbox: gives each its public payload and its
 * place in publication order, and queues one delivery per matching webhook endpoint — all
 * in one transaction, so an event is published (and fanned out) exactly once.
 *
 * Why publication is serialised (one instance at a time, `pg_try_advisory_xact_lock`):
 * events take their `seq` when written but become visible when their transaction commits,
 * which may be out of `seq` order. Reading "everything after the last seq I saw" would
 * then skip a late committer for good. Publishing under one lock hands out
 * `published_seq` in commit order instead, so anyone paging by it (webhook fan-out here,
 * `GET /api/platform/events` for integrators) never misses an event. An event still
 * uncommitted now is simply picked up by a later run.
 *
 * An endpoint receives the public events of its project created at or after the
 * endpoint itself, filtered by its `event_types`.
 */
export async function publishEvents(deps: Deps): Promise<number> {
  let total = 0;
  for (;;) {
    const published = await deps.db.transaction().execute(async (trx) => {
      if (!(await repo.tryPublishLock(trx))) return 0;
      const events = await repo.unpublishedEvents(trx, BATCH);
      if (events.length === 0) return 0;
      const payloads = await buildPublicEvents(trx, events);
      await repo.markPublished(
        trx,
        events.map((e) => {
          const payload = payloads.get(e.id);
          return { seq: e.seq, payload: payload ? JSON.stringify(payload) : null, endUserId: payload ? endUserOf(payload) : null };
        }),
      );
      const fanOut = events.filter((e) => payloads.has(e.id));
      const endpoints = await repo.endpointsOfProjects(trx, [...new Set(fanOut.map((e) => e.project_id))]);
      const now = deps.clock.now();
      await repo.insertDeliveries(
        trx,
        fanOut.flatMap((event) =>
          endpoints
            .filter((endpoint) => wants(endpoint, event))
            .map((endpoint) => ({ id: newId('dlv'), projectId: event.project_id, endpointId: endpoint.id, eventId: event.id, now })),
        ),
      );
      return events.length;
    });
    total += published;
    if (published < BATCH) return total;
  }
}

/** The integrator's end_user_id an event is about (the dashboard's "events of this customer"). */
function endUserOf(event: PublicEvent): string | null {
  for (const key of ['subscription', 'payment', 'portal_session']) {
    const id = (event.data[key] as { end_user_id?: unknown } | undefined)?.end_user_id;
    if (typeof id === 'string') return id;
  }
  return null;
}

function wants(endpoint: WebhookEndpoint, event: Event): boolean {
  return (
    endpoint.project_id === event.project_id &&
    endpoint.created_at.getTime() <= event.created_at.getTime() &&
    (endpoint.event_types === null || endpoint.event_types.includes(event.type))
  );
}
