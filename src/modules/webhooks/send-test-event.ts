import type { Db } from '../../db/database.ts';
import { newId } from '../../lib/ids.ts';
import { recordEvent } from '../events/events.repository.ts';
import { type Also, getEndpoint } from './webhooks.service.ts';
import * as repo from './webhooks.repository.ts';

/** The type of a test event. Never a public type: not in the events API, never fanned out. */
export const PING_EVENT_TYPE = 'webhook.ping';

/**
 * "Send test event": a `webhook.ping` for one endpoint, delivered like any event — queued
 * as a delivery, then signed with the endpoint's secret(s) and sent by the delivery job,
 * retried, logged and replayable — so a receiver proves it verifies signatures before a
 * real event depends on it.
 *
 * The ping is an `events` row (its id is the `webhook-id`; the log and retention treat it
 * like any other) of an internal type, so publication gives it no public payload and sends
 * it to no other endpoint. Its body is stored on its one delivery instead, built here once:
 * what is signed, sent and replayed stays the same bytes. The endpoint's `event_types`
 * filter does not apply: the integrator asked for this one.
 */
export async function sendTestEvent(db: Db, projectId: string, endpointId: string, now: Date, also?: Also): Promise<{ deliveryId: string; eventId: string }> {
  const endpoint = await getEndpoint(db, projectId, endpointId);
  return db.transaction().execute(async (trx) => {
    const eventId = await recordEvent(trx, { projectId, type: PING_EVENT_TYPE, subjectId: endpoint.id, source: 'admin', data: { endpoint_id: endpoint.id }, now });
    const payload = JSON.stringify({
      id: eventId,
      type: PING_EVENT_TYPE,
      created_at: now.toISOString(),
      source: 'admin',
      data: { webhook_endpoint: { id: endpoint.id, url: endpoint.url }, message: 'A test event sent from the Langgan dashboard. Verify its signature; nothing else to do.' },
    });
    const deliveryId = newId('dlv');
    await repo.insertOwnDelivery(trx, { id: deliveryId, projectId, endpointId: endpoint.id, eventId, now, payload });
    await also?.(trx, endpoint);
    return { deliveryId, eventId };
  });
}
