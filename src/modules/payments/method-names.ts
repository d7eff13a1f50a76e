import type { Locale } from '../../db/types.ts';

/** Payment methods (Midtrans `payment_type`) as customers read them, in the portal and in email. */
export const PAYMENT_METHOD_NAMES: Record<Locale, Record<string, string>> = {
  en: {
    credit_card: 'Card',
    bank_transfer: 'Bank transfer (VA)',
    echannel: 'Mandiri Bill',
    permata: 'Permata VA',
    qris: 'QRIS',
    gopay: 'GoPay',
    shopeepay: 'ShopeePay',
    cstore: 'Convenience store',
  },
  id: {
    credit_card: 'Kartu',
    bank_transfer: 'Transfer bank (VA)',
    echannel: 'Mandiri Bill',
    permata: 'VA Permata',
    qris: 'QRIS',
    gopay: 'GoPay',
    shopeepay: 'ShopeePay',
    cstore: 'Gerai retail',
  },
};
