import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from '../../lib/schema.ts';
import { EXAMPLE_EVENT, PublicEventSchema, PublicEventType } from '../events/events.schemas.ts';
import { ProjectParams } from '../projects/projects.schemas.ts';

const EndpointUrl = Type.String({
  minLength: 1,
  maxLength: 2000,
  description:
    'Where events are POSTed. https only; http and private, loopback or link-local addresses are allowed only while the project is in development mode.',
  examples: ['https://myapp.com/webhooks/langgan'],
});

const EventTypes = Type.Array(PublicEventType, {
  minItems: 1,
  uniqueItems: true,
  description: 'Only these event types are sent. Omit (or null) for every type, including types added later.',
  examples: [['subscription.updated', 'subscription.canceled']],
});

const Description = Type.String({ maxLength: 200, examples: ['Production backend'] });

export const CreateWebhookBody = Type.Object(
  { url: EndpointUrl, event_types: Type.Optional(EventTypes), description: Type.Optional(Description) },
  {
    additionalProperties: false,
    examples: [{ url: 'https://myapp.com/webhooks/langgan', event_types: ['subscription.updated', 'payment.succeeded'], description: 'Production backend' }],
  },
);
export type CreateWebhookBody = Static<typeof CreateWebhookBody>;

export const UpdateWebhookBody = Type.Object(
  {
    url: Type.Optional(EndpointUrl),
    event_types: Type.Optional(Type.Union([EventTypes, Type.Null()])),
    description: Type.Optional(Description),
  },
  { additionalProperties: false, minProperties: 1, examples: [{ event_types: null }, { url: 'https://myapp.com/hooks/v2' }] },
);
export type UpdateWebhookBody = Static<typeof UpdateWebhookBody>;

export const RotateSecretBody = Type.Object(
  {
    previous_secret_expires_in: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 7 * 86_400,
        default: 86_400,
        description:
          'Seconds the old secret keeps signing alongside the new one (each delivery then carries two signatures), so you can deploy the new secret without rejecting anything. Default 86400 (24 h); 0 stops the old secret at once.',
      }),
    ),
  },
  { additionalProperties: false, examples: [{ previous_secret_expires_in: 3600 }] },
);
export type RotateSecretBody = Static<typeof RotateSecretBody>;

export const WebhookParams = Type.Composite(
  [
    ProjectParams,
    Type.Object({ endpointId: Type.String({ pattern: '^ep_[A-Za-z0-9_-]{1,64}$', errorMessage: 'must be a webhook endpoint id (ep_…)' }) }),
  ],
  { additionalProperties: false },
);

export const DeliveryParams = Type.Composite(
  [
    WebhookParams,
    Type.Object({ deliveryId: Type.String({ pattern: '^dlv_[A-Za-z0-9_-]{1,64}$', errorMessage: 'must be a delivery id (dlv_…)' }) }),
  ],
  { additionalProperties: false },
);

const DateTime = Type.String({ format: 'date-time' });
const NullableDateTime = Type.Union([DateTime, Type.Null()]);

const ENDPOINT_EXAMPLE = {
  id: 'ep_2Lx9Qm0Vb7nR4tY1pK8wZc',
  url: 'https://myapp.com/webhooks/langgan',
  description: 'Production backend',
  event_types: ['subscription.updated', 'payment.succeeded'],
  previous_secret_expires_at: null,
  created_at: '2026-11-24T01:00:00.000Z',
  updated_at: '2026-11-24T01:00:00.000Z',
};
const SECRET_EXAMPLE = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw7GqVaGZSHbk=';

export const WebhookEndpointResponse = Type.Object(
  {
    id: Type.String(),
    url: Type.String(),
    description: Type.String(),
    event_types: Type.Union([Type.Array(Type.String()), Type.Null()], { description: 'null: every event type.' }),
    previous_secret_expires_at: Type.Union([DateTime, Type.Null()], {
      description: 'After a rotation, until when the previous secret still signs alongside the current one.',
    }),
    created_at: DateTime,
    updated_at: DateTime,
  },
  { examples: [ENDPOINT_EXAMPLE] },
);
export type WebhookEndpointResponse = Static<typeof WebhookEndpointResponse>;

export const WebhookEndpointWithSecretResponse = Type.Composite(
  [
    Type.Omit(WebhookEndpointResponse, []),
    Type.Object({
      secret: Type.String({
        description:
          'The signing secret (Standard Webhooks `whsec_…`), shown this once. Langgan keeps it to sign deliveries but never returns it again; rotate it if it is lost.',
      }),
    }),
  ],
  { examples: [{ ...ENDPOINT_EXAMPLE, secret: SECRET_EXAMPLE }] },
);

export const WebhookEndpointListResponse = Type.Object(
  { data: Type.Array(WebhookEndpointResponse) },
  { examples: [{ data: [ENDPOINT_EXAMPLE] }] },
);

export const DeletedResponse = Type.Object(
  { id: Type.String(), deleted: Type.Literal(true) },
  { examples: [{ id: ENDPOINT_EXAMPLE.id, deleted: true }] },
);

const Attempt = Type.Object({
  attempted_at: DateTime,
  status_code: Type.Union([Type.Integer(), Type.Null()], { description: 'The receiver\'s HTTP status; null when none came back.' }),
  duration_ms: Type.Integer(),
  error: Type.Union([Type.String(), Type.Null()], { description: 'Why no status came back: timeout, connection refused, refused destination…' }),
  next_attempt_at: Type.Union([DateTime, Type.Null()], { description: 'The retry this attempt scheduled; null if it was the last.' }),
});

const DELIVERY_EXAMPLE = {
  id: 'dlv_8Rt2Vb0nQm7xL4kY1pW9zA',
  event_id: EXAMPLE_EVENT.id,
  event_type: EXAMPLE_EVENT.type,
  status: 'pending',
  attempt_count: 2,
  next_attempt_at: '2026-11-24T01:05:31.000Z',
  last_attempt_at: '2026-11-24T01:03:10.000Z',
  last_status_code: 500,
  last_error: null,
  delivered_at: null,
  created_at: '2026-11-24T01:02:04.000Z',
  attempts: [
    { attempted_at: '2026-11-24T01:02:04.000Z', status_code: null, duration_ms: 10003, error: 'timed out after 10 s', next_attempt_at: '2026-11-24T01:02:41.000Z' },
    { attempted_at: '2026-11-24T01:03:10.000Z', status_code: 500, duration_ms: 41, error: null, next_attempt_at: '2026-11-24T01:05:31.000Z' },
  ],
};

const deliveryProperties = {
  id: Type.String(),
  event_id: Type.String({ description: 'Also the `webhook-id` header of every attempt.' }),
  event_type: Type.String(),
  status: StringEnum(['pending', 'succeeded', 'failed'] as const, {
    description: 'pending: waiting for its first attempt or a retry; succeeded: a 2xx came back; failed: retries ran out (replay it).',
  }),
  attempt_count: Type.Integer(),
  next_attempt_at: NullableDateTime,
  last_attempt_at: NullableDateTime,
  last_status_code: Type.Union([Type.Integer(), Type.Null()]),
  last_error: Type.Union([Type.String(), Type.Null()]),
  delivered_at: NullableDateTime,
  created_at: DateTime,
  attempts: Type.Array(Attempt, { description: 'Every request made, oldest first.' }),
};

export const DeliveryResponse = Type.Object(deliveryProperties, { examples: [DELIVERY_EXAMPLE] });
export type DeliveryResponse = Static<typeof DeliveryResponse>;

export const DeliveryDetailResponse = Type.Object(
  { ...deliveryProperties, event: PublicEventSchema },
  { examples: [{ ...DELIVERY_EXAMPLE, event: EXAMPLE_EVENT }] },
);

export const DeliveryListQuery = Type.Object(
  {
    status: Type.Optional(StringEnum(['pending', 'succeeded', 'failed'] as const)),
    before: Type.Optional(
      Type.String({
        pattern: '^dlv_[A-Za-z0-9_-]{1,64}$',
        errorMessage: 'must be a delivery id (dlv_…)',
        description: 'Return the deliveries older than this one (the last id of the previous page).',
      }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  },
  { additionalProperties: false },
);
export type DeliveryListQuery = Static<typeof DeliveryListQuery>;

export const DeliveryListResponse = Type.Object(
  { data: Type.Array(DeliveryResponse), has_more: Type.Boolean() },
  { examples: [{ data: [DELIVERY_EXAMPLE], has_more: false }] },
);
