import type { PaymentInstructions } from '../../../payments/gateway.ts';
import { resolveTheme } from '../../../theme/resolve.ts';
import { formatDateTime, formatMoney } from '../../../web/format.ts';
import { html, safeUrl } from '../../../web/html.ts';
import { bankName, storeName } from '../../payments/method-names.ts';
import { detailRows, renderEmail, type PaymentEmailBase, type RenderedEmail } from './layout.ts';
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
  const t = emailMessages[d.locale];
  const m = t.instructions;
  const amount = formatMoney(d.amount, d.currency, d.locale);
  const deadline = formatDateTime(d.deadline, d.locale, d.timeZone);
  const v = resolveTheme(d.theme, 'light').vars;
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
  const details = detailRows(rows, { muted: v['--muted']!, border: v['--border']! });
  const greeting = t.greeting(d.customerName);
  const intro = m.intro(amount, d.planName, d.projectName);
  const button = qr
    ? html`<p style="margin:16px 0;"><a href="${qr}" style="display:inline-block;padding:10px 16px;background:${v['--primary']};color:${v['--on-primary']};border-radius:${v['--radius']};text-decoration:none;font-weight:600;">${m.openQr}</a></p>`
    : '';
  return renderEmail({
    locale: d.locale,
    projectName: d.projectName,
    theme: d.theme,
    subject: m.subject(amount, deadline),
    heading: m.heading,
    body: html`<p style="margin:0 0 12px;">${greeting}</p><p style="margin:0 0 12px;">${intro}</p><p style="margin:0 0 12px;">${explain}</p>${details.html}${button}<p style="margin:0;">${m.after}</p>`,
    text: [greeting, '', intro, '', explain, '', ...details.text, ...(qr ? ['', `${m.openQr}: ${qr}`] : []), '', m.after],
  });
}
