import { describe, expect, it } from 'vitest';
import { randomToken } from '../../src/lib/crypto.ts';
import { newId } from '../../src/lib/ids.ts';

describe('pooled randomness', () => {
  it('hands out each value once, across many pool refills', () => {
    // 32 bytes × 2,000 = 64 KiB: the 4 KiB pool is refilled 15 times, and a refill lands
    // mid-request whenever the remaining bytes are too few.
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) seen.add(randomToken(32));
    expect(seen.size).toBe(2000);
  });

  it('never overlaps two values at a refill boundary (odd sizes straddle the 4 KiB edge)', () => {
    const values = Array.from({ length: 3000 }, (_, i) => randomToken(1 + (i % 97)));
    const decoded = values.map((v) => Buffer.from(v, 'base64url'));
    decoded.forEach((b, i) => expect(b.length).toBe(1 + (i % 97)));
    // Any reuse of pool bytes would repeat a 16-byte run somewhere.
    const runs = new Set<string>();
    for (const b of decoded) for (let o = 0; o + 16 <= b.length; o += 16) {
      const run = b.subarray(o, o + 16).toString('hex');
      expect(runs.has(run)).toBe(false);
      runs.add(run);
    }
  });

  it('looks uniformly random: every byte value appears, none dominates', () => {
    const counts = new Array<number>(256).fill(0);
    for (let i = 0; i < 1000; i++) for (const byte of Buffer.from(randomToken(64), 'base64url')) counts[byte]!++;
    // 64,000 bytes: 250 expected per value; a stuck or zeroed pool would fail at once.
    expect(Math.min(...counts)).toBeGreaterThan(150);
    expect(Math.max(...counts)).toBeLessThan(370);
  });

  it('refuses sizes outside 1–1024 bytes', () => {
    expect(() => randomToken(0)).toThrow(RangeError);
    expect(() => randomToken(1025)).toThrow(RangeError);
    expect(() => randomToken(2.5)).toThrow(RangeError);
  });

  it('ids keep their shape: prefix + 128 bits', () => {
    const id = newId('eu');
    expect(id).toMatch(/^eu_[A-Za-z0-9_-]{22}$/);
    expect(newId('eu')).not.toBe(id);
  });
});
