import type { Db } from '../../db/database.ts';
import type { WebhookAttempt, WebhookDeliveryStatus } from '../../db/types.ts';
import { AppError } from '../../lib/errors.ts';
import * as repo from './webhooks.repository.ts';
import { getEndpoint } from './webhooks.service.ts';

/** A row of the dashboard's delivery log: the delivery, its endpoint's URL, how many attempts, the latest one. */
export type DeliveryLogRow = repo.DeliveryRow & { url: string; attempt_count: number; last_attempt: WebhookAttempt | undefined };

/**
 * A page of a project's delivery log — one endpoint's (checked to be the project's) or
 * every endpoint's — newest first, after the delivery `before` (the last one of the
 * previous page: keyset pagination over `webhook_deliveries_project_log` /
 * `webhook_deliveries_log`, so page 1,000 costs what page 1 does).
 */
export async function deliveryLog(
  db: Db,
  projectId: string,
  q: { endpointId?: string | undefined; status?: WebhookDeliveryStatus | undefined; before?: string | undefined; limit: number },
): Promise<{ rows: DeliveryLogRow[]; hasMore: boolean }> {
  if (q.endpointId) await getEndpoint(db, projectId, q.endpointId);
  let before;
  if (q.before) {
    before = await repo.findProjectDeliveryPosition(db, projectId, q.before);
    if (!before) throw new AppError('invalid_request', `before must be one of this project's deliveries; ${q.before} is not`);
  }
  const found = await repo.listProjectDeliveries(db, { projectId, endpointId: q.endpointId, status: q.status, before, limit: q.limit + 1 });
  const page = found.slice(0, q.limit);
  const ids = page.map((d) => d.id);
  const [counts, last] = await Promise.all([repo.attemptCountsOf(db, ids), repo.lastAttemptsOf(db, ids)]);
  return {
    rows: page.map((d) => ({ ...d, attempt_count: counts.get(d.id) ?? 0, last_attempt: last.get(d.id) })),
    hasMore: found.length > q.limit,
  };
}

/** One delivery of an endpoint of the project, with every attempt (oldest first) and the body it sends. */
export async function deliveryDetail(db: Db, projectId: string, endpointId: string, deliveryId: string) {
  const endpoint = await getEndpoint(db, projectId, endpointId);
  const delivery = await repo.findDelivery(db, endpointId, deliveryId);
  if (!delivery) throw new AppError('webhook_delivery_not_found', `No delivery with id ${deliveryId} for this endpoint`);
  const attempts = (await repo.attemptsOf(db, [delivery.id])).get(delivery.id) ?? [];
  return { endpoint, delivery, attempts, body: delivery.body ?? '' };
}
