import { formatDate, formatDateTime, formatMoney } from '../../../web/format.ts';
import { renderMessage, type PaymentEmailBase, type RenderedEmail } from './layout.ts';
import { emailMessages } from './messages.ts';

export interface RenewalReminderData extends PaymentEmailBase {
  /** The end of the period being paid for now (the renewal starts there). */
  periodEnds: Date;
  /** The end of the period the renewal buys. */
  renewalEnds: Date;
  /** Until when the subscription would stay usable unpaid (the period end plus the project's grace). */
  graceEnds: Date;
  /** "Pay now": a sign-in link that opens the renewal, and until when it works. */
  pay: { url: string; until: Date };
}

/** "Your renewal is ready to pay": sent ahead of the period end to a customer without a saved card. */
export function renderRenewalReminder(d: RenewalReminderData): RenderedEmail {
  const { common: c, renewalReminder: m } = emailMessages[d.locale];
  const amount = formatMoney(d.amount, d.currency, d.locale);
  const ends = formatDateTime(d.periodEnds, d.locale, d.timeZone);
  return renderMessage(d, {
    subject: m.subject(d.planName, amount),
    heading: m.heading,
    lead: [m.intro(d.planName, d.projectName, ends, amount)],
    rows: [
      [c.plan, d.planName],
      [c.amount, amount],
      [m.periodEnds, ends],
      [m.nextPeriod, `${formatDate(d.periodEnds, d.locale, d.timeZone)} – ${formatDate(d.renewalEnds, d.locale, d.timeZone)}`],
    ],
    link: { label: c.payNow, href: d.pay.url },
    after: [c.payLink(formatDateTime(d.pay.until, d.locale, d.timeZone)), m.ifNot(formatDateTime(d.graceEnds, d.locale, d.timeZone))],
  });
}
