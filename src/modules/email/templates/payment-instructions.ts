import type { PaymentInstructions } from '../../../payments/gateway.ts';
import { formatDateTime, formatMoney } from '../../../web/format.ts';
import { safeUrl } from '../../../web/html.ts';
import { bankName, storeName } from '../../payments/method-names.ts';
import { renderMessage, type PaymentEmailBase, type RenderedEmail } from './layout.ts';
import { emailMessages } from './messages.ts';

export interface InstructionsData extends PaymentEmailBase {
  deadline: Date;
  how: PaymentInstructions;
}

/**
 * "Waiting for your payment": what the portal's processing page shows, for a customer who
 * closed it — the bank and virtual account number (or bill codes, store code, QR link), the
 * exact amount and the deadline with its zone.
 */
export function renderPaymentInstructions(d: InstructionsData): RenderedEmail {
  const m = emailMessages[d.locale].instructions;
  const amount = formatMoney(d.amount, d.currency, d.locale);
  const deadline = formatDateTime(d.deadline, d.locale, d.timeZone);
  const rows: Array<[string, string]> = [];
  let explain = m.qr;
  if (d.how.va) {
    explain = m.va;
    rows.push([m.bank, bankName(d.how.va.bank)], [m.vaNumber, d.how.va.number]);
  } else if (d.how.bill) {
    explain = m.bill;
    rows.push([m.billerCode, d.how.bill.billerCode], [m.billKey, d.how.bill.billKey]);
  } else if (d.how.store) {
    explain = m.store;
    rows.push([m.storeName, storeName(d.how.store.store)], [m.paymentCode, d.how.store.paymentCode]);
  }
  rows.push([m.amount, amount], [m.deadline, deadline]);
  const qr = !d.how.va && !d.how.bill && !d.how.store ? safeUrl(d.how.qrUrl) : undefined;
  return renderMessage(d, {
    subject: m.subject(amount, deadline),
    heading: m.heading,
    lead: [m.intro(amount, d.planName, d.projectName), explain],
    rows,
    ...(qr && { link: { label: m.openQr, href: qr } }),
    after: [m.after],
  });
}
