import { formatDate, formatDateTime } from '../../../web/format.ts';
import { renderMessage, type EmailBase, type RenderedEmail } from './layout.ts';
import { emailMessages } from './messages.ts';

export interface CancellationScheduledData extends EmailBase {
  planName: string;
  /** The end of the paid period: access lasts until then, and it can be resumed until then. */
  accessUntil: Date;
}

/** "Your cancellation is scheduled": no more charges, access until the period end, and how to resume. */
export function renderCancellationScheduled(d: CancellationScheduledData): RenderedEmail {
  const { common: c, cancellationScheduled: m } = emailMessages[d.locale];
  const until = formatDateTime(d.accessUntil, d.locale, d.timeZone);
  return renderMessage(d, {
    subject: m.subject(d.planName, formatDate(d.accessUntil, d.locale, d.timeZone)),
    heading: m.heading,
    lead: [m.intro(d.planName, d.projectName), m.access(until)],
    rows: [[c.plan, d.planName], [m.accessUntil, until]],
    after: [m.resume(d.projectName)],
  });
}
