import type { PaymentStatus } from '../gateway.ts';

/**
 * Midtrans `transaction_status` (+ `fraud_status`) → our PaymentStatus, per the protocol reference.
 * Returns `undefined` for a status the reference does not list (e.g. `chargeback`): callers must
 * treat that as an unrecognised answer rather than guess.
 */
export function mapTransactionStatus(transactionStatus: string, fraudStatus?: string): PaymentStatus | undefined {
  switch (transactionStatus) {
    case 'settlement':
      return 'paid';
    case 'capture':
      if (fraudStatus === undefined || fraudStatus === 'accept') return 'paid';
      // A fraud `deny` on a capture never took money; `challenge` awaits approve/cancel.
      if (fraudStatus === 'deny') return 'failed';
      return 'pending';
    case 'pending':
    case 'authorize':
      return 'pending';
    case 'deny':
    case 'cancel':
    case 'failure':
      return 'failed';
    case 'expire':
      return 'expired';
    case 'refund':
      return 'refunded';
    case 'partial_refund':
      // Part of the money went back: the payment stays paid, with a refunded amount (the
      // transaction state's `refunds`); the gateway status word is kept for the audit log.
      return 'paid';
    default:
      return undefined;
  }
}

const grossAmountPattern = /^(0|[1-9][0-9]*)(?:\.([0-9]{1,2}))?$/;

/**
 * Midtrans' `"150000.00"` → 150000. IDR has no minor unit, so anything with a non-zero
 * fraction, a sign, an exponent or surrounding text is rejected with `undefined`.
 */
export function parseGrossAmount(value: string): number | undefined {
  const match = grossAmountPattern.exec(value);
  if (!match) return undefined;
  const [, whole, fraction] = match;
  if (fraction !== undefined && !/^0+$/.test(fraction)) return undefined;
  const amount = Number(whole);
  return Number.isSafeInteger(amount) ? amount : undefined;
}

const midtransTimePattern = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const jakartaOffsetMs = 7 * 60 * 60 * 1000;

/** Midtrans timestamps (`"2026-01-09 18:27:19"`) are wall-clock time in Asia/Jakarta (GMT+7, no DST). */
export function parseMidtransTime(value: string): Date | undefined {
  const match = midtransTimePattern.exec(value);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number, number, number, number, number, number,
  ];
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(asUtc);
  // Date.UTC silently rolls over (Feb 30 → Mar 2); a real Midtrans time never does.
  if (
    check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day ||
    check.getUTCHours() !== hour || check.getUTCMinutes() !== minute || check.getUTCSeconds() !== second
  ) {
    return undefined;
  }
  return new Date(asUtc - jakartaOffsetMs);
}
