import { formatDateTime, formatMoney } from '../../../web/format.ts';
import { renderMessage, type PaymentEmailBase, type RenderedEmail } from './layout.ts';
import { emailMessages } from './messages.ts';

export interface PastDueData extends PaymentEmailBase {
  /** The period end the renewal was due at. */
  dueSince: Date;
  /** The end of the grace period. */
  usableUntil: Date;
  /** The project's default plan the customer moves to if grace runs out, or null: the subscription ends. */
  fallbackPlan: string | null;
  /** "Pay now": a sign-in link that opens the renewal, and until when it works. */
  pay?: { url: string; until: Date };
}

/** "Your renewal is waiting for payment": how much, until when it stays usable, how to pay, and what happens if not. */
export function renderPastDue(d: PastDueData): RenderedEmail {
  const { common: c, pastDue: m } = emailMessages[d.locale];
  const amount = formatMoney(d.amount, d.currency, d.locale);
  const until = formatDateTime(d.usableUntil, d.locale, d.timeZone);
  return renderMessage(d, {
    subject: m.subject(d.planName, amount),
    heading: m.heading,
    lead: [m.intro(d.planName, d.projectName, amount), d.pay ? c.stillUsable(until) : `${c.stillUsable(until)} ${c.payRenewal(d.projectName)}`],
    rows: [
      [c.plan, d.planName],
      [c.amount, amount],
      [m.dueSince, formatDateTime(d.dueSince, d.locale, d.timeZone)],
      [c.usableUntil, until],
    ],
    ...(d.pay && { link: { label: c.payNow, href: d.pay.url } }),
    after: [...(d.pay ? [c.payLink(formatDateTime(d.pay.until, d.locale, d.timeZone))] : []), d.fallbackPlan ? m.thenMoves(d.planName, d.fallbackPlan) : m.thenEnds(d.planName)],
  });
}
