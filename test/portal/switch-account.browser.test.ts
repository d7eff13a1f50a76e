import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSession } from '../support/factories.ts';
import { checkPortalPage, writeRecords, type PageRecord } from './support/page-checks.ts';
import { startWorld, type World } from './support/world.ts';

/**
 * Someone sends a portal link for their own account to a person who has billing open in
 * the same browser: Chromium shows whose account the link opens, the open session stays
 * until the person chooses, and continuing is one button (no script needed).
 */
let w: World;
const records: PageRecord[] = [];

beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => {
  writeRecords('portal-pages-switch.json', records);
  await w?.close();
});

async function endUserId(externalId: string) {
  const row = await w.t.database.db.selectFrom('end_users').select('id').where('external_id', '=', externalId).executeTakeFirstOrThrow();
  return row.id;
}

it('a link for another account asks first; "Stay" keeps the open session, "Continue" switches', { timeout: 120_000 }, async () => {
  const { context, page, watch } = await w.newPage();
  await w.openBilling(page, 'vera');
  const sent = await createSession(w.t.url, w.project, 'sam', { name: 'Sam Sender', email: 'sam@example.com' });
  expect(sent.status, sent.text).toBe(200);

  await page.goto(sent.body.portal_url);
  expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Open a different account?');
  const main = (await page.locator('main').innerText()).replace(/\s+/g, ' ');
  expect(main).toContain('This link opens Sam Sender (sam@example.com, id sam), at Acme Notes');
  expect(main).toContain('Open now id vera, at Acme Notes');
  await checkPortalPage(page, 'switch-account', watch, records);

  await page.getByRole('link', { name: 'Stay in my account' }).click();
  expect(page.url()).toBe(`${w.publicUrl}/portal`);
  const vera = await endUserId('vera');
  const open = () => w.t.database.db.selectFrom('portal_sessions').select(['end_user_id', 'ended_at']).where('ended_at', 'is', null).execute();
  expect((await open()).map((s) => s.end_user_id)).toEqual([vera]);

  await page.goto(sent.body.portal_url);
  await page.getByRole('button', { name: 'Continue to the other account' }).click();
  expect(page.url()).toBe(`${w.publicUrl}/portal`);
  expect((await open()).map((s) => s.end_user_id)).toEqual([await endUserId('sam')]);
  await context.close();
});

it('asks in Bahasa Indonesia on a 390 px phone, with nothing scrolling sideways', { timeout: 120_000 }, async () => {
  const { context, page, watch } = await w.newPage({ locale: 'id-ID' });
  await page.setViewportSize({ width: 390, height: 844 });
  await w.openBilling(page, 'wati', { locale: 'id' });
  const sent = await createSession(w.t.url, w.project, 'sari', { name: 'Sari Pengirim', locale: 'id' });
  expect(sent.status, sent.text).toBe(200);

  await page.goto(sent.body.portal_url);
  expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Buka akun lain?');
  expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
  await checkPortalPage(page, 'switch-account-id-phone', watch, records);
  await context.close();
});
