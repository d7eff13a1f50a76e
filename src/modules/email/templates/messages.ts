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
};

export const emailMessages: Record<Locale, EmailMessages> = { en, id };
