import { describe, expect, it } from 'vitest';
import type { ThemeConfig } from '../../src/db/types.ts';
import { formatDate, formatDateTime, formatMoney } from '../../src/web/format.ts';
import { chooseLocale, fromAcceptLanguage } from '../../src/web/locale.ts';
import { en, id } from '../../src/apps/portal/i18n/messages.ts';
import { contrastRatio, ensureContrast, readableOn } from '../../src/theme/contrast.ts';
import { themeStyle } from '../../src/theme/css.ts';
import { BADGE_PALETTES, resolveTheme, themeContrastWarnings } from '../../src/theme/resolve.ts';
import { escapeHtml, html, safeUrl } from '../../src/web/html.ts';

describe('contrast arithmetic (WCAG 2.x)', () => {
  it('computes the reference ratios', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#fff', '#fff')).toBe(1);
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
    expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
  });

  it('keeps a passing colour and minimally fixes a failing one', () => {
    expect(ensureContrast('#333333', ['#ffffff'], 4.5)).toBe('#333333');
    const fixed = ensureContrast('#999999', ['#ffffff'], 4.5)!;
    expect(contrastRatio(fixed, '#ffffff')).toBeGreaterThanOrEqual(4.5);
    expect(contrastRatio(fixed, '#ffffff')).toBeLessThan(5);
    const lifted = ensureContrast('#222222', ['#111111'], 4.5)!;
    expect(contrastRatio(lifted, '#111111')).toBeGreaterThanOrEqual(4.5);
    expect(ensureContrast('#888888', ['#000000', '#ffffff'], 7)).toBeUndefined();
  });

  it('always finds black or white readable on a button colour', () => {
    for (const c of ['#4f46e5', '#22d3ee', '#ffff00', '#777777', '#b42318', '#000000', '#ffffff']) {
      expect(contrastRatio(readableOn(c), c)).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('holds every status badge palette to AA', () => {
    for (const palette of Object.values(BADGE_PALETTES)) {
      for (const { bg, fg } of Object.values(palette)) expect(contrastRatio(fg, bg)).toBeGreaterThanOrEqual(4.5);
    }
  });
});

describe('theme_config → CSS custom properties', () => {
  const themes: ThemeConfig[] = [
    {},
    { mode: 'dark' },
    { colors: { text: '#999999', background: '#ffffff', muted: '#cccccc', primary: '#ffff00', danger: '#ff9999' } },
    { mode: 'dark', colors: { text: '#222222', background: '#000000', surface: '#ffffff', primary: '#000080' } },
    { colors: { background: '#777777' } },
  ];

  it.each(themes)('makes every text colour readable on page and cards: %j', (theme) => {
    const { vars } = resolveTheme(theme);
    for (const fg of ['--text', '--muted', '--link', '--danger-text']) {
      for (const bg of ['--bg', '--surface']) expect(contrastRatio(vars[fg]!, vars[bg]!), `${fg} on ${bg}`).toBeGreaterThanOrEqual(4.5);
    }
    expect(contrastRatio(vars['--on-primary']!, vars['--primary']!)).toBeGreaterThanOrEqual(4.5);
    expect(contrastRatio(vars['--on-danger']!, vars['--danger']!)).toBeGreaterThanOrEqual(4.5);
    expect(contrastRatio(vars['--focus']!, vars['--bg']!)).toBeGreaterThanOrEqual(3);
    expect(contrastRatio(vars['--border']!, vars['--surface']!)).toBeGreaterThanOrEqual(3);
  });

  it('warns only about configured colours, never about the defaults', () => {
    expect(themeContrastWarnings({})).toEqual([]);
    expect(themeContrastWarnings({ mode: 'dark' })).toEqual([]);
    expect(themeContrastWarnings({ colors: { text: '#111111' } })).toEqual([]);
    const onBlack = themeContrastWarnings({ colors: { background: '#000000' } });
    expect(onBlack[0]).toBe(
      'the default surface colour (#ffffff) and theme_config.colors.background (#000000) are so far apart that no text colour reaches WCAG AA (4.5:1) on both; the portal shows cards in #000000 instead',
    );
    expect(onBlack[1]).toMatch(/^the default text colour \(#1c1d22\), used for text, has a contrast of 1\.24:1 on theme_config\.colors\.background \(#000000\)/);
  });

  it('never lets a value that slipped past validation into the CSS', () => {
    const hostile = {
      colors: { primary: 'red;}</style><script>alert(1)</script>', text: 'url(javascript:x)' },
      font_family: 'x"; } body { display:none',
      border_radius: '8px;}' as unknown as number,
      mode: 'neon' as 'dark',
    } as ThemeConfig;
    const { css, cspHash } = themeStyle(hostile);
    expect(css).toBe(themeStyle({}).css);
    expect(css).toMatch(/^:root\{color-scheme:light;(--[a-z-]+:[^;{}<>]+;?)+\}$/);
    expect(cspHash).toMatch(/^'sha256-[A-Za-z0-9+/]+=*'$/);
  });

  it('uses the validated font, radius and mode', () => {
    const { css } = themeStyle({ font_family: 'IBM Plex Sans', border_radius: 0, mode: 'dark' });
    expect(css).toContain('color-scheme:dark');
    expect(css).toContain('--font:"IBM Plex Sans", system-ui');
    expect(css).toContain('--radius:0px');
  });
});

describe('money and dates', () => {
  it('formats IDR as people read it: Rp150.000 in Indonesian, IDR 150,000 in English', () => {
    expect(formatMoney(150_000, 'IDR', 'id')).toBe('Rp150.000');
    expect(formatMoney(150_000, 'IDR', 'en')).toBe('IDR 150,000');
    expect(formatMoney(1_234_567_890, 'IDR', 'id')).toBe('Rp1.234.567.890');
    expect(formatMoney(0, 'IDR', 'en')).toBe('IDR 0');
    expect(formatMoney(-75_000, 'IDR', 'id')).toBe('−Rp75.000');
  });

  it('shows dates in WIB, in the reader’s language', () => {
    const instant = new Date('2026-01-31T18:30:00Z'); // 1 February, 01:30 in Jakarta
    expect(formatDate(instant, 'en')).toBe('1 February 2026');
    expect(formatDate(instant, 'id')).toBe('1 Februari 2026');
    expect(formatDateTime(instant, 'en')).toBe('1 Feb 2026, 01:30 WIB');
    expect(formatDateTime(instant, 'id')).toBe('1 Feb 2026, 01.30 WIB');
  });

  it("names the zone of every date-time: Indonesia's three by their names, others as Intl does", () => {
    const instant = new Date('2026-12-03T05:40:00Z');
    expect(formatDateTime(instant, 'en', 'Asia/Jakarta')).toBe('3 Dec 2026, 12:40 WIB');
    expect(formatDateTime(instant, 'en', 'Asia/Makassar')).toBe('3 Dec 2026, 13:40 WITA');
    expect(formatDateTime(instant, 'id', 'Asia/Jayapura')).toBe('3 Des 2026, 14.40 WIT');
    expect(formatDateTime(instant, 'en', 'UTC')).toBe('3 Dec 2026, 05:40 UTC');
    expect(formatDateTime(instant, 'en', 'Asia/Singapore')).toBe('3 Dec 2026, 13:40 GMT+8');
  });
});

describe('language choice', () => {
  it('reads Accept-Language with q-values, and the session locale wins', () => {
    expect(fromAcceptLanguage('id-ID,id;q=0.9,en-US;q=0.8')).toBe('id');
    expect(fromAcceptLanguage('en-GB, id;q=0.5')).toBe('en');
    expect(fromAcceptLanguage('fr, de;q=0.9')).toBeUndefined();
    expect(fromAcceptLanguage('in')).toBe('id');
    expect(fromAcceptLanguage('id;q=0, en;q=0.1')).toBe('en');
    expect(chooseLocale({ sessionLocale: 'en', acceptLanguage: 'id' })).toBe('en');
    expect(chooseLocale({ sessionLocale: null, acceptLanguage: 'fr', projectDefault: 'id' })).toBe('id');
    expect(chooseLocale({})).toBe('en');
  });

  it('has every English message in Indonesian, and no untranslated English left', () => {
    const keys = (o: object, prefix = ''): string[] =>
      Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
    expect(keys(id).sort()).toEqual(keys(en).sort());
    const same = keys(en).filter((k) => {
      const get = (o: unknown) => k.split('.').reduce<unknown>((x, part) => (x as Record<string, unknown>)[part], o);
      const [a, b] = [get(en), get(id)];
      return typeof a === 'string' && a === b;
    });
    // Words that are the same in both languages.
    expect(same.sort()).toEqual(['login.email', 'methods.echannel', 'methods.gopay', 'methods.qris', 'methods.shopeepay', 'status', 'vaBank'].sort());
  });
});

describe('the html template escapes by default', () => {
  it('escapes interpolated text and attributes, and nests templates without double escaping', () => {
    const name = `<script>alert("x")</script>' onmouseover='y`;
    const out = html`<p title="${name}">${name} ${html`<b>${'&'}</b>`} ${[1, '<2>']} ${null}${false}${undefined}</p>`.value;
    expect(out).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;y">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;y <b>&amp;</b> 1&lt;2&gt; </p>',
    );
    expect(escapeHtml('`')).toBe('&#96;');
  });

  it('lets only http(s) and local paths into links', () => {
    expect(safeUrl('javascript:alert(1)')).toBeUndefined();
    expect(safeUrl('data:text/html,x')).toBeUndefined();
    expect(safeUrl('//evil.example/')).toBeUndefined();
    expect(safeUrl('/portal/plans')).toBe('/portal/plans');
    expect(safeUrl('https://app.example.com/x?y=1')).toBe('https://app.example.com/x?y=1');
  });
});
