import type { Payment } from '../../../db/types.ts';
import { formatDateTime, formatMoney } from '../../../web/format.ts';
import { renderMessage, type PaymentEmailBase, type RenderedEmail } from './layout.ts';
import { emailMessages } from './messages.ts';

export interface PaymentLinkData extends PaymentEmailBase {
  purpose: Payment['purpose'];
  /** "Pay now": a sign-in link that opens the payment, and until when it works. */
  pay: { url: string; until: Date };
}

/** "A payment is waiting for you": an open payment, emailed from the dashboard by someone at the project. */
export function renderPaymentLink(d: PaymentLinkData): RenderedEmail {
  const { common: c, paymentLink: m } = emailMessages[d.locale];
  const amount = formatMoney(d.amount, d.currency, d.locale);
  return renderMessage(d, {
    subject: m.subject(d.planName, amount),
    heading: m.heading,
    lead: [m.intro(d.projectName, amount, d.planName)],
    rows: [
      [m.purpose, m.purposes[d.purpose]],
      [c.plan, d.planName],
      [c.amount, amount],
    ],
    link: { label: c.payNow, href: d.pay.url },
    after: [c.payLink(formatDateTime(d.pay.until, d.locale, d.timeZone)), m.ignore],
  });
}
