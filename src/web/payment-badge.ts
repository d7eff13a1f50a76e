import { badge, type BadgeTone, type Icon } from './components.ts';
import type { SafeHtml } from './html.ts';

/**
 * How a payment's status looks wherever it is shown (the portal's history, the dashboard's
 * payments): tone and icon per status word; the app supplies the text in its language.
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
