import { describe, expect, it } from 'vitest';
import { startOfDayIn, endOfDayIn } from '../../src/lib/zoned-dates.ts';
it('reads a calendar day in the project zone as its instants; refuses a day that does not exist', () => {
  expect(startOfDayIn('2026-01-05','Asia/Jakarta')!.toISOString()).toBe('2026-01-04T17:00:00.000Z');
  expect(endOfDayIn('2026-01-31','Asia/Jayapura')!.toISOString()).toBe('2026-01-31T15:00:00.000Z');
  expect(startOfDayIn('2026-02-30','Asia/Jakarta')).toBeUndefined();
});

describe('startOfDayIn and endOfDayIn', () => {
  it('finds midnight of a day in a zone, across a DST change', () => {
    expect(startOfDayIn('2026-03-02', 'Asia/Jakarta')?.toISOString()).toBe('2026-03-01T17:00:00.000Z');
    expect(endOfDayIn('2026-03-08', 'America/New_York')?.toISOString()).toBe('2026-03-09T04:00:00.000Z');
    expect(startOfDayIn('2026-03-08', 'America/New_York')?.toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect(startOfDayIn('2026-02-30', 'UTC')).toBeUndefined();
  });
});
