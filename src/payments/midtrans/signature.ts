import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Midtrans notification signature: hex SHA-512 of `order_id + status_code + gross_amount + server_key`,
 * over the raw strings exactly as received (`"150000.00"`, never a re-formatted number).
 */
export function notificationSignature(
  orderId: string,
  statusCode: string,
  grossAmount: string,
  serverKey: string,
): string {
  return createHash('sha512').update(orderId + statusCode + grossAmount + serverKey, 'utf8').digest('hex');
}

/** Constant-time check of a received `signature_key` against the expected signature. */
export function verifySignature(
  orderId: string,
  statusCode: string,
  grossAmount: string,
  serverKey: string,
  signatureKey: string,
): boolean {
  const expected = Buffer.from(notificationSignature(orderId, statusCode, grossAmount, serverKey), 'utf8');
  const received = Buffer.from(signatureKey.toLowerCase(), 'utf8');
  // timingSafeEqual throws on unequal lengths; a length mismatch reveals nothing secret.
  if (received.length !== expected.length) return false;
  return timingSafeEqual(received, expected);
}
