import type { Db } from '../../db/database.ts';
import type { Project, WebhookAttempt, WebhookEndpoint } from '../../db/types.ts';
import { AppError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { PublicEvent } from '../events/public-events.ts';
import { recordEvent } from '../events/events.repository.ts';
import { findProjectById } from '../projects/projects.repository.ts';
import { projectNotFound } from '../projects/projects.service.ts';
import { urlProblem } from './address-policy.ts';
import { newSigningSecret } from './signing.ts';
import * as repo from './webhooks.repository.ts';
import type {
  CreateWebhookBody,
  DeliveryListQuery,
  DeliveryResponse,
  RotateSecretBody,
  UpdateWebhookBody,
  WebhookEndpointResponse,
} from './webhooks.schemas.ts';

/**
 * Webhook endpoints of a project and their delivery log (admin API and dashboard). Signing
 * secrets are returned by create and rotate only; they are stored as they are, because
 * signing needs them (a hash cannot sign), and never shown again.
 *
 * Each change takes an optional `also`: more writes for the change's own transaction (the
 * dashboard's audit entry of who did it), so the change and its record commit together.
 */
export type Also = (trx: Db, endpoint: WebhookEndpoint) => Promise<void>;

export async function createEndpoint(db: Db, projectId: string, body: CreateWebhookBody, now: Date, also?: Also) {
  const project = await requireProject(db, projectId);
  checkUrl(body.url, project);
  const secret = newSigningSecret();
  const endpoint = await db.transaction().execute(async (trx) => {
    const row = await repo.insertEndpoint(trx, {
      id: newId('ep'),
      projectId,
      url: body.url,
      description: body.description ?? '',
      eventTypes: body.event_types ?? null,
      secret,
      now,
    });
    await audit(trx, row, 'webhook_endpoint.created', { url: row.url, event_types: body.event_types ?? null }, now);
    await also?.(trx, row);
    return row;
  });
  return { endpoint, secret };
}

/** The admin audit entry of an endpoint change, in the change's transaction (never a secret). */
function audit(trx: Db, endpoint: WebhookEndpoint, type: string, data: Record<string, unknown>, now: Date) {
  return recordEvent(trx, { projectId: endpoint.project_id, type, subjectId: endpoint.id, source: 'admin', data, now });
}

export async function listEndpoints(db: Db, projectId: string): Promise<WebhookEndpoint[]> {
  await requireProject(db, projectId);
  return repo.listEndpoints(db, projectId);
}

export async function getEndpoint(db: Db, projectId: string, endpointId: string): Promise<WebhookEndpoint> {
  await requireProject(db, projectId);
  const endpoint = await repo.findEndpoint(db, projectId, endpointId);
  if (!endpoint) throw endpointNotFound(endpointId);
  return endpoint;
}

export async function updateEndpoint(db: Db, projectId: string, endpointId: string, body: UpdateWebhookBody, now: Date, also?: Also): Promise<WebhookEndpoint> {
  const project = await requireProject(db, projectId);
  if (body.url !== undefined) checkUrl(body.url, project);
  return db.transaction().execute(async (trx) => {
    const endpoint = await repo.updateEndpoint(trx, projectId, endpointId, { url: body.url, description: body.description, eventTypes: body.event_types }, now);
    if (!endpoint) throw endpointNotFound(endpointId);
    await audit(trx, endpoint, 'webhook_endpoint.updated', { fields: Object.keys(body) }, now);
    await also?.(trx, endpoint);
    return endpoint;
  });
}

/**
 * A new secret, shown once. The old one keeps signing next to it for
 * `previous_secret_expires_in` seconds (default 24 h) so the integrator can deploy the new
 * secret without a window where valid deliveries fail verification; 0 retires it at once.
 */
export async function rotateSecret(db: Db, projectId: string, endpointId: string, body: RotateSecretBody, now: Date, also?: Also) {
  await requireProject(db, projectId);
  const graceSeconds = body.previous_secret_expires_in ?? 86_400;
  const secret = newSigningSecret();
  const previousExpiresAt = graceSeconds > 0 ? new Date(now.getTime() + graceSeconds * 1000) : null;
  const endpoint = await db.transaction().execute(async (trx) => {
    const row = await repo.rotateSecret(trx, projectId, endpointId, { secret, previousExpiresAt, now });
    if (!row) throw endpointNotFound(endpointId);
    await audit(trx, row, 'webhook_endpoint.secret_rotated', { previous_secret_expires_at: previousExpiresAt?.toISOString() ?? null }, now);
    await also?.(trx, row);
    return row;
  });
  return { endpoint, secret };
}

export async function deleteEndpoint(db: Db, projectId: string, endpointId: string, now: Date, also?: Also): Promise<void> {
  await requireProject(db, projectId);
  await db.transaction().execute(async (trx) => {
    const endpoint = await repo.findEndpoint(trx, projectId, endpointId);
    if (!endpoint || !(await repo.deleteEndpoint(trx, projectId, endpointId))) throw endpointNotFound(endpointId);
    await audit(trx, endpoint, 'webhook_endpoint.deleted', { url: endpoint.url }, now);
    await also?.(trx, endpoint);
  });
}

export async function listDeliveries(db: Db, projectId: string, endpointId: string, q: DeliveryListQuery) {
  await getEndpoint(db, projectId, endpointId);
  let before;
  if (q.before !== undefined) {
    before = await repo.findDelivery(db, endpointId, q.before);
    if (!before) throw new AppError('invalid_request', `before must be the id of one of this endpoint's deliveries; ${q.before} is not`);
  }
  const limit = q.limit ?? 20;
  const rows = await repo.listDeliveries(db, { endpointId, status: q.status, before, limit: limit + 1 });
  const page = rows.slice(0, limit);
  const attempts = await repo.attemptsOf(db, page.map((d) => d.id));
  return { data: page.map((d) => toDeliveryResponse(d, attempts.get(d.id) ?? [])), has_more: rows.length > limit };
}

export async function getDelivery(db: Db, projectId: string, endpointId: string, deliveryId: string) {
  await getEndpoint(db, projectId, endpointId);
  const delivery = await repo.findDelivery(db, endpointId, deliveryId);
  if (!delivery) throw deliveryNotFound(deliveryId);
  const attempts = await repo.attemptsOf(db, [delivery.id]);
  return { ...toDeliveryResponse(delivery, attempts.get(delivery.id) ?? []), event: JSON.parse(delivery.body!) as PublicEvent };
}

/**
 * Sends a finished delivery again — same body, same `webhook-id` — at the next run of the
 * delivery job, with a fresh retry window. A delivery still pending is refused with 409: it
 * is already scheduled (and may be in flight right now).
 */
export async function replayDelivery(db: Db, projectId: string, endpointId: string, deliveryId: string, now: Date, also?: Also) {
  const endpoint = await getEndpoint(db, projectId, endpointId);
  const reopened = await db.transaction().execute(async (trx) => {
    const row = await repo.reopenDelivery(trx, endpointId, deliveryId, now);
    if (row) await also?.(trx, endpoint);
    return row;
  });
  if (!reopened) {
    const existing = await repo.findDelivery(db, endpointId, deliveryId);
    if (!existing) throw deliveryNotFound(deliveryId);
    throw new AppError('delivery_in_progress', `Delivery ${deliveryId} is still pending (next attempt at ${existing.next_attempt_at?.toISOString()}); replay it once it has succeeded or failed`, {
      next_attempt_at: existing.next_attempt_at?.toISOString() ?? null,
    });
  }
  return getDelivery(db, projectId, endpointId, deliveryId);
}

export function toEndpointResponse(e: WebhookEndpoint): WebhookEndpointResponse {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    event_types: e.event_types,
    previous_secret_expires_at: e.previous_secret_expires_at?.toISOString() ?? null,
    created_at: e.created_at.toISOString(),
    updated_at: e.updated_at.toISOString(),
  };
}

function toDeliveryResponse(d: repo.DeliveryRow, attempts: WebhookAttempt[]): DeliveryResponse {
  return {
    id: d.id,
    event_id: d.event_id,
    event_type: d.event_type,
    status: d.status,
    attempt_count: attempts.length,
    next_attempt_at: d.next_attempt_at?.toISOString() ?? null,
    last_attempt_at: d.last_attempt_at?.toISOString() ?? null,
    last_status_code: d.last_status_code,
    last_error: d.last_error,
    delivered_at: d.delivered_at?.toISOString() ?? null,
    created_at: d.created_at.toISOString(),
    attempts: attempts.map((a) => ({
      attempted_at: a.attempted_at.toISOString(),
      status_code: a.status_code,
      duration_ms: a.duration_ms,
      error: a.error,
      next_attempt_at: a.next_attempt_at?.toISOString() ?? null,
    })),
  };
}

function checkUrl(url: string, project: Project): void {
  const problem = urlProblem(url, project.development_mode);
  if (problem) throw new AppError('invalid_request', `url ${problem}`);
}

async function requireProject(db: Db, projectId: string): Promise<Project> {
  const project = await findProjectById(db, projectId);
  if (!project) throw projectNotFound(projectId);
  return project;
}

export function endpointNotFound(id: string): AppError {
  return new AppError('webhook_endpoint_not_found', `No webhook endpoint with id ${id} in this project`);
}

export function deliveryNotFound(id: string): AppError {
  return new AppError('webhook_delivery_not_found', `No delivery with id ${id} for this endpoint`);
}
