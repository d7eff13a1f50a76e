/**
 * A calendar day in an IANA time zone as instants: what a date field ("from 1 Dec") means
 * to someone working in the project's zone. Pure Intl arithmetic; no DST assumptions.
 */

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `YYYY-MM-DD` → that day's midnight in `timeZone`, or undefined for anything else. */
export function startOfDayIn(day: string, timeZone: string): Date | undefined {
  const match = DAY.exec(day);
  if (!match) return undefined;
  const [year, month, date] = match.slice(1).map(Number) as [number, number, number];
  const asUtc = Date.UTC(year, month - 1, date);
  const check = new Date(asUtc);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== date) return undefined;
  // Midnight there is midnight UTC less the zone's offset (taken at the result, for DST zones).
  let instant = asUtc - offsetMs(asUtc, timeZone);
  instant = asUtc - offsetMs(instant, timeZone);
  return new Date(instant);
}

/** The next day's midnight in `timeZone`: the exclusive end of `day`. */
export function endOfDayIn(day: string, timeZone: string): Date | undefined {
  const start = startOfDayIn(day, timeZone);
  if (!start) return undefined;
  const next = new Date(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)) + 1));
  return startOfDayIn(next.toISOString().slice(0, 10), timeZone);
}

function offsetMs(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(at / 1000) * 1000;
}
