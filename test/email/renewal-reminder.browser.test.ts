import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { deliverEmails } from '../../src/modules/email/deliver-emails.ts';
import { openEarlyRenewals } from '../../src/modules/subscriptions/renewal-reminders.ts';
import type { MailCatcher } from '../../src/mail-catcher/index.ts';
import type { TestApp } from '../support/app.ts';
import { simulate, subscriptionOf } from '../support/billing.ts';
import { artifactPath, launchBrowser, saveScreenshot } from '../support/browser.ts';
import { createProject, createSession, type TestProject } from '../support/factories.ts';
import { http } from '../support/http.ts';
import { checkPortalPage, watchPage, writeRecords, type PageRecord } from '../portal/support/page-checks.ts';
import { startMailApp, type MailWorld } from '../support/mail.ts';

/**
 * The renewal reminder in real Chromium, against the mail catcher: three days before the
 * period ends (injected clock) a customer without a saved card finds the email in their
 * inbox, and its "Pay now" signs them in and lands on the renewal, ready to pay — at desktop
 * width in English and at 390 px in Indonesian.
 */
let mail: MailWorld;
let catcher: MailCatcher;
let t: TestApp;
let project: TestProject;
let browser: Browser;
const records: PageRecord[] = [];
const DAY = 86_400_000;

beforeAll(async () => {
  mail = await startMailApp();
  ({ catcher, t } = mail);
  t.clock.set(new Date());
  project = await createProject(t.url, {
    name: 'Teh Botol Cloud',
    redirectUris: ['https://app.tehbotol.example/account'],
    theme: { colors: { primary: '#0f766e' }, font_family: 'system', border_radius: 12, mode: 'light' },
  });
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  writeRecords('portal-pages-renewal-reminder.json', records);
  await browser?.close();
  await mail?.close();
});

for (const view of [
  { name: 'desktop-en', locale: 'en-US', width: 1100, lang: 'en' as const, subject: /^Renewal coming up: Pro/, pay: 'Pay now', heading: 'Your renewal is ready to pay' },
  { name: 'phone-id', locale: 'id-ID', width: 390, lang: 'id' as const, subject: /^Perpanjangan segera: Pro/, pay: 'Bayar sekarang', heading: 'Perpanjangan Anda siap dibayar' },
]) {
  it(`${view.name}: the reminder arrives three days before the period ends and "Pay now" lands on the renewal`, { timeout: 120_000 }, async () => {
    const who = `reminded-${view.name}`;
    await createSession(t.url, project, who, { email: `${who}@example.com`, name: 'Rina Wijaya', locale: view.lang });
    const change = await http(t.url, 'POST', `/api/platform/end-users/${who}/subscription/change`, { basic: project.creds, body: { plan_code: 'pro' } });
    expect(change.body.outcome, change.text).toBe('payment_required');
    await simulate(t, change.body.payment.order_id, { transaction_status: 'settlement', payment_type: 'qris' });
    const eu = await t.database.db.selectFrom('end_users').select('id').where('external_id', '=', who).executeTakeFirstOrThrow();
    const sub = (await subscriptionOf(t, eu.id))!;

    catcher.clear();
    t.clock.set(new Date(sub.current_period_end!.getTime() - 3 * DAY + 60_000));
    expect((await openEarlyRenewals(t.deps)).opened).toBe(1);
    while ((await deliverEmails(t.deps)).sent > 0);
    const message = await catcher.waitFor((m) => m.to.includes(`${who}@example.com`) && view.subject.test(m.subject));
    const renewal = await t.database.db.selectFrom('payments').selectAll().where('subscription_id', '=', sub.id).where('purpose', '=', 'renewal').executeTakeFirstOrThrow();

    const context = await browser.newContext({ locale: view.locale, viewport: { width: view.width, height: 800 } });
    // The email as the catcher's inbox shows it (its HTML part in a sandboxed frame).
    const inbox = await context.newPage();
    await inbox.goto(`${catcher.httpUrl}/messages/${message.id}`);
    const email = inbox.frameLocator('iframe');
    expect(await email.getByRole('heading', { level: 1 }).innerText()).toBe(view.heading);
    const href = await email.getByRole('link', { name: view.pay }).getAttribute('href');
    expect(href).toContain(`flow=pay%3A${renewal.id}`);
    await saveScreenshot(inbox, { path: artifactPath(`email-renewal-reminder-inbox-${view.name}.png`), fullPage: true });

    // "Pay now", followed in the browser: signed in, on the renewal, ready to pay.
    const page = await context.newPage();
    const watch = watchPage(page, t.deps.config.publicUrl);
    await page.goto(href!);
    await page.waitForURL(`${t.deps.config.publicUrl}/portal/payments/${renewal.id}`);
    expect(await page.locator('main').innerText()).toMatch(view.lang === 'en' ? /IDR 150,000/ : /Rp150\.000/);
    await checkPortalPage(page, `renewal-reminder-payment-${view.name}`, watch, records);
    await saveScreenshot(page, { path: artifactPath(`portal-renewal-reminder-payment-${view.name}.png`), fullPage: true });
    await context.close();
  });
}
