/**
 * IANA time zones a project may choose: names `Intl.DateTimeFormat` can format in. The
 * list offered (`TIME_ZONES`) is the runtime's own, Indonesia's three zones first, in the
 * order people there name them (WIB, WITA, WIT). ICU lists some zones by their older
 * names (Asia/Calcutta, Europe/Kiev), so current IANA names it also knows (Asia/Kolkata,
 * Europe/Kyiv) are accepted too, written exactly as IANA spells them.
 */

export const DEFAULT_TIME_ZONE = 'Asia/Jakarta';

export const INDONESIAN_TIME_ZONES = [
  { name: 'Asia/Jakarta', abbreviation: 'WIB' },
  { name: 'Asia/Makassar', abbreviation: 'WITA' },
  { name: 'Asia/Jayapura', abbreviation: 'WIT' },
] as const;

const indonesian = new Set<string>(INDONESIAN_TIME_ZONES.map((z) => z.name));

/** ICU's canonical names; it lists no plain `UTC`, which people expect to be able to pick. */
const known = new Set<string>([...Intl.supportedValuesOf('timeZone'), 'UTC']);

/** Every accepted name: Indonesia's three, then the rest alphabetically. */
export const TIME_ZONES: readonly string[] = [
  ...INDONESIAN_TIME_ZONES.map((z) => z.name),
  ...[...known].filter((z) => !indonesian.has(z)).sort(),
];

/** IANA spelling: segments start with a capital (Asia/Ho_Chi_Minh, Etc/GMT+7, UTC). */
const IANA_NAME = /^[A-Z][A-Za-z0-9_+-]*(?:\/[A-Z][A-Za-z0-9_+-]*){0,2}$/;

export function isTimeZone(value: string): boolean {
  if (known.has(value)) return true;
  if (value.length > 64 || !IANA_NAME.test(value)) return false;
  try {
    return known.has(new Intl.DateTimeFormat('en', { timeZone: value }).resolvedOptions().timeZone);
  } catch {
    return false;
  }
}
