import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSET_BYTES } from '../../src/apps/dashboard/http/assets.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { artifactPath, launchBrowser, saveScreenshot } from '../support/browser.ts';
import { createProject, createSession, type TestProject } from '../support/factories.ts';
import { http } from '../support/http.ts';
import { png } from '../support/images.ts';

/**
 * The branding editor in real Chromium: axe-clean with its preview at desktop and phone
 * widths in both languages; the preview frame follows typing (script) or the Preview
 * button (no script); a logo uploaded through the file field; publishing reaches a
 * customer's portal, and nothing before it does.
 */

let t: TestApp;
let browser: Browser;
let project: TestProject;
const PASSWORD = 'correct horse battery staple';
const OWNER = 'brand-owner@example.com';

beforeAll(async () => {
  t = await startTestApp();
  t.clock.set(new Date());
  project = await createProject(t.url, { name: 'Kopi Kita' });
  expect((await http(t.url, 'POST', '/api/admin/users', { admin: true, body: { email: OWNER, name: 'Sari Owner', password: PASSWORD } })).status).toBe(201);
  expect((await http(t.url, 'POST', `/api/admin/projects/${project.id}/members`, { admin: true, body: { email: OWNER, role: 'owner' } })).status).toBe(200);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

const editor = () => `${t.url}/dashboard/projects/${project.id}/branding`;

async function signIn(page: Page): Promise<void> {
  await page.goto(`${t.url}/dashboard`);
  await page.getByLabel('Email').fill(OWNER);
  await page.getByLabel(/^(Password|Kata sandi)$/).fill(PASSWORD);
  await page.getByRole('button', { name: /^(Sign in|Masuk)$/ }).click();
  await page.waitForURL(/\/dashboard(\?|$)/);
}

/**
 * axe's default run finishes in a fresh page of the context, which Chromium closes under
 * this page's frame (the run then throws or never returns); the legacy run checks the
 * same-origin preview frame in place.
 */
const axe = (page: Page) => new AxeBuilder({ page }).setLegacyMode();

async function axeClean(page: Page, name: string): Promise<void> {
  const results = await axe(page).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), `axe on ${name}`).toEqual([]);
}

/** A custom property of the document in the preview frame. */
function previewVar(page: Page, name: string): Promise<string> {
  return page.frame({ url: /\/branding\/preview/ })!.evaluate<string>(`getComputedStyle(document.documentElement).getPropertyValue(${JSON.stringify(name)}).trim()`);
}

describe('the branding editor in a browser', { timeout: 180_000 }, () => {
  for (const width of [1280, 390]) {
    for (const lang of ['en', 'id'] as const) {
      it(`is axe-clean with its preview at ${width}px in ${lang}, light and dark, under 100 KB, nothing sideways`, async () => {
        const context = await browser.newContext({ viewport: { width, height: 900 }, locale: lang === 'id' ? 'id-ID' : 'en-US' });
        const page = await context.newPage();
        const foreign: string[] = [];
        page.on('request', (r) => {
          if (new URL(r.url()).origin !== new URL(t.url).origin) foreign.push(r.url());
        });
        await signIn(page);
        for (const [query, state] of [
          ['', 'overview-light'],
          ['?page=plans&mode=dark&width=phone', 'plans-dark-phone'],
          ['?page=payment&mode=light&width=phone', 'payment-phone'],
          ['?page=error&mode=dark', 'error-dark'],
        ] as const) {
          await page.goto(editor() + query);
          await page.waitForLoadState('load');
          await page.frameLocator('#preview-frame').locator('main').waitFor();
          await saveScreenshot(page, { path: artifactPath(`dashboard-branding-${state}-${lang}-${width}.png`), fullPage: true });
          await axeClean(page, `branding ${state}`);
          const frame = page.frames().find((f) => f.url().includes('/branding/preview'))!;
          const inFrame = await axe(page).include('#preview-frame').analyze();
          expect(inFrame.violations.map((v) => v.id), `axe in the preview frame (${state})`).toEqual([]);
          expect(await frame.evaluate<string>('document.documentElement.lang')).toBe(lang);
          const htmlBytes = await page.evaluate<number>(`performance.getEntriesByType('navigation')[0]?.decodedBodySize ?? 0`);
          expect(htmlBytes + ASSET_BYTES, 'page weight').toBeLessThan(100 * 1024);
          expect(await page.evaluate<boolean>('document.documentElement.scrollWidth > document.documentElement.clientWidth'), `${state} scrolls sideways`).toBe(false);
        }
        expect(foreign).toEqual([]);
        await context.close();
      });
    }
  }

  it('updates the preview and the contrast notes as the primary colour is typed, then publishes it to customers', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page);
    await page.goto(editor());
    await page.frameLocator('#preview-frame').locator('main').waitFor();
    expect(await previewVar(page, '--primary')).toBe('#4f46e5');

    const primary = page.getByRole('textbox', { name: 'Primary' }).first();
    await primary.fill('#be185d');
    await expect.poll(() => previewVar(page, '--primary'), { timeout: 10_000 }).toBe('#be185d');
    // The picker follows the hex field.
    expect(await page.getByLabel('Primary: colour picker').first().inputValue()).toBe('#be185d');

    await primary.fill('#ffff00');
    await expect.poll(() => page.locator('#contrast').textContent(), { timeout: 10_000 }).toMatch(/Primary #ffff00 on Background #f5f6fa is 1\.\d\d:1 for links \(needs 4\.5:1\)/);
    await saveScreenshot(page, { path: artifactPath('dashboard-branding-contrast-1280.png'), fullPage: true });

    // Width and page controls change the frame without a reload.
    await page.getByLabel('Width').selectOption('phone');
    await page.getByLabel('Page', { exact: true }).selectOption('plans');
    await expect.poll(() => page.evaluate<number>(`document.getElementById('preview-frame').contentDocument?.documentElement.clientWidth ?? 9999`)).toBeLessThanOrEqual(390);

    // Nothing reached customers yet.
    const customerPrimary = async () => {
      const minted = await createSession(t.url, project, `customer-${Math.random()}`);
      const customer = await context.newPage();
      await customer.goto(minted.body.portal_url.replace(t.deps.config.publicUrl, t.url));
      const value = await customer.evaluate<string>(`getComputedStyle(document.documentElement).getPropertyValue('--primary').trim()`);
      await customer.close();
      return value;
    };
    expect(await customerPrimary()).toBe('#4f46e5');
    await primary.fill('#0f766e');
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.waitForURL(/done=published/);
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Published');
    expect(await customerPrimary()).toBe('#0f766e');
    await context.close();
  });

  it('works without JavaScript: Preview saves the draft and the frame shows it; a logo is uploaded through the file field', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: false });
    const page = await context.newPage();
    await signIn(page);
    await page.goto(editor());
    await page.getByRole('textbox', { name: 'Background' }).first().fill('#fdf6e3');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.waitForURL(/done=saved/);
    expect(await previewVar(page, '--bg')).toBe('#fdf6e3');

    await page.getByLabel('Logo file').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: png(96, 32, [190, 24, 93]) });
    await page.getByRole('button', { name: 'Upload logo' }).click();
    await page.waitForURL(/done=logo/);
    await page.frameLocator('#preview-frame').locator('img.logo').waitFor();
    const frame = page.frame({ url: /\/branding\/preview/ })!;
    await expect.poll(() => frame.evaluate<number>(`document.querySelector('img.logo').naturalWidth`)).toBe(96);
    await saveScreenshot(page, { path: artifactPath('dashboard-branding-nojs-logo-1280.png'), fullPage: true });

    // An HTML file passed off as a PNG is refused, with the reason by the field.
    await page.getByLabel('Logo file').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: Buffer.from('<html><body>not an image</body></html>') });
    await page.getByRole('button', { name: 'Upload logo' }).click();
    await expect.poll(() => page.locator('#logo-error').textContent()).toContain('PNG, JPEG or WebP');
    await page.getByRole('button', { name: 'Discard draft' }).click();
    await page.waitForURL(/done=discarded/);
    await context.close();
  });
});
