import { describe, expect, it } from 'vitest';
import type { PaymentStatus } from '../../src/payments/gateway.ts';
import { mapTransactionStatus, parseGrossAmount, parseMidtransTime } from '../../src/payments/midtrans/status-map.ts';

describe('mapTransactionStatus — every row of the reference table', () => {
  const rows: Array<[string, string | undefined, PaymentStatus]> = [
    ['settlement', undefined, 'paid'],
    ['settlement', 'accept', 'paid'],
    ['settlement', 'challenge', 'paid'],
    ['capture', 'accept', 'paid'],
    ['capture', undefined, 'paid'],
    ['capture', 'challenge', 'pending'],
    ['pending', undefined, 'pending'],
    ['pending', 'accept', 'pending'],
    ['deny', undefined, 'failed'],
    ['deny', 'deny', 'failed'],
    ['cancel', undefined, 'failed'],
    ['failure', undefined, 'failed'],
    ['expire', undefined, 'expired'],
    ['refund', undefined, 'refunded'],
    ['partial_refund', undefined, 'paid'],
    ['authorize', undefined, 'pending'],
  ];

  it.each(rows)('%s with fraud_status %s → %s', (transactionStatus, fraudStatus, expected) => {
    expect(mapTransactionStatus(transactionStatus, fraudStatus)).toBe(expected);
  });

  it('never reports a capture denied by fraud detection as paid', () => {
    expect(mapTransactionStatus('capture', 'deny')).toBe('failed');
  });

  it.each(['chargeback', 'SETTLEMENT', '', 'paid'])('does not guess for the unlisted status %j', (status) => {
    expect(mapTransactionStatus(status)).toBeUndefined();
  });
});

describe('parseGrossAmount', () => {
  it.each([
    ['150000.00', 150000],
    ['150000', 150000],
    ['150000.0', 150000],
    ['0.00', 0],
    ['1.00', 1],
  ])('%s → %d', (text, expected) => {
    expect(parseGrossAmount(text)).toBe(expected);
  });

  it.each(['150000.50', '150000.01', '-150000.00', '+5.00', '1e5', '', ' 150000.00', '150000.00 ', '150,000.00', '150.000', 'abc', '0150000.00', '150000.000', '99999999999999999999.00'])(
    'rejects %j',
    (text) => {
      expect(parseGrossAmount(text)).toBeUndefined();
    },
  );
});

describe('parseMidtransTime', () => {
  it('reads Midtrans wall-clock time as Asia/Jakarta (GMT+7)', () => {
    expect(parseMidtransTime('2026-01-09 18:27:19')?.toISOString()).toBe('2026-01-09T11:27:19.000Z');
  });

  it('crosses the date line backwards for early-morning Jakarta times', () => {
    expect(parseMidtransTime('2026-01-01 03:00:00')?.toISOString()).toBe('2025-12-31T20:00:00.000Z');
  });

  it.each(['2026-02-30 10:00:00', '2026-13-01 10:00:00', '2026-01-09T18:27:19', '2026-01-09 18:27', '2026-01-09 24:00:00', '', 'yesterday'])(
    'rejects %j',
    (text) => {
      expect(parseMidtransTime(text)).toBeUndefined();
    },
  );
});
