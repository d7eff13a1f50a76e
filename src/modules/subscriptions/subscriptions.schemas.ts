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
