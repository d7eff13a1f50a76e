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

/** Banks of a virtual account, by the gateway's code. */
export const BANK_NAMES: Record<string, string> = { bca: 'BCA', bni: 'BNI', bri: 'BRI', permata: 'Permata', mandiri: 'Mandiri', cimb: 'CIMB Niaga' };

/** Convenience stores of a payment code, by the gateway's code. */
export const STORE_NAMES: Record<string, string> = { indomaret: 'Indomaret', alfamart: 'Alfamart' };

export function bankName(code: string): string {
  return BANK_NAMES[code] ?? code.toUpperCase();
}

export function storeName(code: string): string {
  return STORE_NAMES[code] ?? code;
}
