import type { Locale } from '../db/types.ts';

/**
 * The language of a page: the session's own locale (set by the integrator when minting the
 * link, or remembered on the end user) wins; then the browser's Accept-Language; then the
 * project's default; then English. Each app keeps its own messages per locale.
 */
export function chooseLocale(input: {
  sessionLocale?: string | null;
  acceptLanguage?: string | undefined;
  projectDefault?: string | null;
}): Locale {
  if (isLocale(input.sessionLocale)) return input.sessionLocale;
  const fromHeader = fromAcceptLanguage(input.acceptLanguage);
  if (fromHeader) return fromHeader;
  if (isLocale(input.projectDefault)) return input.projectDefault;
  return 'en';
}

export function isLocale(value: unknown): value is Locale {
  return value === 'en' || value === 'id';
}

/** The supported language the browser ranks highest (q-values honoured, `in` = old code for Indonesian). */
export function fromAcceptLanguage(header: string | undefined): Locale | undefined {
  if (!header) return undefined;
  let best: { locale: Locale; q: number } | undefined;
  for (const part of header.slice(0, 500).split(',')) {
    const [tag, ...params] = part.trim().split(';');
    const primary = tag?.trim().toLowerCase().split('-')[0];
    const locale: Locale | undefined = primary === 'id' || primary === 'in' ? 'id' : primary === 'en' ? 'en' : undefined;
    if (!locale) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    if (!best || q > best.q) best = { locale, q };
  }
  return best?.locale;
}
