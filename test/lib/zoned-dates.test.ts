import { it, expect } from 'vitest';
import { startOfDayIn, endOfDayIn } from '../../src/lib/zoned-dates.ts';
it('reads a calendar day in the project zone as its instants; refuses a day that does not exist', () => {
  expect(startOfDayIn('2026-01-05','Asia/Jakarta')!.toISOString()).toBe('2026-01-04T17:00:00.000Z');
  expect(endOfDayIn('2026-01-31','Asia/Jayapura')!.toISOString()).toBe('2026-01-31T15:00:00.000Z');
  expect(startOfDayIn('2026-02-30','Asia/Jakarta')).toBeUndefined();
});
