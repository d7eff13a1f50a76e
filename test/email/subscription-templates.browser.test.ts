import { AxeBuilder } from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Locale } from '../../src/db/types.ts';
import { deliverEmails } from '../../src/modules/email/deliver-emails.ts';
import { queueEmail } from '../../src/modules/email/queue-email.ts';
import { renderCancellationScheduled } from '../../src/modules/email/templates/cancellation-scheduled.ts';
import type { EmailBase, RenderedEmail } from '../../src/modules/email/templates/layout.ts';
import { renderPastDue } from '../../src/modules/email/templates/past-due.ts';
import { renderRenewalReminder } from '../../src/modules/email/templates/renewal-reminder.ts';
import { renderPaymentLink } from '../../src/modules/email/templates/payment-link.ts';
import { renderMemberInvitation } from '../../src/modules/email/templates/member-invitation.ts';
import { renderPaymentFailed } from '../../src/modules/email/templates/payment-failed.ts';
import { renderPlanChanged } from '../../src/modules/email/templates/plan-changed.ts';
import { renderSubscriptionEnded } from '../../src/modules/email/templates/subscription-ended.ts';
import type { MailCatcher } from '../../src/mail-catcher/index.ts';
import type { TestApp } from '../support/app.ts';
import { artifactPath, saveScreenshot } from '../support/browser.ts';
import type { TestProject } from '../support/factories.ts';
import { startEmailLook, type EmailLook } from './support/look.ts';

/**
 * The subscription emails (payment failed, renewal reminder, past due, ended, cancellation scheduled, plan
 * changed) as a customer's mail client renders them: every template and wording, in both
 * languages, at desktop and phone widths, in the project's colours; no horizontal
 * scrolling, no accessibility violations, nothing fetched from anywhere, every value
 * escaped. Each one goes through the outbox and the delivery job to the mail catcher, and is
 * screenshot as its inbox shows it (EMAIL_SHOTS_DIR, else test-artifacts/) for people to
 * look at.
 */
let look: EmailLook;
let catcher: MailCatcher;
let t: TestApp;
let project: TestProject;
let browser: Browser;

beforeAll(async () => {
  look = await startEmailLook();
  ({ catcher, t, project, browser } = look);
});
afterAll(() => look?.close());

const shot = (name: string) => {
  const dir = process.env.EMAIL_SHOTS_DIR;
  if (!dir) return artifactPath(name);
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
};

const periodEnd = new Date('2026-02-15T03:00:00Z');
const graceEnd = new Date('2026-02-18T03:00:00Z');

/** Every template and wording, with what its heading says in each language. */
const EMAILS: Array<{ name: string; heading: Record<Locale, string>; render: (base: EmailBase) => RenderedEmail }> = [
  {
    name: 'payment-failed-upgrade',
    heading: { en: 'Your payment expired', id: 'Pembayaran Anda kedaluwarsa' },
    render: (b) => renderPaymentFailed({ ...b, planName: 'Business', amount: 300_000, currency: 'IDR', outcome: 'expired', method: 'qris', orderId: 'pay_7pQ2xYbL0aK3mN5vR8sT1w', next: { currentPlan: 'Pro' } }),
  },
  {
    name: 'payment-failed-renewal',
    heading: { en: 'Your payment did not go through', id: 'Pembayaran Anda tidak berhasil' },
    render: (b) => renderPaymentFailed({ ...b, planName: 'Pro', amount: 150_000, currency: 'IDR', outcome: 'failed', method: 'credit_card', orderId: 'pay_Zr4Lk0PqW2sX9vB7nM3cHd', next: { pastDueUntil: graceEnd, pay: { url: 'https://billing.example/portal?session=abc&flow=pay%3Apay_2', until: graceEnd } } }),
  },
  {
    name: 'payment-failed-renewal-no-link',
    heading: { en: 'Your payment did not go through', id: 'Pembayaran Anda tidak berhasil' },
    render: (b) => renderPaymentFailed({ ...b, planName: 'Pro', amount: 150_000, currency: 'IDR', outcome: 'failed', method: 'credit_card', orderId: 'pay_Zr4Lk0PqW2sX9vB7nM3cHd', next: { pastDueUntil: graceEnd } }),
  },
  {
    name: 'renewal-reminder',
    heading: { en: 'Your renewal is ready to pay', id: 'Perpanjangan Anda siap dibayar' },
    render: (b) =>
      renderRenewalReminder({
        ...b,
        planName: 'Pro',
        amount: 150_000,
        currency: 'IDR',
        periodEnds: periodEnd,
        renewalEnds: new Date('2026-03-15T03:00:00Z'),
        graceEnds: graceEnd,
        pay: { url: 'https://billing.example/portal?session=abc&flow=pay%3Apay_1', until: graceEnd },
      }),
  },
  {
    name: 'payment-link',
    heading: { en: 'A payment is waiting for you', id: 'Ada pembayaran menunggu Anda' },
    render: (b) =>
      renderPaymentLink({ ...b, planName: 'Business', amount: 450_000, currency: 'IDR', purpose: 'upgrade', pay: { url: 'https://billing.example/portal?session=abc&flow=pay%3Apay_2', until: graceEnd } }),
  },
  {
    // Not a customer's: a person invited to the project's dashboard, in Langgan's own look.
    name: 'member-invitation',
    heading: { en: 'Join Warung Awan on Langgan', id: 'Bergabung dengan Warung Awan di Langgan' },
    render: (b) =>
      renderMemberInvitation({
        locale: b.locale,
        timeZone: b.timeZone,
        projectName: b.projectName,
        inviterName: 'Sari Wijaya',
        inviteeName: 'Dewi Anggraini',
        inviteeEmail: 'dewi.anggraini@warung-awan.example',
        role: 'finance',
        link: { url: 'https://billing.example/dashboard/invitation?token=Qm9vdHN0cmFwIHdpdGhvdXQgYSBiYWNrZG9vcg', until: graceEnd },
      }),
  },
  {
    name: 'past-due',
    heading: { en: 'Your renewal is waiting for payment', id: 'Perpanjangan Anda menunggu pembayaran' },
    render: (b) => renderPastDue({ ...b, planName: 'Pro', amount: 150_000, currency: 'IDR', dueSince: periodEnd, usableUntil: graceEnd, fallbackPlan: 'Free' }),
  },
  {
    name: 'subscription-ended-canceled',
    heading: { en: 'Your subscription has ended', id: 'Langganan Anda telah berakhir' },
    render: (b) => renderSubscriptionEnded({ ...b, planName: 'Pro', reason: 'canceled', endedAt: periodEnd, fallbackPlan: null }),
  },
  {
    name: 'subscription-ended-unpaid',
    heading: { en: 'Your subscription has ended', id: 'Langganan Anda telah berakhir' },
    render: (b) => renderSubscriptionEnded({ ...b, planName: 'Pro', reason: 'unpaid', endedAt: graceEnd, fallbackPlan: null }),
  },
  {
    name: 'subscription-ended-fallback',
    heading: { en: 'Your plan has ended', id: 'Paket Anda telah berakhir' },
    render: (b) => renderSubscriptionEnded({ ...b, planName: 'Pro', reason: 'unpaid', endedAt: graceEnd, fallbackPlan: 'Free' }),
  },
  {
    name: 'cancellation-scheduled',
    heading: { en: 'Your cancellation is scheduled', id: 'Pembatalan Anda dijadwalkan' },
    render: (b) => renderCancellationScheduled({ ...b, planName: 'Pro', accessUntil: periodEnd }),
  },
  {
    name: 'plan-changed',
    heading: { en: 'Your plan has changed', id: 'Paket Anda telah berubah' },
    render: (b) => renderPlanChanged({ ...b, fromPlan: 'Pro', toPlan: 'Business', price: 450_000, currency: 'IDR', interval: 'month', effectiveAt: new Date('2026-01-20T07:30:00Z'), renewsAt: periodEnd }),
  },
];

async function base(locale: Locale, customerName: string | null = 'Ana Lestari'): Promise<EmailBase> {
  const row = await t.database.db.selectFrom('projects').select(['name', 'theme_config', 'time_zone']).where('id', '=', project.id).executeTakeFirstOrThrow();
  return { locale, timeZone: row.time_zone, projectName: row.name, theme: row.theme_config, customerName };
}

/** Queued as the real changes queue it, and delivered by the job to the mail catcher. */
async function deliver(to: string, locale: Locale, rendered: RenderedEmail) {
  await t.database.db.transaction().execute((trx) =>
    queueEmail(trx, { projectId: project.id, endUserId: null, type: 'plan_changed', cause: to, to, locale, rendered, domain: 'langgan.test', now: t.clock.now() }),
  );
  await deliverEmails(t.deps);
  return catcher.waitFor((m) => m.to.includes(to));
}

describe.each(['en', 'id'] as const)('in %s', (locale) => {
  describe.each(EMAILS)('$name', ({ name, heading, render }) => {
    it('reads well at 1280 and 390 px (screenshot as the inbox shows it): no horizontal scroll, axe-clean, no outside requests', async () => {
      const message = await deliver(`${name}-${locale}@example.com`, locale, render(await base(locale)));
      for (const width of [1280, 390]) {
        const context = await browser.newContext({ viewport: { width, height: 900 } });
        const page = await context.newPage();
        const requests: string[] = [];
        page.on('request', (r) => requests.push(r.url()));
        try {
          await page.setContent(message.html!, { waitUntil: 'load' });
          await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(heading[locale]);
          const sideways = await page.evaluate<[number, number]>('[document.documentElement.scrollWidth, document.documentElement.clientWidth]');
          expect(sideways[0], 'scrolls sideways').toBeLessThanOrEqual(sideways[1]);
          expect(await page.getByText('Warung Awan', { exact: true }).count()).toBeGreaterThan(0);
          if (width === 390) {
            // The colours and markup are the same at every width: one axe run is enough.
            const results = await new AxeBuilder({ page }).analyze();
            expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
          }
          expect(requests.filter((u) => !u.startsWith('about:') && !u.startsWith('data:'))).toEqual([]);

          // As the mail catcher's inbox shows it: the message page, and the HTML part in full.
          await page.goto(`${catcher.httpUrl}/messages/${message.id}`);
          await saveScreenshot(page, { path: shot(`email-${name}-${locale}-${width}-inbox.png`), fullPage: true });
          await page.goto(`${catcher.httpUrl}/messages/${message.id}/html`);
          await saveScreenshot(page, { path: shot(`email-${name}-${locale}-${width}.png`), fullPage: true });
        } finally {
          await context.close();
        }
      }
    });
  });
});

describe('escaping', () => {
  it('every value is text in every template: names, plans and references never become markup', async () => {
    const hostile = '<img src=x onerror=alert(1)>"\'&';
    for (const locale of ['en', 'id'] as const) {
      const b = { ...(await base(locale, hostile)), projectName: `Warung ${hostile}` };
      const renders = [
        renderPaymentFailed({ ...b, planName: hostile, amount: 1, currency: 'IDR', outcome: 'failed', method: hostile, orderId: hostile, next: { currentPlan: hostile } }),
        renderPastDue({ ...b, planName: hostile, amount: 1, currency: 'IDR', dueSince: periodEnd, usableUntil: graceEnd, fallbackPlan: hostile }),
        renderSubscriptionEnded({ ...b, planName: hostile, reason: 'unpaid', endedAt: graceEnd, fallbackPlan: hostile }),
        renderCancellationScheduled({ ...b, planName: hostile, accessUntil: periodEnd }),
        renderPlanChanged({ ...b, fromPlan: hostile, toPlan: hostile, price: 1, currency: 'IDR', interval: 'year', effectiveAt: periodEnd, renewsAt: graceEnd }),
        renderMemberInvitation({ locale, timeZone: b.timeZone, projectName: b.projectName, inviterName: hostile, inviteeName: hostile, inviteeEmail: hostile, role: 'viewer', link: { url: 'https://billing.example/dashboard/invitation?token=x', until: graceEnd } }),
      ];
      for (const r of renders) {
        expect(r.html).not.toContain('<img');
        expect(r.html).toContain('&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;');
        // The text part is plain text: the value as it is.
        expect(r.text).toContain(hostile);
      }
    }
  });
});
