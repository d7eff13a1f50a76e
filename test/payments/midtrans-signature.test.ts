import { describe, expect, it } from 'vitest';
import { notificationSignature, verifySignature } from '../../src/payments/midtrans/signature.ts';

const vector = { orderId: 'ORDER-sandbox-0001', statusCode: '200', grossAmount: '150000.00', serverKey: 'SB-Mid-server-test' };

describe('notificationSignature', () => {
  it('matches the reference test vector', () => {
    const signature = notificationSignature(vector.orderId, vector.statusCode, vector.grossAmount, vector.serverKey);
    expect(signature).toMatch(/^[0-9a-f]{128}$/);
    expect(signature.startsWith('d65b4adf15335095')).toBe(true);
  });

  it('hashes the raw gross_amount string, so "150000" signs differently from "150000.00"', () => {
    const withDecimals = notificationSignature(vector.orderId, '200', '150000.00', vector.serverKey);
    const withoutDecimals = notificationSignature(vector.orderId, '200', '150000', vector.serverKey);
    expect(withoutDecimals).not.toBe(withDecimals);
  });
});

describe('verifySignature', () => {
  const good = notificationSignature(vector.orderId, vector.statusCode, vector.grossAmount, vector.serverKey);
  const verify = (overrides: Partial<typeof vector> & { signature?: string }) =>
    verifySignature(
      overrides.orderId ?? vector.orderId,
      overrides.statusCode ?? vector.statusCode,
      overrides.grossAmount ?? vector.grossAmount,
      overrides.serverKey ?? vector.serverKey,
      overrides.signature ?? good,
    );

  it('accepts the correct signature (in either hex case)', () => {
    expect(verify({})).toBe(true);
    expect(verify({ signature: good.toUpperCase() })).toBe(true);
  });

  it.each([
    ['another order', { orderId: 'ORDER-sandbox-0002' }],
    ['another status code', { statusCode: '201' }],
    ['an amount without decimals', { grossAmount: '150000' }],
    ['another server key', { serverKey: 'SB-Mid-server-other' }],
    ['a truncated signature', { signature: good.slice(0, 127) }],
    ['an empty signature', { signature: '' }],
    ['a signature with one changed digit', { signature: `${good.slice(0, -1)}${good.endsWith('0') ? '1' : '0'}` }],
    ['a non-ASCII signature of the same length', { signature: 'é'.repeat(64) }],
  ])('rejects %s', (_name, overrides) => {
    expect(verify(overrides)).toBe(false);
  });
});
