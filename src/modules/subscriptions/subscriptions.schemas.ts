import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from '../../lib/schema.ts';
import { EndUserId } from '../portal-sessions/portal-sessions.schemas.ts';

export const EndUserParams = Type.Object({ end_user_id: EndUserId }, { additionalProperties: false });

const PlanSummary = Type.Object({
  id: Type.String(),
  code: Type.String(),
  name: Type.String(),
  price: Type.Integer(),
  currency: Type.String(),
  interval: Type.String(),
});

export const SubscriptionResponse = Type.Object(
  {
    end_user_id: Type.String({ examples: ['user_abc123'] }),
    subscription_id: Type.Union([Type.String(), Type.Null()]),
    status: StringEnum(['none', 'incomplete', 'active', 'past_due', 'canceled'] as const, {
      description: '`none`: never had a plan; `incomplete`: a first paid plan awaits payment (no plan yet).',
    }),
    plan: Type.Union([PlanSummary, Type.Null()]),
    current_period_start: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    current_period_end: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    cancel_at_period_end: Type.Boolean(),
    cancel_reason: Type.Union([Type.String(), Type.Null()]),
    canceled_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    scheduled_change: Type.Union([
      Type.Object({ plan: PlanSummary, effective_at: Type.String({ format: 'date-time' }) }),
      Type.Null(),
    ]),
    grace_ends_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    version: Type.Integer({ description: 'Increases with every change; compare to drop stale webhooks.' }),
  },
  {
    examples: [
      {
        end_user_id: 'user_abc123',
        subscription_id: 'sub_q3Xh0c2v9Yb1nM4kL7pR8w',
        status: 'active',
        plan: { id: 'plan_Vb7mQ2x9Lk0pR4sT8wYz1A', code: 'pro', name: 'Pro', price: 150000, currency: 'IDR', interval: 'month' },
        current_period_start: '2026-11-01T00:00:00.000Z',
        current_period_end: '2026-12-01T00:00:00.000Z',
        cancel_at_period_end: false,
        cancel_reason: null,
        canceled_at: null,
        scheduled_change: null,
        grace_ends_at: null,
        version: 3,
      },
    ],
  },
);
export type SubscriptionResponse = Static<typeof SubscriptionResponse>;

export const PlanChoiceBody = Type.Object(
  {
    plan_code: Type.String({ minLength: 1, maxLength: 40, description: 'The `code` of one of your plans.', examples: ['business'] }),
  },
  { additionalProperties: false, examples: [{ plan_code: 'business' }] },
);

export const CancelBody = Type.Object(
  { reason: Type.Optional(Type.String({ maxLength: 500, description: 'Why the customer is leaving; reported back to you.' })) },
  { additionalProperties: false, examples: [{ reason: 'Too expensive for us right now' }] },
);

const CheckoutItemSchema = Type.Object({ id: Type.String(), name: Type.String(), price: Type.Integer(), quantity: Type.Integer() });

export const PreviewResponse = Type.Object(
  {
    kind: StringEnum(['start_paid', 'switch_now', 'upgrade_prorated', 'upgrade_new_period', 'scheduled_at_period_end'] as const),
    amount: Type.Integer({ description: 'Charged now, whole rupiah (0 when nothing is charged).' }),
    currency: Type.String(),
    items: Type.Array(CheckoutItemSchema, { description: 'What the payment page will show; sums to `amount`.' }),
    credit: Type.Integer({ description: 'Credit for unused time on the current plan.' }),
    effective_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: '`null`: when the payment settles.' }),
  },
  {
    examples: [
      {
        kind: 'upgrade_prorated',
        amount: 203226,
        currency: 'IDR',
        items: [
          { id: 'plan-business', name: 'Business, rest of current period', price: 304839, quantity: 1 },
          { id: 'proration-credit', name: 'Unused time on Pro', price: -101613, quantity: 1 },
        ],
        credit: 101613,
        effective_at: null,
      },
    ],
  },
);

export const ChangeResponse = Type.Object(
  {
    outcome: StringEnum(['applied', 'scheduled', 'payment_required'] as const),
    kind: Type.String(),
    payment: Type.Union([
      Type.Object({
        id: Type.String(),
        order_id: Type.String(),
        amount: Type.Integer(),
        currency: Type.String(),
        status: Type.String(),
        payment_url: Type.Union([Type.String(), Type.Null()], { description: 'Send the customer here to pay (Midtrans Snap).' }),
        expires_at: Type.String({ format: 'date-time' }),
      }),
      Type.Null(),
    ]),
    subscription: SubscriptionResponse,
  },
  {
    examples: [
      {
        outcome: 'scheduled',
        kind: 'scheduled_at_period_end',
        payment: null,
        subscription: SubscriptionResponse.examples[0],
      },
    ],
  },
);
