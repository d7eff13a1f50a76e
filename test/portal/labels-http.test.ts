import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaymentStatusColumn } from '../../src/db/types.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { createProject, type TestProject } from '../support/factories.ts';
import { insertClosedPayment } from './support/closed-payments.ts';
import { formFields, openPortal } from './support/portal-client.ts';

/**
 * Honest labels: a payment the customer canceled on the gateway's page reads "Canceled"
 * (neutral), not "Failed"; attempts that took no money stay in the history but not in the
 * overview's "Recent payments"; a scheduled cancel says one date, with one primary action.
 */
let t: TestApp;
let project: TestProject;

beforeAll(async () => {
  t = await startTestApp();
  project = await createProject(t.url, { name: 'Acme Notes' });
});
afterAll(() => t?.close());

const open = (user: string, extra: Record<string, unknown> = {}) => openPortal(t, project, user, extra);

/** A closed payment of `owner`, `daysAgo` days ago. */
const payment = (owner: { endUserId: string; subscriptionId: string }, status: PaymentStatusColumn, gatewayStatus: string | null, daysAgo: number, amount: number) =>
  insertClosedPayment(t, project, owner, { status, gatewayStatus, daysAgo, amount });

const badgeOf = (html: string, label: string) => new RegExp(`<span class="badge badge-(\\w+)"><svg[^>]*>.*?</svg>${label}</span>`).exec(html)?.[1];

describe('a payment the customer canceled on the gateway page', () => {
  it('reads "Canceled" with a neutral badge in the history and on its page; a denied one still reads "Failed"', async () => {
    const owner = await open('label-cancel');
    const canceled = await payment(owner, 'failed', 'cancel', 2, 150_001);
    await payment(owner, 'failed', 'deny', 3, 150_002);

    const history = await owner.client.get('/portal/payments');
    expect(history.status).toBe(200);
    expect(badgeOf(history.text, 'Canceled')).toBe('neutral');
    expect(badgeOf(history.text, 'Failed')).toBe('bad');

    const page = await owner.client.get(`/portal/payments/${canceled}`);
    expect(page.text).toContain('<h1>Payment canceled</h1>');
    expect(page.text).toContain('You canceled this payment on Midtrans&#39; page, so nothing was charged.');
    expect(page.text).not.toContain('Failed');
    const status = await owner.client.get(`/portal/payments/${canceled}/status`);
    expect(JSON.parse(status.text)).toEqual({ status: 'failed', phase: 'canceled' });
  });

  it('reads "Dibatalkan" in Bahasa Indonesia', async () => {
    const owner = await open('label-cancel-id', { locale: 'id' });
    await payment(owner, 'failed', 'cancel', 1, 150_000);
    const history = await owner.client.get('/portal/payments');
    expect(badgeOf(history.text, 'Dibatalkan')).toBe('neutral');
    expect(history.text).not.toContain('Gagal');
  });
});

describe('"Recent payments" on the overview', () => {
  it('leaves out failed, canceled and expired attempts, which stay in the history', async () => {
    const owner = await open('label-recent');
    await payment(owner, 'paid', 'settlement', 5, 150_010);
    await payment(owner, 'refunded', 'refund', 4, 150_011);
    await payment(owner, 'failed', 'deny', 3, 150_012);
    await payment(owner, 'failed', 'cancel', 2, 150_013);
    await payment(owner, 'expired', 'expire', 1, 150_014);

    const overview = await owner.client.get('/portal');
    const recent = overview.text.slice(overview.text.indexOf('id="recent-title"'));
    expect([...recent.matchAll(/IDR 150,0(\d\d)/g)].map((m) => Number(m[1]))).toEqual([11, 10]);

    const history = await owner.client.get('/portal/payments');
    expect([...history.text.matchAll(/IDR 150,0(\d\d)/g)].map((m) => Number(m[1]))).toEqual([14, 13, 12, 11, 10]);
  });

  it('is not shown at all when every attempt failed', async () => {
    const owner = await open('label-only-failed');
    await payment(owner, 'failed', 'cancel', 1, 150_000);
    const overview = await owner.client.get('/portal');
    expect(overview.text).not.toContain('Recent payments');
  });
});

describe('a scheduled cancel', () => {
  it('shows the same end date on the badge and the banner, with Resume as the one primary action', async () => {
    const owner = await open('label-ends');
    const periodEnd = new Date(t.clock.now().getTime() + 20 * 86_400_000);
    await t.database.db
      .updateTable('subscriptions')
      .set({ plan_id: project.plans.pro!.id, current_period_start: t.clock.now(), current_period_end: periodEnd })
      .where('id', '=', owner.subscriptionId)
      .execute();
    const form = await owner.client.get('/portal/cancel');
    const canceled = await owner.client.post('/portal/cancel', { ...formFields(form.text, '/portal/cancel'), reason: 'too_expensive' });
    expect(canceled.status, canceled.text).toBe(303);

    const overview = await owner.client.get('/portal');
    const card = overview.text.slice(overview.text.indexOf('id="current-plan-title"'), overview.text.indexOf('</section>'));
    const badge = /<span class="badge badge-warn"><svg[^>]*>.*?<\/svg>Ends on ([^<]+)<\/span>/.exec(card);
    expect(badge, card).not.toBeNull();
    expect(card).toContain(`Your subscription ends on ${badge![1]}. You can resume it until then.`);
    expect(card).not.toContain('Scheduled to cancel');
    expect(card.match(/Ends on|ends on/g)).toHaveLength(2);

    const primary = [...card.matchAll(/class="button( small)?"[^>]*>([^<]+)</g)].map((m) => m[2]);
    expect(primary).toEqual(['Resume subscription']);
    expect(card).toContain('<a class="button secondary" href="/portal/plans">Change plan</a>');
  });
});
