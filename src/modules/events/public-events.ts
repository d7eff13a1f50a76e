import type { Db } from '../../db/database.ts';
import type { Event, EventSource, Payment, PlanInterval } from '../../db/types.ts';
import { addInterval } from '../../lib/periods.ts';
import { SUBSCRIPTION_FIELDS } from '../subscriptions/subscription-events.ts';
import * as repo from './public-events.repository.ts';

/**
 * The events integrators see — as webhooks and from `GET /api/platform/events`. Everything
 * else in the `events` table (project.*, plan.*, payment.created, payment.pending…) is
 * internal audit log and never leaves Langgan.
 */
export const PUBLIC_EVENT_TYPES = [
  'subscription.created',
  'subscription.updated',
  'subscription.canceled',
  'subscription.renewed',
  'subscription.past_due',
  'payment.succeeded',
  'payment.failed',
  'payment.refund_due',
  'payment.refunded',
  'portal_session.created',
] as const;
export type PublicEventType = (typeof PUBLIC_EVENT_TYPES)[number];

export function isPublicEventType(type: string): type is PublicEventType {
  return (PUBLIC_EVENT_TYPES as readonly string[]).includes(type);
}

/** `{id, type, created_at, source, data}`: the webhook body, byte for byte. */
export interface PublicEvent {
  id: string;
  type: PublicEventType;
  created_at: string;
  source: EventSource;
  data: Record<string, unknown>;
}

/** The public payment object (payment events, `GET …/payments`). */
export interface PublicPaymentObject {
  id: string;
  order_id: string;
  end_user_id: string | null;
  subscription_id: string;
  plan_id: string;
  plan_code: string | null;
  purpose: string;
  description: string;
  amount: number;
  currency: string;
  status: string;
  method: string | null;
  created_at: string;
  paid_at: string | null;
  /** Set when the gateway took money that bought nothing (see docs/billing.md): give it back. */
  refund_due: { reason: string; flagged_at: string } | null;
  /** Whole rupiah given back so far (status `refunded` once it is the whole amount). */
  refunded_amount: number;
}

/** Extra facts of subscription events that are safe and stable to publish. */
const SUBSCRIPTION_EXTRAS = ['payment_id', 'reason'] as const;

type Snapshot = Record<string, unknown>;

interface Lookups {
  externalIds: Map<string, string>;
  planCodes: Map<string, string>;
  planIntervals: Map<string, PlanInterval>;
  payments: Map<string, Payment>;
}

/**
 * Builds the public payload of each public event in `events` (internal ones are left out
 * of the map). Built once, when the event is published, from the event's own data and
 * facts that never change afterwards (an end user's external id, a plan's code, a
 * payment's amount), so the stored payload stays true however often it is read or replayed.
 */
export async function buildPublicEvents(db: Db, events: Event[]): Promise<Map<string, PublicEvent>> {
  const wanted = events.filter((e) => isPublicEventType(e.type));
  const paymentIds = wanted.filter((e) => e.type.startsWith('payment.')).map((e) => e.subject_id);
  const payments = await repo.findPayments(db, unique(paymentIds));

  const endUserIds: string[] = [];
  const planIds: string[] = [];
  for (const e of wanted) {
    const snap = e.data.subscription as Snapshot | undefined;
    const prev = e.data.previous_attributes as Snapshot | undefined;
    for (const s of [snap, prev]) {
      if (!s) continue;
      if (typeof s.end_user_id === 'string') endUserIds.push(s.end_user_id);
      for (const k of ['plan_id', 'scheduled_plan_id']) if (typeof s[k] === 'string') planIds.push(s[k] as string);
    }
    if (typeof e.data.plan_id === 'string') planIds.push(e.data.plan_id);
  }
  for (const p of payments.values()) {
    endUserIds.push(p.end_user_id);
    planIds.push(p.plan_id);
  }
  const plans = await repo.findPlanFacts(db, unique(planIds));
  const lookups: Lookups = {
    externalIds: await repo.findExternalIds(db, unique(endUserIds)),
    planCodes: new Map([...plans].map(([id, p]) => [id, p.code])),
    planIntervals: new Map([...plans].map(([id, p]) => [id, p.interval])),
    payments,
  };

  const result = new Map<string, PublicEvent>();
  for (const e of wanted) {
    const data = presentData(e, lookups);
    if (data) result.set(e.id, { id: e.id, type: e.type as PublicEventType, created_at: e.created_at.toISOString(), source: e.source, data });
  }
  return result;
}

function presentData(e: Event, l: Lookups): Record<string, unknown> | undefined {
  if (e.type.startsWith('subscription.')) return presentSubscriptionEvent(e, l);
  if (e.type.startsWith('payment.')) {
    const payment = l.payments.get(e.subject_id);
    if (!payment) return undefined;
    const data: Record<string, unknown> = { payment: presentPaymentAtEvent(payment, e, l) };
    if (e.type === 'payment.refunded') data.refund = presentRefund(e);
    return data;
  }
  if (e.type === 'portal_session.created') {
    const s = (e.data.portal_session ?? {}) as Snapshot;
    return {
      portal_session: { id: s.id ?? e.subject_id, end_user_id: s.end_user_id, redirect_uri: s.redirect_uri ?? null, locale: s.locale ?? null, expires_at: s.expires_at },
    };
  }
  return undefined;
}

function presentSubscriptionEvent(e: Event, l: Lookups): Record<string, unknown> {
  const snap = (e.data.subscription as Snapshot | undefined) ?? compactCreatedSnapshot(e, l);
  const data: Record<string, unknown> = { subscription: presentSubscription(snap, l) };
  if (e.type !== 'subscription.created') {
    data.previous_attributes = presentPrevious((e.data.previous_attributes as Snapshot | undefined) ?? {}, l);
  }
  for (const key of SUBSCRIPTION_EXTRAS) if (e.data[key] !== undefined) data[key] = e.data[key];
  return data;
}

/**
 * The `subscription.created` the portal-session hot path writes (the `mint_portal_token`
 * function keeps it small: `{plan_id, end_user_id (external), version}`). Everything else
 * follows from how that function creates the row: active on the default plan, the first
 * period starting at the event and lasting one plan interval (lib/periods, as the caller
 * computes it), nothing scheduled.
 */
function compactCreatedSnapshot(e: Event, l: Lookups): Snapshot {
  const planId = typeof e.data.plan_id === 'string' ? e.data.plan_id : null;
  const interval = planId ? l.planIntervals.get(planId) : undefined;
  return {
    id: e.subject_id,
    external_end_user_id: e.data.end_user_id,
    version: e.data.version ?? 1,
    status: 'active',
    plan_id: planId,
    current_period_start: e.created_at.toISOString(),
    current_period_end: interval ? addInterval(e.created_at, interval).toISOString() : null,
    cancel_at_period_end: false,
  };
}

export function presentSubscription(snap: Snapshot, l: Pick<Lookups, 'externalIds' | 'planCodes'>): Record<string, unknown> {
  const internalUser = typeof snap.end_user_id === 'string' ? snap.end_user_id : undefined;
  const out: Record<string, unknown> = {
    id: snap.id,
    end_user_id: snap.external_end_user_id ?? (internalUser && l.externalIds.get(internalUser)) ?? null,
  };
  for (const field of SUBSCRIPTION_FIELDS) {
    out[field] = snap[field] ?? (field === 'cancel_at_period_end' ? false : null);
    if (field === 'plan_id') out.plan_code = codeOf(snap.plan_id, l);
    if (field === 'scheduled_plan_id') out.scheduled_plan_code = codeOf(snap.scheduled_plan_id, l);
  }
  out.version = snap.version;
  return out;
}

function presentPrevious(prev: Snapshot, l: Lookups): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of SUBSCRIPTION_FIELDS) {
    if (!(field in prev)) continue;
    out[field] = prev[field];
    if (field === 'plan_id') out.plan_code = codeOf(prev.plan_id, l);
    if (field === 'scheduled_plan_id') out.scheduled_plan_code = codeOf(prev.scheduled_plan_id, l);
  }
  return out;
}

function codeOf(planId: unknown, l: Pick<Lookups, 'planCodes'>): string | null {
  return typeof planId === 'string' ? (l.planCodes.get(planId) ?? null) : null;
}

/**
 * A payment as its event saw it: the status the event announced, not whatever came later.
 * A refund event says what was refunded by then; earlier events, nothing (refunds come after).
 */
function presentPaymentAtEvent(p: Payment, e: Event, l: Lookups): PublicPaymentObject {
  const refunded = e.type === 'payment.refunded';
  const status =
    e.type === 'payment.succeeded' || e.type === 'payment.refund_due' ? 'paid'
      : e.type === 'payment.failed' ? 'failed'
        : refunded && typeof e.data.status === 'string' ? e.data.status
          : p.status;
  const method = typeof e.data.method === 'string' ? e.data.method : p.payment_method;
  return presentPayment(p, {
    externalId: l.externalIds.get(p.end_user_id) ?? null,
    planCode: l.planCodes.get(p.plan_id) ?? null,
    status,
    method,
    paidAt: status === 'paid' || status === 'refunded' ? p.paid_at : null,
    refundedAmount: refunded && typeof e.data.refunded_amount === 'number' ? e.data.refunded_amount : 0,
  });
}

/** `payment.refunded`'s `refund`: this refund's facts, as recorded with the event. */
function presentRefund(e: Event): Record<string, unknown> {
  const r = (e.data.refund ?? {}) as Snapshot;
  return { id: r.id ?? null, amount: r.amount ?? null, channel: r.channel ?? null, reason: r.reason || null, created_at: e.created_at.toISOString() };
}

/** The public payment object, shared by payment events and `GET …/payments`. */
export function presentPayment(
  p: Payment,
  o: { externalId: string | null; planCode: string | null; status?: string; method?: string | null; paidAt?: Date | null; refundedAmount?: number },
): PublicPaymentObject {
  return {
    id: p.id,
    order_id: p.order_id,
    end_user_id: o.externalId,
    subscription_id: p.subscription_id,
    plan_id: p.plan_id,
    plan_code: o.planCode,
    purpose: p.purpose,
    description: p.description,
    amount: p.amount,
    currency: p.currency,
    status: o.status ?? p.status,
    method: o.method !== undefined ? o.method : p.payment_method,
    created_at: p.created_at.toISOString(),
    paid_at: (o.paidAt !== undefined ? o.paidAt : p.paid_at)?.toISOString() ?? null,
    refund_due: p.refund_due_reason && p.refund_due_at ? { reason: p.refund_due_reason, flagged_at: p.refund_due_at.toISOString() } : null,
    refunded_amount: o.refundedAmount ?? p.refunded_amount,
  };
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
