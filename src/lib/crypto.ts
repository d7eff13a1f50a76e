import { createHash, randomFillSync, timingSafeEqual } from 'node:crypto';

/**
 * Secrets and tokens are ≥128-bit random values, so a fast SHA-256 is the right
 * at-rest hash (no dictionary to defend against, and it keeps the hot path fast).
 */
export function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Random bytes from the operating system's CSPRNG, drawn 4 KiB at a time. Every call to
 * `randomBytes` pays a system call (≈ 7 µs on the bench VM, whatever the size, up to 1 KiB;
 * a portal session needed four); slicing a pooled buffer costs ≈ 0.2 µs. Each byte is
 * handed out once and the pool is refilled when it runs short — the same technique Node
 * uses for `randomUUID`. The bytes never leave this module except as the encoded value.
 */
const POOL_SIZE = 4096;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let poolOffset = POOL_SIZE;

function drawBase64url(bytes: number): string {
  if (!Number.isInteger(bytes) || bytes < 1 || bytes > 1024) throw new RangeError('bytes must be 1–1024');
  if (poolOffset + bytes > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const start = poolOffset;
  poolOffset += bytes;
  const value = pool.toString('base64url', start, poolOffset);
  pool.fill(0, start, poolOffset);
  return value;
}

/** URL-safe random secret; `bytes` of entropy (default 32 = 256 bits). */
export function randomToken(bytes = 32): string {
  return drawBase64url(bytes);
}

/** Constant-time equality of two digests (or any buffers); false on length mismatch. */
export function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
