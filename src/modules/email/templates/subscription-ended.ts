import { formatDateTime } from '../../../web/format.ts';
import { renderMessage, type EmailBase, type RenderedEmail } from './layout.ts';
import { emailMessages } from './messages.ts';

export interface SubscriptionEndedData extends EmailBase {
  /** The plan that ended. */
  planName: string;
  /** `canceled`: a scheduled cancellation took effect at period end; `unpaid`: grace ran out. */
  reason: 'canceled' | 'unpaid';
  endedAt: Date;
  /** The project's default plan the customer is on now, or null: no plan. */
  fallbackPlan: string | null;
}

/** "Your subscription has ended" (or, moved to the free default plan, "Your plan has ended"): which, when, why, what now. */
export function renderSubscriptionEnded(d: SubscriptionEndedData): RenderedEmail {
  const { common: c, subscriptionEnded: m } = emailMessages[d.locale];
  const wording = d.reason === 'canceled' ? m.canceled : d.fallbackPlan ? m.movedToFallback : m.unpaid;
  const endedAt = formatDateTime(d.endedAt, d.locale, d.timeZone);
  return renderMessage(d, {
    subject: wording.subject(d.planName),
    heading: wording.heading,
    lead: [wording.intro(d.planName, d.projectName, endedAt)],
    rows: [[c.plan, d.planName], [m.endedOn, endedAt], ...(d.fallbackPlan ? [[m.planNow, d.fallbackPlan] as [string, string]] : [])],
    after: d.fallbackPlan ? [m.nowOn(d.fallbackPlan), c.manage(d.projectName)] : [m.subscribeAgain(d.projectName)],
  });
}
