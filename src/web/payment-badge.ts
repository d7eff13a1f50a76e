import { badge, type BadgeTone, type Icon } from './components.ts';
import type { SafeHtml } from './html.ts';

/**
 * How a payment's or a subscription's status looks wherever it is shown (the portal, the
 * dashboard's payments and customers): tone and icon per status word; the app supplies the
 * text in its language, so an integrator and their customer see one state alike.
 * The words (`paid`, `refund_due`, …) are `modules/payments/display-status.ts`'s.
 */
const LOOKS: Record<string, [BadgeTone, Icon]> = {
  paid: ['ok', 'check'],
  pending: ['warn', 'clock'],
  failed: ['bad', 'cross'],
  canceled: ['neutral', 'cross'],
  expired: ['neutral', 'hourglass'],
  refunded: ['info', 'undo'],
  partially_refunded: ['info', 'undo'],
  refund_due: ['warn', 'undo'],
};

export function paymentStatusBadge(status: string, text: string): SafeHtml {
  const [tone, icon] = LOOKS[status] ?? ['neutral', 'dot'];
  return badge(tone, icon, text);
}

const SUBSCRIPTION_LOOKS: Record<string, [BadgeTone, Icon]> = {
  active: ['ok', 'check'],
  pending_payment: ['warn', 'clock'],
  past_due: ['bad', 'cross'],
  canceled: ['neutral', 'pause'],
  cancel_scheduled: ['warn', 'calendar'],
  downgrade_scheduled: ['info', 'calendar'],
};

export function subscriptionStatusBadge(status: string, text: string): SafeHtml {
  const [tone, icon] = SUBSCRIPTION_LOOKS[status] ?? ['neutral', 'dot'];
  return badge(tone, icon, text);
}
