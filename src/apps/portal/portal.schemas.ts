import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from '../../lib/schema.ts';

/**
 * The portal's request shapes. Form bodies are validated exactly (unknown fields refused);
 * query strings allow extra parameters, because integrators and Midtrans append their own.
 * Ids in paths are only ever looked up within the session's own project and end user.
 */

/** Why people leave, offered as choices on the cancel page; the integrator sees the code. */
export const CANCEL_REASONS = ['too_expensive', 'missing_features', 'not_using', 'switching', 'other'] as const;

const Csrf = Type.String({ minLength: 1, maxLength: 200 });
const ActionId = Type.String({ pattern: '^[A-Za-z0-9_-]{16,64}$', errorMessage: 'must be the form\'s action id' });

export const ActionForm = Type.Object({ csrf: Csrf, action_id: ActionId }, { additionalProperties: false });
export type ActionForm = Static<typeof ActionForm>;

/** Choosing a plan; `replace` names the open payment of another plan change to abandon first. */
export const PlanChangeForm = Type.Object(
  { csrf: Csrf, action_id: ActionId, replace: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })) },
  { additionalProperties: false },
);
export type PlanChangeForm = Static<typeof PlanChangeForm>;

export const CancelForm = Type.Object(
  {
    csrf: Csrf,
    action_id: ActionId,
    reason: Type.Optional(StringEnum(CANCEL_REASONS)),
    comment: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type CancelForm = Static<typeof CancelForm>;

export const LeaveForm = Type.Object({ csrf: Csrf }, { additionalProperties: false });
export type LeaveForm = Static<typeof LeaveForm>;

/** The language switch in the header: the language chosen and the page to come back to. */
export const LanguageForm = Type.Object(
  { csrf: Csrf, locale: StringEnum(['en', 'id'] as const), back: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);

/** Continuing to another account's link from the "open a different account?" page. */
export const SwitchForm = Type.Object(
  {
    csrf: Csrf,
    session: Type.String({ minLength: 1, maxLength: 200 }),
    redirect_uri: Type.Optional(Type.String({ maxLength: 2000 })),
    flow: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
);
export type SwitchForm = Static<typeof SwitchForm>;

export const EntryQuery = Type.Object(
  {
    session: Type.Optional(Type.String({ maxLength: 200 })),
    redirect_uri: Type.Optional(Type.String({ maxLength: 2000 })),
    notice: Type.Optional(Type.String({ maxLength: 40 })),
    /** Where to land (modules/portal-sessions/flow.ts); not a flow: the overview. */
    flow: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: true },
);
export type EntryQuery = Static<typeof EntryQuery>;

export const PlanParams = Type.Object({ planId: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false });
export const PaymentParams = Type.Object({ paymentId: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false });

export const HistoryQuery = Type.Object(
  { page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 1 })) },
  { additionalProperties: true },
);

/** Midtrans appends merchant_id, status_code and transaction_status too; only order_id is read. */
export const ReturnQuery = Type.Object({ order_id: Type.Optional(Type.String({ maxLength: 100 })) }, { additionalProperties: true });
