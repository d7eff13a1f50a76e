import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from '../../lib/schema.ts';
import { ProjectParams } from '../projects/projects.schemas.ts';

const PlanName = Type.String({ minLength: 1, maxLength: 60, examples: ['Pro'] });
const Description = Type.String({ maxLength: 500, examples: ['For growing teams'] });
const Features = Type.Array(Type.String({ minLength: 1, maxLength: 120 }), {
  maxItems: 30,
  examples: [['Unlimited notes', 'Priority support']],
});
const PlanText = Type.Object(
  { name: Type.Optional(PlanName), description: Type.Optional(Description), features: Type.Optional(Features) },
  { additionalProperties: false },
);
const Translations = Type.Object(
  { en: Type.Optional(PlanText), id: Type.Optional(PlanText) },
  {
    additionalProperties: false,
    description:
      "The plan's name, description and features in another language (`en` English, `id` Bahasa Indonesia). The portal shows the customer's language and falls back to the plan's own text for anything left out. On update, replaces the whole object (`{}` removes them all).",
    examples: [{ id: { name: 'Pro', description: 'Untuk tim yang berkembang', features: ['Catatan tanpa batas', 'Dukungan prioritas'] } }],
  },
);
const SortOrder = Type.Integer({ minimum: -1000, maximum: 1000 });
const IsDefault = Type.Boolean({ description: 'New end users start on this plan. Only a free plan can be the default.' });

export const CreatePlanBody = Type.Object(
  {
    code: Type.String({
      pattern: '^[a-z0-9][a-z0-9_-]{0,39}$',
      errorMessage: 'must be 1-40 lowercase letters, digits, hyphens or underscores, starting with a letter or digit',
      examples: ['pro-monthly'],
    }),
    name: PlanName,
    price: Type.Integer({
      minimum: 0,
      maximum: 1_000_000_000_000,
      description: 'Whole rupiah per interval (IDR has no minor unit at Midtrans). 0 makes a free plan.',
      examples: [150000],
    }),
    interval: StringEnum(['month', 'year'] as const),
    currency: Type.Optional(StringEnum(['IDR'] as const)),
    description: Type.Optional(Description),
    features: Type.Optional(Features),
    translations: Type.Optional(Translations),
    sort_order: Type.Optional(SortOrder),
    is_default: Type.Optional(IsDefault),
  },
  {
    additionalProperties: false,
    examples: [{ code: 'pro', name: 'Pro', price: 150000, interval: 'month', features: ['Unlimited notes', 'Priority support'] }],
  },
);
export type CreatePlanBody = Static<typeof CreatePlanBody>;

export const UpdatePlanBody = Type.Object(
  {
    name: Type.Optional(PlanName),
    description: Type.Optional(Description),
    features: Type.Optional(Features),
    translations: Type.Optional(Translations),
    sort_order: Type.Optional(SortOrder),
    is_default: Type.Optional(IsDefault),
    archived: Type.Optional(
      Type.Boolean({ description: 'Archived plans are hidden from the portal and cannot be chosen; current subscribers keep them.' }),
    ),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    description: 'code, price, interval and currency are immutable: create a new plan and archive the old one.',
    examples: [{ features: ['Unlimited notes', 'Priority support', 'SSO'] }, { archived: true }],
  },
);
export type UpdatePlanBody = Static<typeof UpdatePlanBody>;

export const PlanParams = Type.Composite([
  ProjectParams,
  Type.Object({ planId: Type.String({ pattern: '^plan_[A-Za-z0-9_-]{1,64}$', errorMessage: 'must be a plan id (plan_…)' }) }),
], { additionalProperties: false });

export const PlanListQuery = Type.Object(
  { include_archived: Type.Optional(Type.Boolean({ default: false })) },
  { additionalProperties: false },
);

export const PlanResponse = Type.Object(
  {
    id: Type.String({ examples: ['plan_Vb7mQ2x9Lk0pR4sT8wYz1A'] }),
    code: Type.String(),
    name: Type.String(),
    description: Type.String(),
    price: Type.Integer(),
    currency: Type.String(),
    interval: Type.String(),
    features: Type.Array(Type.String()),
    translations: Translations,
    sort_order: Type.Integer(),
    is_default: Type.Boolean(),
    archived: Type.Boolean(),
    created_at: Type.String({ format: 'date-time' }),
  },
  { $id: 'Plan', examples: [planExample()] },
);

function planExample() {
  return {
    id: 'plan_Vb7mQ2x9Lk0pR4sT8wYz1A',
    code: 'pro',
    name: 'Pro',
    description: 'For growing teams',
    price: 150000,
    currency: 'IDR',
    interval: 'month',
    features: ['Unlimited notes', 'Priority support'],
    translations: { id: { description: 'Untuk tim yang berkembang', features: ['Catatan tanpa batas', 'Dukungan prioritas'] } },
    sort_order: 1,
    is_default: false,
    archived: false,
    created_at: '2026-11-24T01:00:00.000Z',
  };
}
export type PlanResponse = Static<typeof PlanResponse>;

export const PlanListResponse = Type.Object({ data: Type.Array(Type.Ref('Plan')) }, { examples: [{ data: [planExample()] }] });
