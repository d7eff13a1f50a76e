import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Secrets and tokens are ≥128-bit random values, so a fast SHA-256 is the right
 * at-rest hash (no dictionary to defend against, and it keeps the hot path fast).
 */
export function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** URL-safe random secret; `bytes` of entropy (default 32 = 256 bits). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Constant-time equality of two digests (or any buffers); false on length mismatch. */
export function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
