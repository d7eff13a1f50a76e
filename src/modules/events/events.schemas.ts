import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { StringEnum } from '../../lib/schema.ts';
import { PUBLIC_EVENT_TYPES } from './public-events.ts';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const DateTime = Type.String({ format: 'date-time' });

export const PublicEventType = StringEnum(PUBLIC_EVENT_TYPES);

/** A subscription as events carry it. `version` grows with every change: drop older ones. */
export const PublicSubscription = Type.Object({
  id: Type.String(),
  end_user_id: Type.String({ description: 'Your own user id (the `end_user_id` you passed to portal sessions).' }),
  status: Type.String({ description: 'incomplete, active, past_due or canceled' }),
  plan_id: Nullable(Type.String()),
  plan_code: Nullable(Type.String()),
  current_period_start: Nullable(DateTime),
  current_period_end: Nullable(DateTime),
  scheduled_plan_id: Nullable(Type.String()),
  scheduled_plan_code: Nullable(Type.String()),
  cancel_at_period_end: Type.Boolean(),
  cancel_reason: Nullable(Type.String()),
  canceled_at: Nullable(DateTime),
  grace_ends_at: Nullable(DateTime),
  version: Type.Integer({ description: 'Increases with every change of this subscription; ignore an event whose version is lower than one you have applied.' }),
});

export const PublicPayment = Type.Object({
  id: Type.String(),
  order_id: Type.String({ description: 'The Midtrans order_id.' }),
  end_user_id: Nullable(Type.String()),
  subscription_id: Type.String(),
  plan_id: Type.String(),
  plan_code: Nullable(Type.String()),
  purpose: Type.String({ description: 'new, upgrade or renewal' }),
  description: Type.String(),
  amount: Type.Integer({ description: 'Whole rupiah.' }),
  currency: Type.String(),
  status: Type.String({ description: 'pending, paid, failed, expired or refunded (refunded in full; a partly refunded payment stays paid, see refunded_amount)' }),
  method: Nullable(Type.String({ description: 'Midtrans payment_type, e.g. credit_card, bank_transfer, qris, gopay' })),
  created_at: DateTime,
  paid_at: Nullable(DateTime),
  refund_due: Nullable(
    Type.Object(
      {
        reason: Type.String({
          description:
            'settled_after_expiry or settled_after_failure (paid after we had told the customer the payment was over), period_ended (an upgrade priced for a period that ended first), plan_no_longer_applies',
        }),
        flagged_at: DateTime,
      },
      { description: 'Set when the gateway took money that bought nothing: the payment is paid, applied nothing, and should be refunded.' },
    ),
  ),
  refunded_amount: Type.Integer({ description: 'Whole rupiah refunded so far (0 when nothing was); equals amount when status is refunded.' }),
});

export const PublicRefund = Type.Object(
  {
    id: Type.String(),
    amount: Type.Integer({ description: 'Whole rupiah given back by this refund.' }),
    channel: Type.String({ description: 'midtrans (through Midtrans\' refund API) or outside (the merchant gave it back another way, e.g. a bank transfer, and recorded it)' }),
    reason: Type.Union([Type.String(), Type.Null()]),
    created_at: DateTime,
  },
  { description: 'payment.refunded only: the refund this event announces.' },
);

export const PublicPortalSession = Type.Object({
  id: Type.String(),
  end_user_id: Type.String(),
  redirect_uri: Nullable(Type.String()),
  locale: Nullable(Type.String()),
  expires_at: DateTime,
});

export const EXAMPLE_EVENT = {
  id: 'evt_5kQm2Z8xVb1nR7tY0pL3wA',
  type: 'subscription.updated',
  created_at: '2026-11-24T01:02:03.000Z',
  source: 'portal',
  data: {
    subscription: {
      id: 'sub_q3Xh0c2v9Yb1nM4kL7pR8w',
      end_user_id: 'user_abc123',
      status: 'active',
      plan_id: 'plan_Vb7mQ2x9Lk0pR4sT8wYz1A',
      plan_code: 'pro',
      current_period_start: '2026-11-01T00:00:00.000Z',
      current_period_end: '2026-12-01T00:00:00.000Z',
      scheduled_plan_id: null,
      scheduled_plan_code: null,
      cancel_at_period_end: false,
      cancel_reason: null,
      canceled_at: null,
      grace_ends_at: null,
      version: 4,
    },
    previous_attributes: { plan_id: 'plan_Fr3eQ2x9Lk0pR4sT8wYz1A', plan_code: 'free' },
    payment_id: 'pay_Hq2m8Zx0Vb1nR7tY3pL5wA',
  },
};

export const PublicEventSchema = Type.Object(
  {
    id: Type.String({ description: 'Unique per event; also sent as the `webhook-id` header. Deduplicate on it.' }),
    type: PublicEventType,
    created_at: DateTime,
    source: StringEnum(['portal', 'api', 'admin', 'scheduler', 'gateway', 'system'] as const, {
      description: 'Who caused it: the end user in the portal, your backend (api), the operator (admin), Langgan at a period end (scheduler), or Midtrans (gateway).',
    }),
    data: Type.Object(
      {
        subscription: Type.Optional(PublicSubscription),
        previous_attributes: Type.Optional(
          Type.Record(Type.String(), Type.Unknown(), { description: 'subscription.* except created: the old values of the fields that changed.' }),
        ),
        payment_id: Type.Optional(Type.String({ description: 'The payment that caused a subscription change (or, for past_due, the renewal payment to be paid).' })),
        reason: Type.Optional(Type.String({ description: 'Why Langgan made the change, e.g. `renewal_unpaid` when grace ran out.' })),
        payment: Type.Optional(PublicPayment),
        refund: Type.Optional(PublicRefund),
        portal_session: Type.Optional(PublicPortalSession),
      },
      { additionalProperties: true },
    ),
  },
  { examples: [EXAMPLE_EVENT] },
);

export const EventListQuery = Type.Object(
  {
    after: Type.Optional(
      Type.String({
        pattern: '^evt_[A-Za-z0-9_-]{1,64}$',
        errorMessage: 'must be an event id (evt_…)',
        description: 'Return the events published after this one (the last id you processed). Omit to start from the beginning.',
      }),
    ),
    type: Type.Optional(PublicEventType),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
  },
  { additionalProperties: false },
);
export type EventListQuery = Static<typeof EventListQuery>;

export const EventListResponse = Type.Object(
  {
    data: Type.Array(PublicEventSchema),
    has_more: Type.Boolean({ description: 'More events follow; ask again with `after` = the last id.' }),
  },
  { examples: [{ data: [EXAMPLE_EVENT], has_more: false }] },
);
