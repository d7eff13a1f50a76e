import type { Db } from '../../db/database.ts';
import type { EventSource, Subscription } from '../../db/types.ts';
import { recordEvent } from '../events/events.repository.ts';

/** Subscription fields an event's snapshot carries; `previous_attributes` uses the same names. */
export const SUBSCRIPTION_FIELDS = [
  'status',
  'plan_id',
  'current_period_start',
  'current_period_end',
  'scheduled_plan_id',
  'cancel_at_period_end',
  'cancel_reason',
  'canceled_at',
  'grace_ends_at',
] as const;

function serialise(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}

/** The subscription as events carry it (ISO dates, with its version for ordering). */
export function subscriptionSnapshot(sub: Subscription): Record<string, unknown> {
  return {
    id: sub.id,
    end_user_id: sub.end_user_id,
    version: sub.version,
    ...Object.fromEntries(SUBSCRIPTION_FIELDS.map((k) => [k, serialise(sub[k])])),
  };
}

/**
 * Records `subscription.updated` (or another type) with `previous_attributes` holding the
 * old values of exactly the fields that changed. Called inside the change's transaction.
 */
export async function recordSubscriptionChange(
  db: Db,
  e: { before: Subscription | undefined; after: Subscription; type?: string; source: EventSource; now: Date; extra?: Record<string, unknown> },
): Promise<void> {
  const previous: Record<string, unknown> = {};
  if (e.before) {
    for (const key of SUBSCRIPTION_FIELDS) {
      const was = serialise(e.before[key]);
      if (was !== serialise(e.after[key])) previous[key] = was;
    }
  }
  await recordEvent(db, {
    projectId: e.after.project_id,
    type: e.type ?? 'subscription.updated',
    subjectId: e.after.id,
    source: e.source,
    data: { subscription: subscriptionSnapshot(e.after), previous_attributes: previous, ...e.extra },
    now: e.now,
  });
}
