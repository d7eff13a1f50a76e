import { randomUUID } from 'node:crypto';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { paymentById, pendingUpgrade, simulate, simulatorTransactions, subscriptionOf } from '../support/billing.ts';
import { artifactPath, launchBrowser, saveScreenshot } from '../support/browser.ts';
import { addPerson, DASHBOARD_PASSWORD } from '../support/dashboard.ts';
import { createProject, createSession, type TestProject } from '../support/factories.ts';
import { addEndpoint, type CreatedEndpoint } from '../webhooks/support.ts';

/**
 * The dashboard's role checks in real Chromium, one signed-in browser context per role
 * (owner, admin, finance, viewer) over one project: a paying customer (Pro, paid by card
 * through the simulator, so refundable) and one webhook endpoint. Each role sees the
 * read-only content of the customer, payment and webhook pages, and only the action forms
 * its role allows (finance and up act on customers and payments; admin and up manage
 * webhooks). A viewer's — and for webhooks a finance member's — POST forged from the page
 * itself, with the session's valid CSRF token and a fresh action id, is a 403 that says the
 * role does not allow it, and changes nothing. Finance cancels at the period end by clicking.
 * The viewer's pages are axe-clean; screenshots in test-artifacts/.
 */

type Role = 'owner' | 'admin' | 'finance' | 'viewer';
const ROLES: readonly Role[] = ['owner', 'admin', 'finance', 'viewer'];
/** What each role may do, written out here rather than read from the server's table. */
const MAY: Record<Role, { actOnCustomers: boolean; manageWebhooks: boolean }> = {
  owner: { actOnCustomers: true, manageWebhooks: true },
  admin: { actOnCustomers: true, manageWebhooks: true },
  finance: { actOnCustomers: true, manageWebhooks: false },
  viewer: { actOnCustomers: false, manageWebhooks: false },
};
const email = (role: Role) => `${role}@acme.test`;
const FORBIDDEN = 'Your role in this project does not allow this.';

let t: TestApp;
/**
 * Where the browser opens the dashboard: PUBLIC_URL (http://localhost:<port>), the origin the
 * server's same-origin check expects. A fetch() sends its page's real Origin (only a form
 * post sends `null` under the no-referrer policy), so from t.url (127.0.0.1) every forged
 * POST would be refused by the origin check before the role check was ever asked.
 */
let site: string;
let browser: Browser;
let project: TestProject;
let endUserId: string;
let paymentId: string;
let orderId: string;
let endpoint: CreatedEndpoint;
const userIds = {} as Record<Role, string>;
const contexts: BrowserContext[] = [];
const pages = {} as Record<Role, Page>;

const base = () => `/dashboard/projects/${project.id}`;
const customerPath = () => `${base()}/customers/ana-01`;
const paymentPath = () => `${base()}/payments/${paymentId}`;
const webhooksPath = () => `${base()}/webhooks`;
const endpointPath = () => `${webhooksPath()}/${endpoint.id}`;

async function signIn(page: Page, role: Role): Promise<void> {
  await page.goto(`${site}/dashboard`);
  await page.getByLabel('Email').fill(email(role));
  await page.getByLabel('Password').fill(DASHBOARD_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/dashboard(\?|$)/);
}

/** The page's state-changing forms, by action (relative to `prefix`), in page order. */
function postForms(page: Page, prefix: string): Promise<string[]> {
  return page.evaluate<string[]>(
    `[...document.querySelectorAll('main form[method="post"]')].map((f) => f.getAttribute('action').replace(${JSON.stringify(`${prefix}/`)}, ''))`,
  );
}

/**
 * A POST forged from inside the signed-in page with fetch: same origin (Chromium sends the
 * page's Origin, PUBLIC_URL's, and Sec-Fetch-Site: same-origin), the session's cookie, the
 * session's real CSRF token (read from the sign-out form, as any script on the page could)
 * and a fresh action id.
 */
async function forge(page: Page, path: string, fields: Record<string, string> = {}): Promise<{ status: number; url: string; text: string }> {
  const csrf = await page.locator('form[action="/dashboard/logout"] input[name="csrf"]').inputValue();
  expect(csrf.length).toBeGreaterThan(20);
  const body = { csrf, action_id: `forged-${randomUUID()}`, ...fields };
  return page.evaluate(
    async ({ path, body }) => {
      const res = await fetch(path, { method: 'POST', credentials: 'same-origin', body: new URLSearchParams(body) });
      return { status: res.status, url: res.url, text: await res.text() };
    },
    { path, body },
  );
}

async function expectRefused(page: Page, path: string, fields: Record<string, string> = {}): Promise<void> {
  const res = await forge(page, path, fields);
  expect(res.status, `POST ${path}`).toBe(403);
  // The role check said no, not the CSRF or origin check (those are 403s too).
  expect(res.text, `POST ${path}`).toContain(FORBIDDEN);
  expect(res.text).not.toContain('whsec_');
}

async function axeClean(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('load');
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), `axe on ${name}`).toEqual([]);
  const sideways = await page.evaluate<boolean>(`document.documentElement.scrollWidth > document.documentElement.clientWidth`);
  expect(sideways, `${name} scrolls sideways`).toBe(false);
}

/** Everything a forged POST could have touched, to compare before and after. */
async function ledger() {
  const db = t.database.db;
  const [tx] = (await simulatorTransactions(t)).filter((x) => x.order_id === orderId);
  return {
    payment: await paymentById(t, paymentId),
    refunds: await db.selectFrom('payment_refunds').selectAll().where('payment_id', '=', paymentId).execute(),
    subscription: await subscriptionOf(t, endUserId),
    endpoints: await db.selectFrom('webhook_endpoints').selectAll().where('project_id', '=', project.id).orderBy('id').execute(),
    deliveries: await db.selectFrom('webhook_deliveries').select('id').where('endpoint_id', '=', endpoint.id).execute(),
    audit: await db.selectFrom('audit_log').select(['id', 'action']).where('project_id', '=', project.id).orderBy('id').execute(),
    gatewayStatus: (tx!.payment as { transaction_status: string }).transaction_status,
  };
}

beforeAll(async () => {
  t = await startTestApp();
  t.clock.set(new Date());
  project = await createProject(t.url, { name: 'Acme Notes' });
  for (const role of ROLES) userIds[role] = await addPerson(t, email(role), { projectId: project.id, role });

  // A paying customer: asked for Pro through the portal, paid by card on the simulator.
  expect((await createSession(t.url, project, 'ana-01', { name: 'Ana Wijaya', email: 'ana@acme.test' })).status).toBe(200);
  t.clock.advance(60_000);
  const { eu, payment } = await pendingUpgrade(t, project, 'ana-01', 'pro');
  t.clock.advance(60_000);
  await simulate(t, payment.order_id, { transaction_status: 'settlement', payment_type: 'credit_card' });
  endUserId = eu;
  paymentId = payment.id;
  orderId = payment.order_id;
  expect(await paymentById(t, paymentId)).toMatchObject({ status: 'paid', refunded_amount: 0, payment_method: 'credit_card' });
  expect(await subscriptionOf(t, endUserId)).toMatchObject({ status: 'active', plan_id: project.plans.pro!.id, cancel_at_period_end: false });

  // One webhook endpoint (nothing delivers in tests: no worker runs).
  endpoint = await addEndpoint(t, project.id, { url: 'https://hooks.acme.example/langgan', description: 'Acme receiver' });

  site = t.deps.config.publicUrl.replace(/\/$/, '');
  browser = await launchBrowser();
  for (const role of ROLES) {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'en-US' });
    contexts.push(context);
    pages[role] = await context.newPage();
    await signIn(pages[role], role);
  }
});
afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await t?.close();
});

describe('what each role sees', { timeout: 60_000 }, () => {
  for (const role of ROLES) {
    it(`${role}: the customer page, with the actions only if the role may act`, async () => {
      const page = pages[role];
      const res = await page.goto(`${site}${customerPath()}`);
      expect(res!.status()).toBe(200);
      // Read-only content, for everyone.
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Ana Wijaya');
      const summary = page.locator('section[aria-labelledby="subscription"]');
      expect(await summary.textContent()).toMatch(/Plan\s*Pro/);
      expect(await summary.textContent()).toContain('Active');
      expect(await page.locator(`main a[href="${paymentPath()}"]`).count()).toBe(1);

      const forms = await postForms(page, customerPath());
      const cancel = page.getByRole('button', { name: 'Cancel at period end' });
      const readOnly = page.getByText('You can read this customer; acting for them needs the finance, admin or owner role.');
      if (MAY[role].actOnCustomers) {
        expect(forms).toEqual(['cancel', 'downgrade', 'portal']);
        expect(await cancel.isVisible()).toBe(true);
        expect(await page.getByRole('button', { name: 'Schedule downgrade' }).isVisible()).toBe(true);
        expect(await page.getByRole('button', { name: "Open this customer's portal" }).isVisible()).toBe(true);
        expect(await readOnly.count()).toBe(0);
      } else {
        expect(forms).toEqual([]);
        expect(await cancel.count()).toBe(0);
        expect(await page.getByRole('button', { name: /revoke/i }).count()).toBe(0);
        expect(await readOnly.isVisible()).toBe(true);
      }
    });

    it(`${role}: the payment page, with the refund forms only if the role may act`, async () => {
      const page = pages[role];
      const res = await page.goto(`${site}${paymentPath()}`);
      expect(res!.status()).toBe(200);
      const main = (await page.locator('main').textContent())!;
      expect(main).toContain(orderId);
      expect(main).toContain('IDR 150,000');
      expect(main).toContain('Visa');
      // "Check status now" only asks Midtrans and records what it says: any member may (see payments.test.ts).
      expect(await page.getByRole('button', { name: 'Check status now' }).isVisible()).toBe(true);

      const forms = await postForms(page, paymentPath());
      const refund = page.getByRole('button', { name: 'Refund through Midtrans' });
      const readOnly = page.getByText('Your role can see payments but not refund them.');
      if (MAY[role].actOnCustomers) {
        expect(forms).toEqual(['check', 'refund', 'refund']);
        expect(await refund.isVisible()).toBe(true);
        expect(await page.getByRole('button', { name: 'Record refund outside Midtrans' }).isVisible()).toBe(true);
        expect(await readOnly.count()).toBe(0);
      } else {
        expect(forms).toEqual(['check']);
        expect(await refund.count()).toBe(0);
        expect(await page.getByRole('textbox', { name: 'Amount to refund (Rp)' }).count()).toBe(0);
        expect(await readOnly.isVisible()).toBe(true);
      }
    });

    it(`${role}: the webhook pages, with create, edit, rotate, test and delete only for admin and owner`, async () => {
      const page = pages[role];
      expect((await page.goto(`${site}${webhooksPath()}`))!.status()).toBe(200);
      expect(await page.getByRole('link', { name: endpoint.url }).isVisible()).toBe(true);
      const add = page.getByRole('link', { name: 'Add an endpoint' });
      const settingsReadOnly = page.getByText('You can read these settings; changing them needs the admin or owner role.');
      if (MAY[role].manageWebhooks) {
        expect(await add.isVisible()).toBe(true);
        expect(await settingsReadOnly.count()).toBe(0);
      } else {
        expect(await add.count()).toBe(0);
        expect(await settingsReadOnly.isVisible()).toBe(true);
      }

      expect((await page.goto(`${site}${endpointPath()}`))!.status()).toBe(200);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(endpoint.url);
      expect(await page.locator('main').textContent()).toContain('Acme receiver');
      expect(await page.locator('main').textContent()).not.toContain('whsec_');
      const forms = await postForms(page, endpointPath());
      const controls = [
        page.getByRole('link', { name: 'Edit' }),
        page.getByRole('link', { name: 'Delete endpoint' }),
        page.getByRole('button', { name: 'Send test event' }),
        page.getByRole('button', { name: 'Rotate secret' }),
      ];
      if (MAY[role].manageWebhooks) {
        expect(forms).toEqual(['test', 'rotate']);
        for (const control of controls) expect(await control.isVisible()).toBe(true);
        expect((await page.goto(`${site}${webhooksPath()}/new`))!.status()).toBe(200);
      } else {
        expect(forms).toEqual([]);
        for (const control of controls) expect(await control.count()).toBe(0);
        // The forms' own pages are refused too, not only hidden.
        for (const path of [`${webhooksPath()}/new`, `${endpointPath()}/edit`, `${endpointPath()}/delete`]) {
          const res = await page.goto(`${site}${path}`);
          expect(res!.status(), `GET ${path}`).toBe(403);
          expect(await page.locator('main').textContent()).toContain(FORBIDDEN);
        }
      }
    });
  }
});

describe("a viewer's pages", { timeout: 60_000 }, () => {
  it('are axe-clean, at 1100 px and on a 390 px phone (screenshots of the customer page)', async () => {
    const page = pages.viewer;
    await page.goto(`${site}${customerPath()}`);
    await saveScreenshot(page, { path: artifactPath('dashboard-roles-viewer-customer-1100.png'), fullPage: true });
    await axeClean(page, 'customer at 1100px');
    await page.goto(`${site}${paymentPath()}`);
    await axeClean(page, 'payment at 1100px');
    await page.goto(`${site}${endpointPath()}`);
    await axeClean(page, 'endpoint at 1100px');

    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.goto(`${site}${customerPath()}`);
      await saveScreenshot(page, { path: artifactPath('dashboard-roles-viewer-customer-390.png'), fullPage: true });
      await axeClean(page, 'customer at 390px');
    } finally {
      await page.setViewportSize({ width: 1100, height: 900 });
    }
  });
});

describe('forged POSTs', { timeout: 60_000 }, () => {
  it('go through to the server from the page: a viewer may check a payment\'s status that way', async () => {
    // The control for the refusals below: the same request, for something a viewer may do,
    // passes the origin and CSRF checks and runs (so a 403 below is the role check's).
    const page = pages.viewer;
    await page.goto(`${site}${paymentPath()}`);
    const res = await forge(page, `${paymentPath()}/check`);
    expect(res.status, res.text.slice(0, 500)).toBe(200);
    expect(res.url).toMatch(/notice=checked$/);
    expect(res.text).toContain('Checked with Midtrans');
  });

  it("a viewer's forged refund, cancel, downgrade and webhook rotate, test and delete are 403s that change nothing", async () => {
    const page = pages.viewer;
    await page.goto(`${site}${customerPath()}`);
    const before = await ledger();
    await expectRefused(page, `${paymentPath()}/refund`, { refund_key: `rfd_${randomUUID().replaceAll('-', '')}`, channel: 'midtrans', 'midtrans-amount': '150000', 'midtrans-reason': 'forged' });
    await expectRefused(page, `${paymentPath()}/refund`, { refund_key: `rfd_${randomUUID().replaceAll('-', '')}`, channel: 'outside', 'outside-amount': '150000', 'outside-note': 'forged' });
    await expectRefused(page, `${customerPath()}/cancel`, { reason: 'forged by a viewer' });
    await expectRefused(page, `${customerPath()}/downgrade`, { plan_id: project.plans.free!.id });
    await expectRefused(page, `${endpointPath()}/rotate`, { previous_secret_expires_in: '0' });
    await expectRefused(page, `${endpointPath()}/test`);
    await expectRefused(page, `${endpointPath()}/delete`);

    const after = await ledger();
    expect(after).toEqual(before);
    expect(after.refunds).toEqual([]);
    expect(after.payment).toMatchObject({ status: 'paid', refunded_amount: 0 });
    expect(after.gatewayStatus).toBe('settlement');
    expect(after.subscription).toMatchObject({ status: 'active', cancel_at_period_end: false, cancel_reason: null, scheduled_plan_id: null });
    expect(after.endpoints).toEqual([expect.objectContaining({ id: endpoint.id, secret: endpoint.secret, url: endpoint.url })]);
    // And the page still shows it as before.
    await page.reload();
    expect(await page.locator('section[aria-labelledby="subscription"]').textContent()).not.toContain('Cancels at the period end');
  });

  it("a finance member's forged webhook create, edit, rotate, test and delete are 403s that change nothing", async () => {
    const page = pages.finance;
    await page.goto(`${site}${webhooksPath()}`);
    const before = await ledger();
    await expectRefused(page, `${webhooksPath()}/new`, { url: 'https://evil.example/forged', description: 'forged', scope: 'all' });
    await expectRefused(page, `${endpointPath()}/edit`, { url: 'https://evil.example/forged', description: 'forged', scope: 'all' });
    await expectRefused(page, `${endpointPath()}/rotate`, { previous_secret_expires_in: '0' });
    await expectRefused(page, `${endpointPath()}/test`);
    await expectRefused(page, `${endpointPath()}/delete`);
    const after = await ledger();
    expect(after).toEqual(before);
    expect(after.endpoints).toEqual([expect.objectContaining({ id: endpoint.id, secret: endpoint.secret, url: endpoint.url, description: 'Acme receiver' })]);
  });
});

describe('finance acting for a customer', { timeout: 60_000 }, () => {
  it('cancels at the period end by clicking; the page, the viewer and the database show it', async () => {
    const page = pages.finance;
    await page.goto(`${site}${customerPath()}`);
    await page.getByLabel('Reason (shown to your team and in the events)').fill('Asked by phone');
    await page.getByRole('button', { name: 'Cancel at period end' }).click();
    await page.waitForURL(/notice=canceled$/);
    expect(await page.getByRole('status').textContent()).toBe('The subscription will cancel at the period end.');
    expect(await page.locator('main').textContent()).toContain('Reason: Asked by phone');
    expect(await page.getByRole('button', { name: 'Resume subscription' }).isVisible()).toBe(true);

    expect(await subscriptionOf(t, endUserId)).toMatchObject({ status: 'active', cancel_at_period_end: true, cancel_reason: 'Asked by phone' });
    const audit = await t.database.db.selectFrom('audit_log').selectAll().where('project_id', '=', project.id).where('action', '=', 'customer.subscription_canceled').execute();
    expect(audit).toEqual([expect.objectContaining({ actor_user_id: userIds.finance, data: expect.objectContaining({ end_user_id: 'ana-01', reason: 'Asked by phone' }) })]);

    // The viewer reads the change, still with nothing to act with.
    const viewer = pages.viewer;
    await viewer.goto(`${site}${customerPath()}`);
    expect(await viewer.locator('section[aria-labelledby="subscription"]').textContent()).toContain('Cancels at the period end');
    expect(await postForms(viewer, customerPath())).toEqual([]);
    // A viewer's forged resume is refused too: it stays canceling.
    await expectRefused(viewer, `${customerPath()}/resume`);
    expect(await subscriptionOf(t, endUserId)).toMatchObject({ cancel_at_period_end: true });
  });
});
