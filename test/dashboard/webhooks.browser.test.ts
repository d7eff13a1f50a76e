import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSET_BYTES } from '../../src/apps/dashboard/http/assets.ts';
import { recordAudit } from '../../src/modules/audit/audit.repository.ts';
import { deliverWebhooks } from '../../src/modules/webhooks/deliver.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { artifactPath, launchBrowser, saveScreenshot } from '../support/browser.ts';
import { addPerson, DASHBOARD_PASSWORD } from '../support/dashboard.ts';
import { createSession, type TestProject } from '../support/factories.ts';
import { addEndpoint, devProject, startReceiver, type Receiver } from '../webhooks/support.ts';

/**
 * The webhook and event pages in real Chromium, at a desktop and a phone width, in
 * English and Indonesian: creating an endpoint by typing into its labelled fields shows
 * the secret; the delivery log, a delivery, the event log and the audit log are axe-clean,
 * never scroll sideways (long URLs, receivers' answers and JSON wrap), and stay light.
 */

let t: TestApp;
let browser: Browser;
let project: TestProject;
let receiver: Receiver;
let endpointId: string;
let deliveryPath: string;

const LONG_PATH = `/hooks/${'very-long-segment-'.repeat(8)}end?token=${'x'.repeat(60)}`;

beforeAll(async () => {
  t = await startTestApp();
  t.clock.set(new Date(Math.floor(Date.now() / 1000) * 1000));
  project = await devProject(t, [{ code: 'free', price: 0, is_default: true }]);
  const ownerId = await addPerson(t, 'owner@example.com', { projectId: project.id, role: 'owner' });
  receiver = await startReceiver({ replies: [500], replyBody: (status) => (status >= 300 ? `<html><script>alert(1)</script>${'Internal error. '.repeat(300)}</html>` : 'ok') });
  const endpoint = await addEndpoint(t, project.id, { url: `${receiver.url}${LONG_PATH}`, description: 'Local receiver with a long address' });
  endpointId = endpoint.id;
  for (const user of ['customer-with-a-rather-long-identifier-0001@example.com', 'bob']) expect((await createSession(t.url, project, user)).status).toBe(200);
  await deliverWebhooks(t.deps); // the first answer is a 500: a failed attempt with an excerpt, retry scheduled
  const delivery = await t.database.db.selectFrom('webhook_deliveries').select('id').where('endpoint_id', '=', endpointId).where('last_status_code', '=', 500).executeTakeFirstOrThrow();
  deliveryPath = `/dashboard/projects/${project.id}/webhooks/${endpointId}/deliveries/${delivery.id}`;
  await recordAudit(t.database.db, { actorUserId: ownerId, projectId: project.id, action: 'webhook_endpoint.created', subjectId: endpointId, ip: '127.0.0.1', data: { url: `${receiver.url}${LONG_PATH}` }, now: t.clock.now() });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await receiver?.close();
  await t?.close();
});

async function check(page: Page, name: string, width: number): Promise<void> {
  await page.waitForLoadState('load');
  await saveScreenshot(page, { path: artifactPath(`webhooks-${name}-${width}.png`), fullPage: true });
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), `axe on ${name}`).toEqual([]);
  const htmlBytes = await page.evaluate<number>(`performance.getEntriesByType('navigation')[0]?.decodedBodySize ?? 0`);
  expect(htmlBytes + ASSET_BYTES, `${name} page weight`).toBeLessThan(100 * 1024);
  const sideways = await page.evaluate<boolean>(`document.documentElement.scrollWidth > document.documentElement.clientWidth`);
  const widest = await page.evaluate<string>(
    `[...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map((e) => e.tagName + '.' + e.className).slice(0, 5).join(' ')`,
  );
  expect(sideways, `${name} scrolls sideways at ${width}px (${widest})`).toBe(false);
}

async function signIn(page: Page): Promise<void> {
  await page.goto(`${t.url}/dashboard`);
  await page.getByLabel(/^(Email)$/).fill('owner@example.com');
  await page.getByLabel(/^(Password|Kata sandi)$/).fill(DASHBOARD_PASSWORD);
  await page.getByRole('button', { name: /^(Sign in|Masuk)$/ }).click();
  await page.waitForURL(/\/dashboard(\?|$)/);
}

describe('webhook and event pages in a browser', { timeout: 240_000 }, () => {
  for (const width of [1100, 390]) {
    for (const lang of ['en', 'id'] as const) {
      it(`creates an endpoint and shows every page axe-clean at ${width}px in ${lang}`, async () => {
        const context = await browser.newContext({ viewport: { width, height: 900 }, locale: lang === 'id' ? 'id-ID' : 'en-US' });
        const page = await context.newPage();
        const csp: string[] = [];
        page.on('console', (m) => {
          if (/Content[- ]Security[- ]Policy/i.test(m.text())) csp.push(m.text());
        });
        await signIn(page);
        const base = `${t.url}/dashboard/projects/${project.id}`;
        await page.goto(`${base}/webhooks`);
        await check(page, `endpoints-${lang}`, width);

        await page.getByRole('link', { name: lang === 'id' ? 'Tambah endpoint' : 'Add an endpoint' }).click();
        await page.getByLabel('URL', { exact: true }).fill(`${receiver.url}/browser-${width}-${lang}`);
        await page.getByLabel(lang === 'id' ? 'Deskripsi' : 'Description').fill('From the browser test');
        await page.getByLabel(lang === 'id' ? 'Hanya ini:' : 'Only these:').check();
        await page.getByLabel('subscription.updated').check();
        await check(page, `endpoint-new-${lang}`, width);
        await page.getByRole('button', { name: lang === 'id' ? 'Tambah endpoint' : 'Add endpoint' }).click();
        await page.waitForLoadState('load');
        expect(await page.locator('#webhook-secret').textContent()).toMatch(/^whsec_/);
        expect(await page.getByRole('button', { name: lang === 'id' ? 'Salin' : 'Copy' }).first().isVisible()).toBe(true);
        expect(page.url()).not.toContain('whsec_');
        await check(page, `endpoint-created-${lang}`, width);

        await page.goto(`${base}/webhooks/${endpointId}`);
        await check(page, `endpoint-log-${lang}`, width);
        await page.goto(`${base}/webhooks/deliveries`);
        await check(page, `all-deliveries-${lang}`, width);
        await page.goto(`${t.url}${deliveryPath}`);
        await check(page, `delivery-${lang}`, width);
        expect(await page.locator('pre.excerpt').first().textContent()).toContain('<script>alert(1)</script>');
        await page.goto(`${base}/events`);
        await page.locator('details summary').first().click();
        await check(page, `events-${lang}`, width);
        await page.goto(`${base}/events/audit`);
        await check(page, `audit-${lang}`, width);
        expect(await page.locator('html').getAttribute('lang')).toBe(lang);
        expect(csp).toEqual([]);
        await context.close();
      });
    }
  }
});
