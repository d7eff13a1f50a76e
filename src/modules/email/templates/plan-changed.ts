import type { PlanInterval } from '../../../db/types.ts';
import { formatDateTime, formatMoney } from '../../../web/format.ts';
import { renderMessage, type EmailBase, type RenderedEmail } from './layout.ts';
import { emailMessages } from './messages.ts';

export interface PlanChangedData extends EmailBase {
  fromPlan: string;
  toPlan: string;
  /** The new plan's recurring price and interval. */
  price: number;
  currency: string;
  interval: PlanInterval;
  effectiveAt: Date;
  /** When the new plan next renews (its current period's end), or null when nothing will be charged or a renewal is already due. */
  renewsAt: Date | null;
}

/** "Your plan has changed": from, to, the new price and interval, since when, next renewal. No payment details: the receipt has those. */
export function renderPlanChanged(d: PlanChangedData): RenderedEmail {
  const { common: c, planChanged: m } = emailMessages[d.locale];
  const price = d.price === 0 ? m.free : m.perInterval[d.interval](formatMoney(d.price, d.currency, d.locale));
  return renderMessage(d, {
    subject: m.subject(d.toPlan),
    heading: m.heading,
    lead: [m.intro(d.fromPlan, d.toPlan, d.projectName)],
    rows: [
      [m.from, d.fromPlan],
      [m.to, d.toPlan],
      [m.price, price],
      [m.effective, formatDateTime(d.effectiveAt, d.locale, d.timeZone)],
      ...(d.renewsAt ? [[m.renews, formatDateTime(d.renewsAt, d.locale, d.timeZone)] as [string, string]] : []),
    ],
    after: [c.manage(d.projectName)],
  });
}
