import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, saveScreenshot } from '../support/browser.ts';
import { checkPortalPage, writeRecords, type PageRecord } from './support/page-checks.ts';
import { startWorld, subscribe, type World } from './support/world.ts';

/**
 * The header's English / Bahasa Indonesia switch in Chromium: it fits beside the logo and
 * "Back to app" on a 390 px phone, works with JavaScript off, and the choice holds from page
 * to page for the rest of the session.
 */
let w: World;
const records: PageRecord[] = [];

beforeAll(async () => {
  w = await startWorld();
  await subscribe(w, 'wulan', 'pro');
}, 120_000);
afterAll(async () => {
  writeRecords('portal-pages-language.json', records);
  await w?.close();
});

describe('the language switch', () => {
  it.each([390, 1280])('fits the header at %i px and switches both ways without JavaScript', { timeout: 120_000 }, async (width) => {
    const context = await w.browser.newContext({ locale: 'en-US', viewport: { width, height: 800 }, javaScriptEnabled: false });
    const page = await context.newPage();
    await w.openBilling(page, 'wulan');
    await page.getByRole('link', { name: 'Plans', exact: true }).click();
    expect(await page.getAttribute('html', 'lang')).toBe('en');

    // In the header, in view, with a phone's touch-target height; nothing scrolls sideways.
    const header = page.locator('header.top');
    const toIndonesian = header.getByRole('button', { name: 'Bahasa Indonesia' });
    const box = (await toIndonesian.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(width);
    expect(box.height).toBeGreaterThanOrEqual(44);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBeLessThanOrEqual(0);
    await saveScreenshot(header, { path: artifactPath(`portal-language-switch-${width}-en.png`) });

    await toIndonesian.click();
    expect(page.url()).toBe(`${w.publicUrl}/portal/plans`);
    expect(await page.getAttribute('html', 'lang')).toBe('id');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Paket');
    await saveScreenshot(header, { path: artifactPath(`portal-language-switch-${width}-id.png`) });

    // Remembered for the session: the next page is in Indonesian too, though the browser asks for English.
    await page.getByRole('link', { name: 'Riwayat pembayaran' }).click();
    expect(await page.getAttribute('html', 'lang')).toBe('id');

    await header.getByRole('button', { name: 'English' }).click();
    expect(page.url()).toBe(`${w.publicUrl}/portal/payments`);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await context.close();
  });

  it('passes axe and the page budget with the switch in place, in both languages at 390 px', { timeout: 120_000 }, async () => {
    for (const locale of ['en', 'id'] as const) {
      const { context, page, watch } = await w.newPage({ locale: locale === 'id' ? 'id-ID' : 'en-US', viewport: { width: 390, height: 800 } });
      await w.openBilling(page, 'wulan', { locale });
      await checkPortalPage(page, `overview-language-390-${locale}`, watch, records);
      await context.close();
    }
  });
});
