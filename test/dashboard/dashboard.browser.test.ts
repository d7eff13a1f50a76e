import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSET_BYTES } from '../../src/apps/dashboard/http/assets.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { artifactPath, launchBrowser, saveScreenshot } from '../support/browser.ts';
import { createProject, type TestProject } from '../support/factories.ts';
import { http } from '../support/http.ts';

/**
 * The dashboard in real Chromium: signed in by typing into the labelled fields, every page
 * axe-clean at desktop and phone widths in both languages, under 100 KB, nothing from
 * another origin, no sideways scrolling; screenshots for people to look at.
 */

let t: TestApp;
let browser: Browser;
let project: TestProject;
const PASSWORD = 'correct horse battery staple';

beforeAll(async () => {
  t = await startTestApp();
  t.clock.set(new Date());
  project = await createProject(t.url, { name: 'Acme Notes' });
  for (const [email, role] of [
    ['owner@example.com', 'owner'],
    ['viewer@example.com', 'viewer'],
  ] as const) {
    expect((await http(t.url, 'POST', '/api/admin/users', { admin: true, body: { email, name: `Ana ${role}`, password: PASSWORD } })).status).toBe(201);
    expect((await http(t.url, 'POST', `/api/admin/projects/${project.id}/members`, { admin: true, body: { email, role } })).status).toBe(200);
  }
  const instanceAdmin = { email: 'instance@example.com', name: 'Ana Instance', password: PASSWORD, instance_admin: true };
  expect((await http(t.url, 'POST', '/api/admin/users', { admin: true, body: instanceAdmin })).status).toBe(201);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

async function check(page: Page, name: string, width: number): Promise<void> {
  await page.waitForLoadState('load');
  await saveScreenshot(page, { path: artifactPath(`dashboard-${name}-${width}.png`), fullPage: true });
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

async function signIn(page: Page, email: string): Promise<void> {
  await page.goto(`${t.url}/dashboard`);
  await page.getByLabel(/^(Email)$/).fill(email);
  await page.getByLabel(/^(Password|Kata sandi)$/).fill(PASSWORD);
  await page.getByRole('button', { name: /^(Sign in|Masuk)$/ }).click();
  await page.waitForURL(/\/dashboard(\?|$)/);
}

describe('the dashboard in a browser', { timeout: 180_000 }, () => {
  for (const width of [1280, 390]) {
    for (const lang of ['en', 'id'] as const) {
      it(`signs in and shows every page axe-clean at ${width}px in ${lang}`, async () => {
        const context = await browser.newContext({ viewport: { width, height: 900 }, locale: lang === 'id' ? 'id-ID' : 'en-US' });
        const page = await context.newPage();
        const foreign: string[] = [];
        const csp: string[] = [];
        page.on('request', (r) => {
          if (new URL(r.url()).origin !== new URL(t.url).origin) foreign.push(r.url());
        });
        page.on('console', (m) => {
          if (/Content[- ]Security[- ]Policy/i.test(m.text())) csp.push(m.text());
        });
        await page.goto(`${t.url}/dashboard/login`);
        await check(page, `sign-in-${lang}`, width);
        await page.getByLabel('Email').fill('owner@example.com');
        await page.getByLabel(lang === 'id' ? 'Kata sandi' : 'Password').fill('wrong password here');
        await page.getByRole('button', { name: lang === 'id' ? 'Masuk' : 'Sign in' }).click();
        await check(page, `sign-in-failed-${lang}`, width);
        await signIn(page, 'owner@example.com');
        await check(page, `projects-${lang}`, width);
        for (const [path, name] of [
          ['', 'overview'],
          ['/settings', 'settings'],
          ['/plans', 'plans'],
          ['/plans/new', 'plan-new'],
          ['/keys', 'keys'],
          ['/members', 'members'],
        ] as const) {
          await page.goto(`${t.url}/dashboard/projects/${project.id}${path}`);
          await check(page, `${name}-${lang}`, width);
          // Every checkbox keeps its size, a long label that wraps beside it too.
          const boxes = await page.locator('.choice input').evaluateAll((inputs) => inputs.map((i) => Math.round(i.getBoundingClientRect().width)));
          expect(new Set(boxes).size, `${name}: checkbox widths ${boxes.join(', ')}`).toBeLessThanOrEqual(1);
          // The project's ten sections: one row on a desktop in both languages; on a phone one
          // row that scrolls sideways on its own (not four rows above every page), the
          // current section in view.
          const row = page.locator('nav.tabs-scroll ul');
          const rowBox = (await row.boundingBox())!;
          const current = (await row.locator('[aria-current="page"]').boundingBox())!;
          expect(rowBox.height, `${name}: the section tabs stay one row`).toBeLessThan(70);
          expect(current.x, `${name}: the current tab is in view`).toBeGreaterThanOrEqual(rowBox.x - 1);
          expect(current.x + current.width, `${name}: the current tab is in view`).toBeLessThanOrEqual(rowBox.x + rowBox.width + 1);
        }
        // Inviting a person (this instance sends no email): the page says so and shows the link to send.
        await page.goto(`${t.url}/dashboard/projects/${project.id}/members`);
        await page.getByLabel('Email').fill(`invitee-${width}-${lang}@example.com`);
        await page.getByLabel(lang === 'id' ? 'Nama' : 'Name').fill('Dewi Anggraini');
        await page.getByRole('button', { name: lang === 'id' ? 'Undang' : 'Invite', exact: true }).click();
        await page.locator('#invitation-url').waitFor();
        expect(await page.locator('#invitation').locator('xpath=..').locator('p').first().textContent()).toContain(
          lang === 'id' ? 'Instans ini tidak mengirim email' : 'This instance sends no email',
        );
        await check(page, `members-invited-${lang}`, width);
        await page.goto(`${t.url}/dashboard/account`);
        await check(page, `account-${lang}`, width);
        expect(await page.locator('html').getAttribute('lang')).toBe(lang);
        expect(foreign).toEqual([]);
        expect(csp).toEqual([]);
        await context.close();
      });
    }
  }

  it('sets a setting with the keyboard and the form alone, and a viewer sees it read-only', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, 'owner@example.com');
    await page.goto(`${t.url}/dashboard/projects/${project.id}/settings`);
    await page.getByLabel('Grace period (days)').fill('7');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL(/saved=1/);
    expect(await page.getByRole('status').textContent()).toBe('Saved.');
    await check(page, 'settings-saved-en', 1280);
    await page.getByLabel('Registered redirect URIs').fill('not a url');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await check(page, 'settings-error-en', 1280);
    expect(await page.getByLabel('Registered redirect URIs').getAttribute('aria-invalid')).toBe('true');
    await context.close();

    const viewerContext = await browser.newContext({ viewport: { width: 390, height: 900 } });
    const viewer = await viewerContext.newPage();
    await signIn(viewer, 'viewer@example.com');
    await viewer.goto(`${t.url}/dashboard/projects/${project.id}/settings`);
    expect(await viewer.getByLabel('Grace period (days)').isDisabled()).toBe(true);
    expect(await viewer.getByRole('button', { name: 'Save changes' }).count()).toBe(0);
    await check(viewer, 'settings-viewer-en', 390);
    await viewerContext.close();
  });

  it('an instance admin creates a project, sees its first secret, and rotates it with a grace window', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 900 } });
    const page = await context.newPage();
    await signIn(page, 'instance@example.com');
    await page.getByRole('link', { name: 'New project' }).click();
    await page.waitForURL(/\/dashboard\/projects\/new$/);
    await check(page, 'project-new-en', 390);
    await page.getByLabel('Project name').fill('Browser Co');
    await page.getByLabel('Registered redirect URIs').fill('https://browser.example.com/back');
    await page.getByLabel('Time zone').selectOption('Asia/Makassar');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.waitForLoadState('load');
    const first = await page.locator('#client-secret').textContent();
    expect(first).toMatch(/^lgs_/);
    await check(page, 'project-created-en', 390);

    const keysUrl = await page.locator('form[action$="/keys/rotate"]').getAttribute('action');
    await page.goto(`${t.url}${keysUrl!.replace(/\/rotate$/, '')}`);
    await page.getByLabel('After 24 hours').check();
    await page.getByRole('button', { name: 'Rotate client secret' }).click();
    await page.waitForLoadState('load');
    const second = await page.locator('#client-secret').textContent();
    expect(second).toMatch(/^lgs_/);
    expect(second).not.toBe(first);
    expect(await page.getByText(/The old secret keeps working until/).count()).toBe(1);
    await check(page, 'keys-rotated-grace-en', 390);
    await page.reload();
    expect(await page.locator('#previous-until').textContent()).toMatch(/^Still works until /);
    expect(await page.locator('#client-secret').count()).toBe(0);
    await context.close();
  });
});
