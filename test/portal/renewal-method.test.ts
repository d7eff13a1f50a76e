import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changePlan } from '../../src/modules/subscriptions/change-plan.ts';
import { processPeriodEnds } from '../../src/modules/subscriptions/period-end.ts';
import { formatDate } from '../../src/web/format.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { endUser, simulate, subscriptionOf } from '../support/billing.ts';
import { createProject, type TestProject } from '../support/factories.ts';
import { formFields, openPortal } from './support/portal-client.ts';

/**
 * The overview says how the next renewal is paid — the saved card charged automatically, or
 * a payment link — and the customer can remove the card, after which the renewal asks them
 * to pay by link instead of charging it.
 */
let t: TestApp;
let project: TestProject;
beforeAll(async () => {
  t = await startTestApp();
  project = await createProject(t.url);
});
afterAll(() => t?.close());

async function subscribe(externalId: string, method: 'credit_card' | 'qris') {
  const eu = await endUser(t, project, externalId);
  const r = await changePlan(t.deps, { projectId: project.id, endUserId: eu, planId: project.plans.pro!.id, source: 'portal' });
  if (r.outcome !== 'payment_required') throw new Error('expected a payment');
  await simulate(t, r.payment.order_id, { transaction_status: method === 'credit_card' ? 'capture' : 'settlement', payment_type: method });
  return eu;
}


/** A browser-like client with `externalId`'s portal open. */
const portal = async (externalId: string, locale: 'en' | 'id' = 'en') => (await openPortal(t, project, externalId, { locale })).client;

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&#39;|&#x27;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ');

describe('how the next renewal is paid', () => {
  it('names the saved card and its date, in both languages', async () => {
    const eu = await subscribe('card-user', 'credit_card');
    const sub = (await subscriptionOf(t, eu))!;
    expect([Boolean(sub.saved_card_token), sub.saved_card_last4]).toEqual([true, '1114']);
    const en = text((await (await portal('card-user')).get('/portal')).text);
    expect(en).toContain(`Card •••• 1114 will be charged automatically on ${formatDate(sub.current_period_end!, 'en')}.`);
    const id = text((await (await portal('card-user', 'id')).get('/portal')).text);
    expect(id).toContain(`Kartu •••• 1114 akan ditagih otomatis pada ${formatDate(sub.current_period_end!, 'id')}.`);
  });

  it('says a payment link will be shown when there is no card', async () => {
    const eu = await subscribe('qris-user', 'qris');
    const sub = (await subscriptionOf(t, eu))!;
    const page = await (await portal('qris-user')).get('/portal');
    expect(text(page.text)).toContain(`You'll pay by bank transfer, QRIS or e-wallet; we'll show a payment link here on ${formatDate(sub.current_period_end!, 'en')}.`);
    expect(page.text).not.toContain('/portal/card/remove');
  });

  it('removes the card once (CSRF-checked), says what happens next, and the renewal then opens a payment link instead of charging', async () => {
    const eu = await subscribe('remover', 'credit_card');
    const client = await portal('remover');
    const overview = await client.get('/portal');
    const fields = formFields(overview.text, '/portal/card/remove');

    const forged = await client.post('/portal/card/remove', { ...fields, csrf: 'x'.repeat(43) });
    expect(forged.status).toBe(403);
    expect((await subscriptionOf(t, eu))!.saved_card_token).toBeTruthy();

    const [first, second] = await Promise.all([client.post('/portal/card/remove', fields), client.post('/portal/card/remove', fields)]);
    expect([first.status, second.status]).toEqual([303, 303]);
    expect(first.location).toBe('/portal?notice=card_removed');
    const after = (await subscriptionOf(t, eu))!;
    expect([after.saved_card_token, after.saved_card_last4]).toEqual([null, null]);
    const page = text((await client.get(first.location!)).text);
    expect(page).toContain("Your card is removed. When your plan renews, we'll show a payment link here for you to pay.");
    expect(page).toContain("You'll pay by bank transfer, QRIS or e-wallet");

    t.clock.set(new Date(after.current_period_end!.getTime() + 1000));
    await processPeriodEnds(t.deps);
    const renewal = await t.database.db.selectFrom('payments').selectAll().where('subscription_id', '=', after.id).where('purpose', '=', 'renewal').executeTakeFirstOrThrow();
    expect(renewal.status).toBe('pending');
    expect(renewal.payment_method).toBeNull();
    t.clock.set(new Date());
  });
});
