import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit } from '../../src/modules/audit/audit.repository.ts';
import { deliverWebhooks } from '../../src/modules/webhooks/deliver.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { addPerson, signIn } from '../support/dashboard.ts';
import { createProject, createSession, type TestProject } from '../support/factories.ts';

/**
 * The events section over real HTTP: the project's event log (the public event objects,
 * filtered by type and by customer, newest first, in keyset pages, JSON escaped) and the
 * audit log filtered by person, action and days of the project's time zone. Every role reads.
 */

let t: TestApp;
let project: TestProject;
const email = (role: string) => `events-${role}@example.com`;
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestApp();
  project = await createProject(t.url, { name: 'Evented', plans: [{ code: 'free', price: 0, is_default: true }] });
  for (const role of ['owner', 'viewer']) ids[role] = await addPerson(t, email(role), { projectId: project.id, role });
  // 30 customers, each with its subscription.created, then one more for alice.
  for (let i = 0; i < 30; i++) {
    expect((await createSession(t.url, project, `cust-${String(i).padStart(2, '0')}`)).status).toBe(200);
    t.clock.advance(1000);
  }
  await deliverWebhooks(t.deps);
});
afterAll(() => t.close());

const events = () => `/dashboard/projects/${project.id}/events`;
const audit = () => `${events()}/audit`;
const listed = (html: string) => [...html.matchAll(/<li class="event">\s*<p class="event-head"><code>([a-z_.]+)<\/code>/g)].map((m) => m[1]!);
const customersShown = (html: string) => [...html.matchAll(/ · (?:<a href="[^"]+">|<span>)(cust-\d+)</g)].map((m) => m[1]!);

describe('event log', () => {
  it('lists the public events newest first in keyset pages, each with its JSON; a viewer reads it', async () => {
    const c = await signIn(t, email('viewer'));
    const first = await c.get(events());
    expect(first.status).toBe(200);
    expect(listed(first.text)).toHaveLength(25);
    expect(customersShown(first.text)[0]).toBe('cust-29');
    const older = /<a href="([^"]+)" rel="next">Older<\/a>/.exec(first.text)![1]!.replaceAll('&amp;', '&');
    const second = await c.get(older);
    const both = [...customersShown(first.text), ...customersShown(second.text)];
    expect(both).toHaveLength(30);
    expect(new Set(both).size).toBe(30);
    expect(second.text).not.toContain('rel="next"');
    expect(first.text).toMatch(/<code class="json" id="event-evt_[A-Za-z0-9_-]+">\{\n {2}&quot;id&quot;: &quot;evt_/);
    expect(first.text).toContain('data-copy="event-evt_');
  });

  it('filters by type and by customer (the integrator\'s end_user_id); the filter survives paging', async () => {
    const c = await signIn(t, email('owner'));
    const one = await c.get(`${events()}?customer=cust-07`);
    expect(customersShown(one.text)).toEqual(['cust-07']);
    expect(listed(one.text)).toEqual(['subscription.created']);
    expect((await c.get(`${events()}?type=payment.succeeded`)).text).toContain('No events match.');
    const typed = await c.get(`${events()}?type=subscription.created`);
    const older = /<a href="([^"]+)" rel="next">Older<\/a>/.exec(typed.text)![1]!;
    expect(older).toContain('type=subscription.created');
    expect((await c.get(`${events()}?type=not.a.type`)).status).toBe(400);
  });

  it('shows JSON as escaped text, whatever it holds', async () => {
    const payload = JSON.stringify({ id: 'evt_escape', type: 'subscription.updated', created_at: new Date().toISOString(), source: 'api', data: { subscription: { end_user_id: '</code><script>alert(1)</script>' } } });
    await sql`insert into events (id, project_id, type, subject_id, source, data, created_at, published_seq, payload, end_user_external_id)
      values ('evt_escape', ${project.id}, 'subscription.updated', 'sub_x', 'api', '{}', now(), (select max(published_seq) + 1 from events), ${payload}, '</code><script>alert(1)</script>')`.execute(t.database.db);
    const page = (await (await signIn(t, email('viewer'))).get(`${events()}?type=subscription.updated`)).text;
    expect(page).not.toContain('<script>alert(1)');
    expect(page).toContain('&lt;/code&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});

describe('audit log', () => {
  it('filters by person, action and days in the project time zone; every role reads it', async () => {
    // 2026-03-01 23:59 WIB is 16:59 UTC; 2026-03-02 00:00 WIB is 17:00 UTC.
    const at = (iso: string) => new Date(iso);
    const entries: Array<[string, string, string]> = [
      ['owner', 'plan.created', '2026-03-01T16:59:00Z'],
      ['owner', 'webhook_endpoint.created', '2026-03-01T17:00:00Z'],
      ['viewer', 'user.signed_in', '2026-03-02T16:59:59Z'],
      ['owner', 'webhook_endpoint.deleted', '2026-03-03T01:00:00Z'],
    ];
    for (const [role, action, when] of entries) {
      await recordAudit(t.database.db, { actorUserId: ids[role]!, projectId: project.id, action, subjectId: 'ep_x', ip: '203.0.113.9', data: { note: '<b>bold</b>' }, now: at(when) });
    }
    const c = await signIn(t, email('viewer'));
    const actions = (html: string) => [...html.matchAll(/<td data-label="Action"><code>([a-z_.]+)<\/code>/g)].map((m) => m[1]!);
    const all = await c.get(`${audit()}?from=2026-03-01&to=2026-03-03`);
    expect(all.status).toBe(200);
    expect(actions(all.text)).toEqual(['webhook_endpoint.deleted', 'user.signed_in', 'webhook_endpoint.created', 'plan.created']);
    expect(all.text).not.toContain('<b>bold</b>');
    expect(all.text).toContain('&lt;b&gt;bold&lt;/b&gt;');

    expect(actions((await c.get(`${audit()}?from=2026-03-02&to=2026-03-02`)).text)).toEqual(['user.signed_in', 'webhook_endpoint.created']);
    expect(actions((await c.get(`${audit()}?from=2026-03-01&to=2026-03-01`)).text)).toEqual(['plan.created']);
    expect(actions((await c.get(`${audit()}?actor=${ids.owner}&from=2026-03-01&to=2026-03-03`)).text)).toEqual(['webhook_endpoint.deleted', 'webhook_endpoint.created', 'plan.created']);
    expect(actions((await c.get(`${audit()}?action=user.signed_in&from=2026-03-01&to=2026-03-03`)).text)).toEqual(['user.signed_in']);
    const bad = await c.get(`${audit()}?from=2026-02-30`);
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('<span class="field-error" id="from-error">Enter a date as YYYY-MM-DD.</span>');
    expect(all.text).toContain(`<option value="${ids.owner}">events-owner (events-owner@example.com)</option>`);
  });

  it('pages by keyset', async () => {
    for (let i = 0; i < 30; i++) await recordAudit(t.database.db, { actorUserId: ids.owner!, projectId: project.id, action: 'plan.updated', now: new Date(Date.UTC(2026, 3, 1, 0, 0, i)) });
    const c = await signIn(t, email('owner'));
    const rows = (html: string) => [...html.matchAll(/<td data-label="When"><time datetime="([^"]+)"/g)].map((m) => m[1]!);
    const first = await c.get(`${audit()}?action=plan.updated`);
    const older = /<a href="([^"]+)" rel="next">Older<\/a>/.exec(first.text)![1]!.replaceAll('&amp;', '&');
    const second = await c.get(older);
    const all = [...rows(first.text), ...rows(second.text)];
    expect(rows(first.text)).toHaveLength(25);
    expect(all).toHaveLength(30);
    expect(new Set(all).size).toBe(30);
    expect([...all].sort().reverse()).toEqual(all);
  });
});
