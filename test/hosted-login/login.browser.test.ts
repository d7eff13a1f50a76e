import type { Browser, BrowserContext, Page } from 'playwright-core';
import { sha256 } from '../../src/lib/crypto.ts';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type MailCatcher, type CaughtMessage } from '../../src/mail-catcher/index.ts';
import type { TestApp } from '../support/app.ts';
import { artifactPath, launchBrowser, saveScreenshot } from '../support/browser.ts';
import { createProject, createSession } from '../support/factories.ts';
import { http } from '../support/http.ts';
import { deliverEmails } from '../../src/modules/email/deliver-emails.ts';
import { png } from '../support/images.ts';
import { checkPortalPage, watchPage, writeRecords, type PageRecord } from '../portal/support/page-checks.ts';
import { startMailApp, type MailWorld } from '../support/mail.ts';

/**
 * A customer reaches billing by themselves in real Chromium, against the mail catcher: the
 * hosted login page in the project's theme, the code from the email, the overview. Every
 * state is checked (axe, weight, same-origin, CSP) and kept as a screenshot, at desktop
 * width and at 390 px, in English and Indonesian; the email too, as the catcher shows it.
 */
let mail: MailWorld;
let catcher: MailCatcher;
let t: TestApp;
let browser: Browser;
const records: PageRecord[] = [];
const SLUG = 'teh-botol-cloud';

beforeAll(async () => {
  mail = await startMailApp();
  ({ catcher, t } = mail);
  t.clock.set(new Date());
  const project = await createProject(t.url, {
    name: 'Teh Botol Cloud',
    redirectUris: ['https://app.tehbotol.example/account'],
    theme: { colors: { primary: '#0f766e' }, font_family: 'system', border_radius: 12, mode: 'light' },
  });
  // A logo: the login page shows it from our origin, the email attaches it (cid:).
  const uploaded = await fetch(`${t.url}/api/admin/projects/${project.id}/logo`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${t.deps.config.adminApiKey}`, 'content-type': 'image/png' },
    body: png(96, 32, [15, 118, 110]),
  });
  const { logo } = (await uploaded.json()) as { logo: string };
  const theme = { colors: { primary: '#0f766e' }, font_family: 'system', border_radius: 12, mode: 'light', logo };
  const on = await http(t.url, 'PATCH', `/api/admin/projects/${project.id}`, { admin: true, body: { slug: SLUG, hosted_login_enabled: true, theme_config: theme } });
  expect(on.status, on.text).toBe(200);
  await createSession(t.url, project, 'rina', { email: 'rina@example.com', name: 'Rina Wijaya' });
  await createSession(t.url, project, 'rina-office', { email: 'rina.both@example.com', name: 'Rina (office)' });
  await createSession(t.url, project, 'rina-home', { email: 'rina.both@example.com', name: 'Rina (home)' });
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  writeRecords('portal-pages-hosted-login.json', records);
  await browser?.close();
  await mail?.close();
});

/** Whose portal session this browser holds: its cookie's secret, hashed, is the session's key. */
async function sessionHolder(context: BrowserContext): Promise<string> {
  const cookie = (await context.cookies()).find((c) => c.name === 'langgan_portal');
  expect(cookie, 'the portal session cookie').toBeDefined();
  const row = await t.database.db
    .selectFrom('portal_sessions')
    .innerJoin('end_users', 'end_users.id', 'portal_sessions.end_user_id')
    .select('end_users.external_id')
    .where('portal_sessions.secret_hash', '=', sha256(cookie!.value))
    .executeTakeFirstOrThrow();
  return row.external_id;
}

function codeIn(message: CaughtMessage): string {
  const code = /\b(\d{6})\b/.exec(message.text)?.[1];
  expect(code, message.text).toBeDefined();
  return code!;
}

async function newPage(o: { locale: string; width: number }) {
  const context = await browser.newContext({ locale: o.locale, viewport: { width: o.width, height: 800 } });
  const page = await context.newPage();
  return { context, page, watch: watchPage(page, t.deps.config.publicUrl) };
}

async function askForCode(page: Page, email: string, labels: { email: string; send: string }) {
  await page.getByLabel(labels.email, { exact: true }).fill(email);
  await page.getByRole('button', { name: labels.send }).click();
  return catcher.waitFor((m) => m.to.includes(email) && m.subject.length > 0);
}

for (const view of [
  { name: 'desktop-en', locale: 'en-US', width: 1100, lang: 'en' as const },
  { name: 'phone-id', locale: 'id-ID', width: 390, lang: 'id' as const },
]) {
  it(`${view.name}: a customer signs in with the code from the email and lands on their overview`, { timeout: 180_000 }, async () => {
    const words =
      view.lang === 'en'
        ? { title: 'Sign in to billing', email: 'Email', send: 'Send code', sent: 'Check your email', code: 'Code', signIn: 'Sign in', wrong: 'That code is not right', overview: 'Rina Wijaya' }
        : { title: 'Masuk ke tagihan', email: 'Email', send: 'Kirim kode', sent: 'Periksa email Anda', code: 'Kode', signIn: 'Masuk', wrong: 'Kode itu salah', overview: 'Rina Wijaya' };
    catcher.clear();
    const { context, page, watch } = await newPage(view);
    await page.goto(`${t.deps.config.publicUrl}/portal/login?project=${SLUG}`);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(words.title);
    expect(await page.locator('html').getAttribute('lang')).toBe(view.lang);
    await checkPortalPage(page, `login-email-${view.name}`, watch, records);

    const mail = await askForCode(page, 'rina@example.com', words);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(words.sent);
    await checkPortalPage(page, `login-code-${view.name}`, watch, records);

    const code = codeIn(mail);
    await page.getByLabel(words.code, { exact: true }).fill(code === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: words.signIn, exact: true }).click();
    expect(await page.locator('.field-error').innerText()).toContain(words.wrong);
    await checkPortalPage(page, `login-wrong-code-${view.name}`, watch, records);

    await page.getByLabel(words.code, { exact: true }).fill(code);
    await page.getByRole('button', { name: words.signIn, exact: true }).click();
    await page.waitForURL(`${t.deps.config.publicUrl}/portal`);
    expect(await page.locator('main').innerText()).toContain('Free');
    expect(await sessionHolder(context)).toBe('rina');
    await saveScreenshot(page, { path: artifactPath(`portal-login-signed-in-${view.name}.png`), fullPage: true });

    // The email as the catcher's inbox shows it (its HTML part in a sandboxed frame).
    const inbox = await context.newPage();
    await inbox.goto(`${catcher.httpUrl}/messages/${mail.id}`);
    expect(mail.attachments.map((a) => a.content_type)).toEqual(['image/png']);
    await saveScreenshot(inbox, { path: artifactPath(`email-sign-in-code-${view.name}.png`), fullPage: true });
    await context.close();
  });
}

it('two accounts sharing the address: the picker, then the chosen one; and the unavailable page', { timeout: 120_000 }, async () => {
  for (const view of [
    { name: 'desktop-en', locale: 'en-US', width: 1100 },
    { name: 'phone-id', locale: 'id-ID', width: 390 },
  ]) {
    catcher.clear();
    const { context, page, watch } = await newPage(view);
    await page.goto(`${t.deps.config.publicUrl}/portal/login?project=${SLUG}`);
    const en = view.locale.startsWith('en');
    const mail = await askForCode(page, 'rina.both@example.com', { email: 'Email', send: en ? 'Send code' : 'Kirim kode' });
    // The one-click link from the email, in this browser.
    const link = /(http:\/\/\S+\/portal\/login\/link\?token=[A-Za-z0-9_-]+)/.exec(mail.text)![1]!;
    await page.goto(link);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(en ? 'Which account?' : 'Akun yang mana?');
    await checkPortalPage(page, `login-picker-${view.name}`, watch, records);
    await page.getByRole('button', { name: en ? 'Open: Rina (home)' : 'Buka: Rina (home)' }).click();
    await page.waitForURL(`${t.deps.config.publicUrl}/portal`);
    expect(await sessionHolder(context)).toBe('rina-home');

    await page.goto(`${t.deps.config.publicUrl}/portal/login?project=no-such-project`);
    await checkPortalPage(page, `login-unavailable-${view.name}`, watch, records);
    await context.close();
  }
});

it('five wrong codes lock the code; an unknown address gets the identical page and no email', { timeout: 120_000 }, async () => {
  catcher.clear();
  const { context, page, watch } = await newPage({ locale: 'en-US', width: 1100 });
  const start = `${t.deps.config.publicUrl}/portal/login?project=${SLUG}`;
  await page.goto(start);
  const mail = await askForCode(page, 'rina@example.com', { email: 'Email', send: 'Send code' });
  const knownPage = (await page.locator('main').innerText()).replace('rina@example.com', 'X');
  const code = codeIn(mail);
  const wrong = code === '000000' ? '111111' : '000000';
  for (let i = 0; i < 5; i++) {
    await page.getByLabel('Code', { exact: true }).fill(wrong);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  }
  expect(await page.locator('.field-error').innerText()).toContain('tried too many times');
  await checkPortalPage(page, 'login-locked-desktop-en', watch, records);
  await page.getByLabel('Code', { exact: true }).fill(code);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  expect(await page.locator('.field-error').innerText()).toContain('This code has expired');
  expect(page.url()).not.toBe(`${t.deps.config.publicUrl}/portal`);

  catcher.clear();
  await page.goto(start);
  await page.getByLabel('Email', { exact: true }).fill('stranger@example.com');
  await page.getByRole('button', { name: 'Send code' }).click();
  expect((await page.locator('main').innerText()).replace('stranger@example.com', 'X')).toBe(knownPage);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  await deliverEmails(t.deps);
  expect(catcher.messages()).toEqual([]);
  await context.close();
});
