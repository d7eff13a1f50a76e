import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { launchBrowser } from '../../support/browser.ts';
import { createProject, type TestProject } from '../../support/factories.ts';
import { http } from '../../support/http.ts';
import { startIntegrator, type Integrator } from './integrator.ts';
import { watchPage } from './page-checks.ts';

export const PLAN_DETAILS: Record<string, { description: string; features: string[] }> = {
  free: { description: 'For trying things out', features: ['Up to 50 notes', 'Sync on 2 devices'] },
  pro: { description: 'For individuals who write every day', features: ['Unlimited notes', 'Sync on all devices', 'Version history'] },
  business: { description: 'For growing teams', features: ['Everything in Pro', 'Shared workspaces', 'Priority support'] },
};

/**
 * A running Langgan (real port, simulator wired in), a stand-in integrator app on another
 * site, and Debian's Chromium. The frozen clock starts at the real time, because the
 * simulator stamps settlements with the real time and periods start at settlement.
 */
export interface World {
  t: TestApp;
  integrator: Integrator;
  project: TestProject;
  browser: Browser;
  publicUrl: string;
  /** A fresh browser context and page, with request/CSP watching. */
  newPage(options?: { locale?: string; viewport?: { width: number; height: number } }): Promise<{ context: BrowserContext; page: Page; watch: ReturnType<typeof watchPage> }>;
  /** Opens billing from the integrator app, as its user would ("Manage billing"). */
  openBilling(page: Page, user: string, options?: { locale?: string }): Promise<void>;
  close(): Promise<void>;
}

export async function startWorld(options: { projectName?: string; theme?: Record<string, unknown> } = {}): Promise<World> {
  const t = await startTestApp();
  t.clock.set(new Date());
  const integrator = await startIntegrator(t.url);
  const project = await createProject(t.url, {
    name: options.projectName ?? 'Acme Notes',
    redirectUris: [integrator.dashboardUrl],
    ...(options.theme && { theme: options.theme }),
  });
  for (const [code, plan] of Object.entries(project.plans)) {
    const res = await http(t.url, 'PATCH', `/api/admin/projects/${project.id}/plans/${plan.id}`, { admin: true, body: PLAN_DETAILS[code] });
    expect(res.status, res.text).toBe(200);
  }
  integrator.project = project;
  const browser = await launchBrowser();
  const publicUrl = t.deps.config.publicUrl;

  return {
    t,
    integrator,
    project,
    browser,
    publicUrl,
    async newPage(o = {}) {
      const context = await browser.newContext({ locale: o.locale ?? 'en-US', viewport: o.viewport ?? { width: 1100, height: 800 } });
      const page = await context.newPage();
      return { context, page, watch: watchPage(page, publicUrl) };
    },
    async openBilling(page, user, o = {}) {
      const query = new URLSearchParams({ user, ...(o.locale && { locale: o.locale }) });
      await page.goto(`${integrator.url}/billing?${query}`);
      expect(page.url()).toBe(`${publicUrl}/portal`);
    },
    async close() {
      await browser.close();
      await integrator.close();
      await t.close();
    },
  };
}

/**
 * Puts an end user on a paid plan without the browser: a plan change through the billing
 * service, settled on the simulator by its control API (as a bank transfer would be).
 */
export async function subscribe(w: World, externalId: string, planCode: string): Promise<{ endUserId: string; paymentId: string; orderId: string }> {
  const { changePlan } = await import('../../../src/modules/subscriptions/change-plan.ts');
  const { createSession } = await import('../../support/factories.ts');
  expect((await createSession(w.t.url, w.project, externalId)).status).toBe(200);
  const db = w.t.database.db;
  const user = await db.selectFrom('end_users').select('id').where('project_id', '=', w.project.id).where('external_id', '=', externalId).executeTakeFirstOrThrow();
  const result = await changePlan(w.t.deps, { projectId: w.project.id, endUserId: user.id, planId: w.project.plans[planCode]!.id, source: 'api' });
  if (result.outcome !== 'payment_required') throw new Error(`expected a payment, got ${result.outcome}`);
  const settled = await http(w.t.simulator.url, 'POST', `/__simulator/transactions/${result.payment.order_id}/transition`, {
    body: { transaction_status: 'settlement', payment_type: 'bank_transfer', bank: 'bca' },
    headers: w.t.simulator.controlHeaders,
  });
  expect(settled.status, settled.text).toBe(200);
  await w.t.simulator.deliveriesSettled();
  const sub = await db.selectFrom('subscriptions').selectAll().where('end_user_id', '=', user.id).executeTakeFirstOrThrow();
  expect(sub.plan_id).toBe(w.project.plans[planCode]!.id);
  return { endUserId: user.id, paymentId: result.payment.id, orderId: result.payment.order_id };
}
