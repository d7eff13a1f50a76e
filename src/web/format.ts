import type { Locale } from '../db/types.ts';

/**
 * Money and dates as people read them. IDR has no minor unit: amounts are integers.
 * Indonesian writes `Rp150.000`, English `IDR 150,000` (ISO code, comma grouping).
 * Dates are shown in Western Indonesia Time (WIB, UTC+7), where Midtrans and most
 * customers are, unless a page passes another IANA zone (a project's `time_zone`); the
 * stored instants stay UTC.
 */
export const DISPLAY_TIME_ZONE = 'Asia/Jakarta';

const grouping: Record<Locale, Intl.NumberFormat> = {
  en: new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 }),
  id: new Intl.NumberFormat('id-ID', { maximumFractionDigits: 0 }),
};

export function formatMoney(amount: number, currency: string, locale: Locale): string {
  const sign = amount < 0 ? '−' : '';
  const digits = grouping[locale].format(Math.abs(amount));
  if (currency === 'IDR') return locale === 'id' ? `${sign}Rp${digits}` : `${sign}IDR ${digits}`;
  return `${sign}${currency} ${digits}`;
}

const dateTag: Record<Locale, string> = { en: 'en-GB', id: 'id-ID' };
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: Locale, withTime: boolean, timeZone: string): Intl.DateTimeFormat {
  const key = `${locale}:${withTime}:${timeZone}`;
  let f = dateFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(dateTag[locale], {
      timeZone,
      ...(withTime ? { dateStyle: 'medium', timeStyle: 'short' } : { dateStyle: 'long' }),
    });
    dateFormats.set(key, f);
  }
  return f;
}

/** `15 February 2026` / `15 Februari 2026`. */
export function formatDate(date: Date, locale: Locale, timeZone = DISPLAY_TIME_ZONE): string {
  return formatter(locale, false, timeZone).format(date);
}

/**
 * A date formatter for `locale` with `options`, built once per pair: building an
 * Intl.DateTimeFormat costs far more than formatting with it (a chart labels 42 dates).
 */
export function dateFormat(locale: Locale, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}:${JSON.stringify(options)}`;
  let f = dateFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(dateTag[locale], options);
    dateFormats.set(key, f);
  }
  return f;
}

/** Indonesia's three zones by the names people there use; elsewhere what Intl calls it. */
const ZONE_NAMES: Record<string, string> = { 'Asia/Jakarta': 'WIB', 'Asia/Pontianak': 'WIB', 'Asia/Makassar': 'WITA', 'Asia/Jayapura': 'WIT' };

/** `WIB`, `WITA`, `WIT`, `UTC`, `GMT+8`…: the zone a date-time is shown in, named. */
export function zoneName(date: Date, timeZone = DISPLAY_TIME_ZONE): string {
  const known = ZONE_NAMES[timeZone];
  if (known) return known;
  const part = dateFormat('en', { timeZone, timeZoneName: 'short' }).formatToParts(date).find((p) => p.type === 'timeZoneName');
  return part?.value ?? timeZone;
}

/** `15 Feb 2026, 10:00 WIB` / `15 Feb 2026, 10.00 WIB`: a date-time always names its zone. */
export function formatDateTime(date: Date, locale: Locale, timeZone = DISPLAY_TIME_ZONE): string {
  return `${formatter(locale, true, timeZone).format(date)} ${zoneName(date, timeZone)}`;
}
