import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Deps } from '../../deps.ts';
import { emptyBodyAsObject, requireNoBody } from '../../http/guards.ts';
import { errorResponses } from '../../lib/schema.ts';
import { ProjectParams } from '../projects/projects.schemas.ts';
import {
  CreateWebhookBody,
  DeletedResponse,
  DeliveryDetailResponse,
  DeliveryListQuery,
  DeliveryListResponse,
  DeliveryParams,
  RotateSecretBody,
  UpdateWebhookBody,
  WebhookEndpointListResponse,
  WebhookEndpointResponse,
  WebhookEndpointWithSecretResponse,
  WebhookParams,
} from './webhooks.schemas.ts';
import * as service from './webhooks.service.ts';

const tags = ['Admin: webhooks'];
const security = [{ adminKey: [] }];

/** Admin API for a project's webhook endpoints and their delivery log; mounted under /api/admin. */
export function webhookAdminRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/projects/:id/webhooks',
      {
        schema: {
          tags,
          security,
          summary: 'Create a webhook endpoint',
          description:
            'Registers a URL that receives the project\'s events, signed per Standard Webhooks. The response carries the signing `secret` this once. The URL must be https and must not resolve to a private, loopback or link-local address — both allowed only while the project is in development mode. The endpoint receives events that happen after it is created.',
          params: ProjectParams,
          body: CreateWebhookBody,
          response: { 201: WebhookEndpointWithSecretResponse, ...errorResponses(400, 401, 404, 413, 415, 429) },
        },
      },
      async (request, reply) => {
        const { endpoint, secret } = await service.createEndpoint(deps.db, request.params.id, request.body, deps.clock.now());
        return reply.status(201).send({ ...service.toEndpointResponse(endpoint), secret });
      },
    );

    app.get(
      '/projects/:id/webhooks',
      {
        schema: {
          tags,
          security,
          summary: 'List webhook endpoints',
          description: 'The project\'s webhook endpoints, oldest first. Signing secrets are never returned.',
          params: ProjectParams,
          response: { 200: WebhookEndpointListResponse, ...errorResponses(400, 401, 404, 429) },
        },
      },
      async (request) => ({ data: (await service.listEndpoints(deps.db, request.params.id)).map(service.toEndpointResponse) }),
    );

    app.get(
      '/projects/:id/webhooks/:endpointId',
      {
        schema: {
          tags,
          security,
          summary: 'Get a webhook endpoint',
          description: 'One webhook endpoint of the project. The signing secret is never returned.',
          params: WebhookParams,
          response: { 200: WebhookEndpointResponse, ...errorResponses(400, 401, 404, 429) },
        },
      },
      async (request) => service.toEndpointResponse(await service.getEndpoint(deps.db, request.params.id, request.params.endpointId)),
    );

    app.patch(
      '/projects/:id/webhooks/:endpointId',
      {
        schema: {
          tags,
          security,
          summary: 'Update a webhook endpoint',
          description: 'Changes the URL, the event type filter (`null` for every type) or the description. Only the fields sent change; the secret stays.',
          params: WebhookParams,
          body: UpdateWebhookBody,
          response: { 200: WebhookEndpointResponse, ...errorResponses(400, 401, 404, 413, 415, 429) },
        },
      },
      async (request) =>
        service.toEndpointResponse(
          await service.updateEndpoint(deps.db, request.params.id, request.params.endpointId, request.body, deps.clock.now()),
        ),
    );

    app.post(
      '/projects/:id/webhooks/:endpointId/rotate-secret',
      {
        preValidation: emptyBodyAsObject,
        schema: {
          tags,
          security,
          summary: 'Rotate the signing secret',
          description:
            'Issues a new signing secret, shown once. For `previous_secret_expires_in` seconds (default 24 h) deliveries carry two signatures — one per secret — so receivers verifying with either keep working while you deploy the new one.',
          params: WebhookParams,
          body: RotateSecretBody,
          response: { 200: WebhookEndpointWithSecretResponse, ...errorResponses(400, 401, 404, 413, 415, 429) },
        },
      },
      async (request) => {
        const { endpoint, secret } = await service.rotateSecret(deps.db, request.params.id, request.params.endpointId, request.body, deps.clock.now());
        return { ...service.toEndpointResponse(endpoint), secret };
      },
    );

    app.delete(
      '/projects/:id/webhooks/:endpointId',
      {
        preValidation: requireNoBody,
        schema: {
          tags,
          security,
          summary: 'Delete a webhook endpoint',
          description: 'Stops all deliveries to the endpoint at once and deletes it with its delivery log. Events stay available from GET /api/platform/events.',
          params: WebhookParams,
          response: { 200: DeletedResponse, ...errorResponses(400, 401, 404, 429) },
        },
      },
      async (request) => {
        await service.deleteEndpoint(deps.db, request.params.id, request.params.endpointId, deps.clock.now());
        return { id: request.params.endpointId, deleted: true as const };
      },
    );

    app.get(
      '/projects/:id/webhooks/:endpointId/deliveries',
      {
        schema: {
          tags,
          security,
          summary: 'List deliveries (the delivery log)',
          description:
            'The endpoint\'s deliveries, newest first, each with every attempt: status code, duration, error and the retry it scheduled. Filter by `status`; page with `before` = the last id of the previous page.',
          params: WebhookParams,
          querystring: DeliveryListQuery,
          response: { 200: DeliveryListResponse, ...errorResponses(400, 401, 404, 429) },
        },
      },
      async (request) => service.listDeliveries(deps.db, request.params.id, request.params.endpointId, request.query),
    );

    app.get(
      '/projects/:id/webhooks/:endpointId/deliveries/:deliveryId',
      {
        schema: {
          tags,
          security,
          summary: 'Get a delivery',
          description: 'One delivery with all its attempts and the event it carries (the exact body that was signed and sent).',
          params: DeliveryParams,
          response: { 200: DeliveryDetailResponse, ...errorResponses(400, 401, 404, 429) },
        },
      },
      async (request) => service.getDelivery(deps.db, request.params.id, request.params.endpointId, request.params.deliveryId),
    );

    app.post(
      '/projects/:id/webhooks/:endpointId/deliveries/:deliveryId/replay',
      {
        preValidation: requireNoBody,
        schema: {
          tags,
          security,
          summary: 'Replay a delivery',
          description:
            'Sends a succeeded or failed delivery again at the next run of the delivery job, with the same body and the same `webhook-id` (receivers that already processed it may drop it) and a fresh retry schedule. A delivery still pending answers 409 `delivery_in_progress`.',
          params: DeliveryParams,
          response: { 200: DeliveryDetailResponse, ...errorResponses(400, 401, 404, 409, 429) },
        },
      },
      async (request) =>
        service.replayDelivery(deps.db, request.params.id, request.params.endpointId, request.params.deliveryId, deps.clock.now()),
    );
  };
}
