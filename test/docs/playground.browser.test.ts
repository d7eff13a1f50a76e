import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { artifactPath, launchBrowser, saveScreenshot } from '../support/browser.ts';
import { createProject, type TestProject } from '../support/factories.ts';

let t: TestApp;
let browser: Browser;
let project: TestProject;

beforeAll(async () => {
  t = await startTestApp();
  project = await createProject(t.url);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

it('"Try it" on /docs mints a real portal session from the browser, with no third-party request', async () => {
  const page = await browser.newPage({ baseURL: t.deps.config.publicUrl });
  const foreign: string[] = [];
  const cspViolations: string[] = [];
  page.on('request', (r) => {
    if (new URL(r.url()).origin !== t.deps.config.publicUrl) foreign.push(r.url());
  });
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });

  await page.goto('/docs/');
  const operation = page.locator('#operations-Platform-post_api_platform_portal_sessions');
  await operation.locator('.opblock-summary').click();
  // tryItOutEnabled: operations open in "Try it out" mode already.
  const body = JSON.stringify({ client_id: project.clientId, client_secret: project.clientSecret, end_user_id: 'playground-user' });
  await operation.locator('textarea.body-param__text').fill(body);
  await operation.getByRole('button', { name: 'Execute' }).click();

  const responseBody = operation.locator('.responses-wrapper .live-responses-table .response-col_description pre').first();
  await expect.poll(async () => (await responseBody.textContent()) ?? '', { timeout: 15_000 }).toContain('portal_url');
  const minted = JSON.parse((await responseBody.textContent())!);
  expect(minted.expires_in).toBe(300);
  expect(minted.portal_url).toBe(`${t.deps.config.publicUrl}/portal?session=${minted.session_token}`);
  await saveScreenshot(page, { path: artifactPath('docs-try-it.png'), fullPage: false });

  expect(foreign).toEqual([]);
  expect(cspViolations).toEqual([]);
  const user = await t.database.db.selectFrom('end_users').select('project_id').where('external_id', '=', 'playground-user').executeTakeFirst();
  expect(user?.project_id).toBe(project.id);
});
