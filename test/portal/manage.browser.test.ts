import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPortalPage, tabTo, writeRecords, type PageRecord } from './support/page-checks.ts';
import { startWorld, subscribe, type World } from './support/world.ts';

/**
 * Managing a subscription in Chromium, from the integrator's app on another site:
 * downgrade scheduled and withdrawn, cancel and resume by keyboard alone, "Back to app",
 * single-use and expiring links, the 30-minute session, CSRF from other origins, and one
 * end user reaching for another's payments.
 */
let w: World;
const records: PageRecord[] = [];

beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => {
  writeRecords('portal-pages-manage.json', records);
  await w?.close();
});

async function text(page: Page): Promise<string> {
  return (await page.locator('main').innerText()).replace(/\s+/g, ' ');
}

async function h1(page: Page): Promise<string> {
  return page.getByRole('heading', { level: 1 }).innerText();
}

async function subscriptionOf(endUserId: string) {
  return w.t.database.db.selectFrom('subscriptions').selectAll().where('end_user_id', '=', endUserId).executeTakeFirstOrThrow();
}

async function eventsOf(subscriptionId: string) {
  return w.t.database.db.selectFrom('events').selectAll().where('subject_id', '=', subscriptionId).orderBy('seq').execute();
}

describe('downgrade', () => {
  it('schedules a downgrade for the period end with nothing charged, and withdraws it', { timeout: 120_000 }, async () => {
    const { endUserId } = await subscribe(w, 'eko', 'business');
    const { context, page, watch } = await w.newPage();
    await w.openBilling(page, 'eko');
    await page.getByRole('link', { name: 'Change plan' }).click();
    expect(await page.getByRole('link', { name: 'Upgrade to Pro' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Downgrade to Pro' }).click();

    const sub = await subscriptionOf(endUserId);
    const confirm = await text(page);
    expect(await h1(page)).toBe('Downgrade to Pro');
    expect(confirm).toContain('Charged now Nothing is charged now.');
    expect(confirm).toMatch(/Takes effect On \d{1,2} \w+ \d{4}, when your current period ends/);
    expect(confirm).toContain('You keep Business until');
    await checkPortalPage(page, 'confirm-downgrade', watch, records);

    await page.getByRole('button', { name: 'Confirm downgrade to Pro' }).click();
    expect(page.url()).toBe(`${w.publicUrl}/portal?notice=downgrade_scheduled`);
    const overview = await text(page);
    expect(overview).toContain('Your downgrade is scheduled for the end of the current period.');
    expect(overview).toContain('Scheduled downgrade');
    expect(overview).toMatch(/Your plan changes to Pro on \d{1,2} \w+ \d{4}/);
    await checkPortalPage(page, 'overview-downgrade-scheduled', watch, records);
    const scheduled = await subscriptionOf(endUserId);
    expect([scheduled.plan_id, scheduled.scheduled_plan_id]).toEqual([w.project.plans.business!.id, w.project.plans.pro!.id]);
    expect(scheduled.current_period_end).toEqual(sub.current_period_end);
    expect(await w.t.database.db.selectFrom('payments').select('id').where('end_user_id', '=', endUserId).execute()).toHaveLength(1);

    await page.getByRole('link', { name: 'Plans', exact: true }).click();
    expect(await text(page)).toMatch(/Pro .*Starts on \d{1,2} \w+ \d{4}/);
    await checkPortalPage(page, 'plans-downgrade-scheduled', watch, records);

    await page.getByRole('link', { name: 'Overview', exact: true }).click();
    await page.getByRole('button', { name: 'Keep my current plan' }).click();
    expect(await text(page)).toContain('The scheduled change is withdrawn; you keep your current plan.');
    expect((await subscriptionOf(endUserId)).scheduled_plan_id).toBeNull();
    await context.close();
  });
});

describe('cancel and resume, by keyboard alone', () => {
  it('cancels at period end with a reason, then resumes, with visible focus at every stop', { timeout: 120_000 }, async () => {
    const { endUserId } = await subscribe(w, 'fitri', 'pro');
    const { context, page, watch } = await w.newPage();
    await w.openBilling(page, 'fitri');

    // First Tab lands on the skip link, which moves focus to the main content.
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string>('document.activeElement.textContent')).toBe('Skip to main content');
    await page.keyboard.press('Enter');
    await tabTo(page, /^Cancel subscription$/);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${w.publicUrl}/portal/cancel`);
    const cancel = await text(page);
    expect(cancel).toMatch(/You keep Pro until \d{1,2} \w+ \d{4}/);
    await checkPortalPage(page, 'cancel', watch, records);

    await tabTo(page, /^It's too expensive$/);
    await page.keyboard.press('Space');
    await tabTo(page, /Anything else/);
    await page.keyboard.type('Switching budgets next quarter');
    await tabTo(page, /^Cancel subscription$/);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${w.publicUrl}/portal?notice=canceled`);

    const overview = await text(page);
    // The badge and the banner say the same date; Resume is the one primary action.
    const endsOn = /Ends on (\d{1,2} \w+ \d{4})/.exec(overview)?.[1];
    expect(endsOn).toBeDefined();
    expect(overview).toContain(`Your subscription ends on ${endsOn}. You can resume it until then.`);
    expect(overview).not.toContain('Scheduled to cancel');
    await checkPortalPage(page, 'overview-cancel-scheduled', watch, records);
    const canceled = await subscriptionOf(endUserId);
    expect([canceled.status, canceled.cancel_at_period_end, canceled.cancel_reason]).toEqual(['active', true, 'too_expensive: Switching budgets next quarter']);

    await tabTo(page, /^Resume subscription$/);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${w.publicUrl}/portal?notice=resumed`);
    expect(await text(page)).toContain('Your subscription is resumed and will renew as usual.');
    const resumed = await subscriptionOf(endUserId);
    expect([resumed.cancel_at_period_end, resumed.cancel_reason]).toEqual([false, null]);
    const sources = (await eventsOf(resumed.id)).filter((e) => e.source === 'portal').map((e) => e.type);
    expect(sources).toEqual(['subscription.updated', 'subscription.updated']);
    await context.close();
  });
});

describe('Back to app', () => {
  it('ends the session and returns to the registered redirect_uri', { timeout: 60_000 }, async () => {
    const { context, page, watch } = await w.newPage();
    await w.openBilling(page, 'gita');
    const arrivals = w.integrator.arrivals.length;
    await page.getByRole('button', { name: 'Back to app' }).click();
    await page.waitForURL(w.integrator.dashboardUrl);
    expect(w.integrator.arrivals.length).toBe(arrivals + 1);
    expect((await context.cookies(`${w.publicUrl}/portal`)).map((c) => c.name)).toEqual(['langgan_portal_app']);
    const sessions = await w.t.database.db
      .selectFrom('portal_sessions')
      .innerJoin('end_users', 'end_users.id', 'portal_sessions.end_user_id')
      .select('portal_sessions.ended_at')
      .where('end_users.external_id', '=', 'gita')
      .execute();
    expect(sessions.map((s) => s.ended_at !== null)).toEqual([true]);

    // Coming back (browser history) finds the session over, with the way back to the app.
    const res = await page.goto(`${w.publicUrl}/portal/plans`);
    expect(res!.status()).toBe(401);
    expect(await h1(page)).toBe('Your billing session has ended');
    expect(await page.getByRole('link', { name: 'Back to app' }).getAttribute('href')).toBe(w.integrator.dashboardUrl);
    await checkPortalPage(page, 'session-left', watch, records);
    await context.close();
  });
});

describe('links and sessions that are over', () => {
  async function mintLink(user: string): Promise<string> {
    const res = await fetch(`${w.integrator.url}/billing?user=${user}`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    return res.headers.get('location')!;
  }

  it('refuses a reused link with 410 and offers "Back to app"', { timeout: 60_000 }, async () => {
    const { context, page, watch } = await w.newPage();
    const link = await mintLink('hana');
    await page.goto(link);
    expect(page.url()).toBe(`${w.publicUrl}/portal`);
    const again = await page.goto(link);
    expect(again!.status()).toBe(410);
    expect(await h1(page)).toBe('This link has already been used');
    expect(await text(page)).toContain('works once and only for 5 minutes');
    await checkPortalPage(page, 'link-used', watch, records);
    await page.getByRole('link', { name: 'Back to app' }).click();
    await page.waitForURL(w.integrator.dashboardUrl);
    await context.close();
  });

  it('refuses a link older than 5 minutes with 410, and an unknown one with 404', { timeout: 60_000 }, async () => {
    const { context, page, watch } = await w.newPage();
    const link = await mintLink('hana');
    w.t.clock.advance(301_000);
    const res = await page.goto(link);
    expect(res!.status()).toBe(410);
    expect(await h1(page)).toBe('This link has expired');
    expect(await page.getByRole('link', { name: 'Back to app' }).getAttribute('href')).toBe(w.integrator.dashboardUrl);
    await checkPortalPage(page, 'link-expired', watch, records);

    const unknown = await page.goto(`${w.publicUrl}/portal?session=not-a-real-token`);
    expect(unknown!.status()).toBe(404);
    expect(await h1(page)).toBe("This link isn't valid");
    expect(await page.getByRole('link', { name: 'Back to app' }).count()).toBe(0);
    await checkPortalPage(page, 'link-unknown', watch, records);
    await context.close();
  });

  it('ends the session after 30 minutes: every page says so and links back to the app', { timeout: 60_000 }, async () => {
    const { context, page, watch } = await w.newPage();
    await w.openBilling(page, 'hana');
    w.t.clock.advance(29 * 60_000);
    expect((await page.reload())!.status()).toBe(200);
    w.t.clock.advance(61_000);
    for (const path of ['/portal', '/portal/plans', '/portal/payments', '/portal/cancel']) {
      const res = await page.goto(`${w.publicUrl}${path}`);
      expect(res!.status(), path).toBe(401);
      expect(await h1(page)).toBe('Your billing session has ended');
      expect(await page.getByRole('link', { name: 'Back to app' }).getAttribute('href')).toBe(w.integrator.dashboardUrl);
    }
    await checkPortalPage(page, 'session-ended', watch, records);
    await context.close();
  });
});

describe('CSRF and authorisation', () => {
  it('refuses a cancel form posted from another origin, same-site or cross-site, and changes nothing', { timeout: 60_000 }, async () => {
    const { endUserId } = await subscribe(w, 'indra', 'pro');
    const before = await subscriptionOf(endUserId);
    const { context, page, watch } = await w.newPage();
    await w.openBilling(page, 'indra');
    const target = encodeURIComponent(`${w.publicUrl}/portal/cancel`);

    // Same site (localhost), another origin (port): the Lax cookie is sent; Origin and token stop it.
    await page.goto(`http://localhost:${w.integrator.port}/evil?target=${target}`);
    const [sameSite] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Claim' }).click()]);
    expect(sameSite!.status()).toBe(403);
    expect(await h1(page)).toBe("This action couldn't be verified");
    expect(await page.getByRole('link', { name: 'Back to overview' }).count()).toBe(1);
    await checkPortalPage(page, 'csrf-refused', watch, records);

    // Another site (127.0.0.1): the cookie is not even sent.
    await page.goto(`${w.integrator.url}/evil?target=${target}`);
    const [crossSite] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Claim' }).click()]);
    expect(crossSite!.status()).toBe(403);

    const after = await subscriptionOf(endUserId);
    expect([after.cancel_at_period_end, after.version]).toEqual([false, before.version]);
    // The real portal form still works in the same browser. Because portal pages say
    // Referrer-Policy: no-referrer, Chrome sends `Origin: null` on their form posts; Fetch
    // Metadata (same-origin) is what vouches for them.
    await page.goto(`${w.publicUrl}/portal/cancel`);
    const [post] = await Promise.all([
      page.waitForRequest((r) => r.method() === 'POST'),
      page.getByRole('button', { name: 'Cancel subscription' }).click(),
    ]);
    const sent = await post.allHeaders();
    expect([sent.origin, sent['sec-fetch-site']]).toEqual(['null', 'same-origin']);
    await page.waitForURL(`${w.publicUrl}/portal?notice=canceled`);
    expect((await subscriptionOf(endUserId)).cancel_at_period_end).toBe(true);
    await context.close();
  });

  it("never shows one end user another's payment, by id or by order id", { timeout: 60_000 }, async () => {
    const victim = await subscribe(w, 'joko', 'pro');
    const { context, page, watch } = await w.newPage();
    await w.openBilling(page, 'kartika');
    const byId = await page.goto(`${w.publicUrl}/portal/payments/${victim.paymentId}`);
    expect(byId!.status()).toBe(404);
    expect(await text(page)).toContain("We couldn't find that payment among yours.");
    expect(await text(page)).not.toContain('150,000');
    await checkPortalPage(page, 'payment-not-found', watch, records);
    const byOrder = await page.goto(`${w.publicUrl}/portal/payments/return?order_id=${victim.orderId}&transaction_status=settlement`);
    expect(byOrder!.status()).toBe(404);
    const status = await page.goto(`${w.publicUrl}/portal/payments/${victim.paymentId}/status`);
    expect(status!.status()).toBe(404);
    await page.goto(`${w.publicUrl}/portal/payments`);
    expect(await text(page)).toContain('No payments yet.');
    await checkPortalPage(page, 'history-empty', watch, records);
    await context.close();
  });
});

describe('every subscription state reads clearly', () => {
  it('shows past due with the renewal to pay, and a canceled subscription, without axe violations', { timeout: 90_000 }, async () => {
    const db = w.t.database.db;
    const { endUserId } = await subscribe(w, 'lina', 'pro');
    const sub = await subscriptionOf(endUserId);
    const now = w.t.clock.now();
    const grace = new Date(now.getTime() + 3 * 24 * 3600_000);
    await db.updateTable('subscriptions').set({ status: 'past_due', grace_ends_at: grace }).where('id', '=', sub.id).execute();
    await db
      .insertInto('payments')
      .values({
        id: 'pay_lina_renewal',
        project_id: w.project.id,
        subscription_id: sub.id,
        end_user_id: endUserId,
        purpose: 'renewal',
        plan_id: w.project.plans.pro!.id,
        description: 'Pro renewal',
        amount: 150_000,
        currency: 'IDR',
        item_details: '[]',
        status: 'pending',
        order_id: 'pay_lina_renewal',
        gateway: 'midtrans',
        redirect_url: `${w.t.simulator.url}/snap/v3/redirection/not-a-token`,
        expires_at: grace,
        created_at: now,
        updated_at: now,
      })
      .execute();

    const { context, page, watch } = await w.newPage();
    await w.openBilling(page, 'lina');
    const pastDue = await text(page);
    expect(pastDue).toContain('Past due');
    expect(pastDue).toMatch(/Your renewal hasn't been paid yet\. Pay before \d{1,2} \w+ \d{4} to keep your plan\./);
    expect(pastDue).toContain('The renewal of Pro, IDR 150,000, is waiting to be paid.');
    expect(await page.getByRole('link', { name: 'Pay now' }).getAttribute('href')).toBe('/portal/payments/pay_lina_renewal');
    await checkPortalPage(page, 'overview-past-due', watch, records);

    await db.deleteFrom('payments').where('id', '=', 'pay_lina_renewal').execute();
    await db.updateTable('subscriptions').set({ status: 'canceled', canceled_at: now, grace_ends_at: null }).where('id', '=', sub.id).execute();
    await page.reload();
    const canceled = await text(page);
    expect(canceled).toContain('Canceled');
    expect(canceled).toContain('Your subscription has ended. Choose a plan to start again.');
    expect(canceled).toMatch(/Canceled on \d{1,2} \w+ \d{4}/);
    await checkPortalPage(page, 'overview-canceled', watch, records);
    await page.getByRole('link', { name: 'Choose a plan' }).click();
    expect(await page.getByRole('link', { name: 'Choose Pro' }).count()).toBe(1);
    await page.getByRole('link', { name: 'Choose Business' }).click();
    expect(await text(page)).toContain('Charged now IDR 450,000');
    await checkPortalPage(page, 'confirm-restart', watch, records);
    await context.close();
  });
});
