import type { Locale } from '../../../db/types.ts';

/**
 * Every sentence customer email says, in English and Bahasa Indonesia (`id` is typed as
 * `EmailMessages`: a missing string is a compile error). Plain text; templates escape.
 */
type A = string; // a formatted amount

export const en = {
  greeting: (name: string | null) => (name ? `Hi ${name},` : 'Hi,'),
  footer: (project: string) =>
    `You receive this email because you have a subscription with ${project}. Billing is handled by ${project} with Langgan.`,
  receipt: {
    subject: (plan: string, amount: A) => `Receipt: ${plan}, ${amount}`,
    heading: 'Payment received',
    intro: (amount: A, project: string) => `We received your payment of ${amount} to ${project}. Thank you.`,
    amount: 'Amount',
    plan: 'Plan',
    period: 'Period',
    paidAt: 'Paid on',
    method: 'Method',
    reference: 'Reference',
    keep: 'Keep this email as your receipt.',
  },
  instructions: {
    subject: (amount: A, deadline: string) => `How to pay ${amount} before ${deadline}`,
    heading: 'Waiting for your payment',
    intro: (amount: A, plan: string, project: string) => `To finish paying ${amount} for ${plan} to ${project}, use the details below.`,
    va: "Transfer exactly this amount to this virtual account from your bank's app, ATM or internet banking.",
    bill: "Pay this bill from Mandiri's app, ATM or internet banking with the codes below.",
    store: 'Show this code at the till and pay the amount in cash.',
    qr: 'Scan the QR code with any QRIS-enabled app (GoPay, OVO, DANA, ShopeePay or your bank).',
    openQr: 'Open the QR code',
    bank: 'Bank',
    vaNumber: 'Virtual account number',
    billerCode: 'Company code',
    billKey: 'Bill key',
    storeName: 'Store',
    paymentCode: 'Payment code',
    amount: 'Amount',
    deadline: 'Pay before',
    after: "We'll email your receipt as soon as the payment arrives. If the deadline passes, this payment ends and nothing is charged.",
  },
};

export type EmailMessages = typeof en;

export const id: EmailMessages = {
  greeting: (name) => (name ? `Halo ${name},` : 'Halo,'),
  footer: (project) =>
    `Anda menerima email ini karena berlangganan ${project}. Penagihan dikelola oleh ${project} dengan Langgan.`,
  receipt: {
    subject: (plan, amount) => `Tanda terima: ${plan}, ${amount}`,
    heading: 'Pembayaran diterima',
    intro: (amount, project) => `Kami telah menerima pembayaran Anda sebesar ${amount} kepada ${project}. Terima kasih.`,
    amount: 'Jumlah',
    plan: 'Paket',
    period: 'Periode',
    paidAt: 'Dibayar pada',
    method: 'Metode',
    reference: 'Referensi',
    keep: 'Simpan email ini sebagai tanda terima Anda.',
  },
  instructions: {
    subject: (amount, deadline) => `Cara membayar ${amount} sebelum ${deadline}`,
    heading: 'Menunggu pembayaran Anda',
    intro: (amount, plan, project) => `Untuk menyelesaikan pembayaran ${amount} untuk ${plan} kepada ${project}, gunakan rincian di bawah.`,
    va: 'Transfer tepat sejumlah ini ke nomor virtual account ini lewat aplikasi bank, ATM, atau internet banking.',
    bill: 'Bayar tagihan ini lewat aplikasi, ATM, atau internet banking Mandiri dengan kode di bawah.',
    store: 'Tunjukkan kode ini di kasir dan bayar jumlahnya secara tunai.',
    qr: 'Pindai kode QR dengan aplikasi apa pun yang mendukung QRIS (GoPay, OVO, DANA, ShopeePay, atau aplikasi bank).',
    openQr: 'Buka kode QR',
    bank: 'Bank',
    vaNumber: 'Nomor virtual account',
    billerCode: 'Kode perusahaan',
    billKey: 'Kode bayar',
    storeName: 'Toko',
    paymentCode: 'Kode pembayaran',
    amount: 'Jumlah',
    deadline: 'Bayar sebelum',
    after: 'Kami akan mengirim tanda terima begitu pembayaran diterima. Bila batas waktu lewat, pembayaran ini berakhir dan tidak ada yang ditagih.',
  },
};

export const emailMessages: Record<Locale, EmailMessages> = { en, id };
