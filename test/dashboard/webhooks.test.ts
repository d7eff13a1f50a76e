import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { deliverWebhooks } from '../../src/modules/webhooks/deliver.ts';
import { RESPONSE_EXCERPT_BYTES } from '../../src/modules/webhooks/sender.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { addPerson, csrfOf, signIn, submit } from '../support/dashboard.ts';
import { createProject, createSession, type TestProject } from '../support/factories.ts';
import { http } from '../support/http.ts';
import { formFields } from '../portal/support/portal-client.ts';
import { addEndpoint, devProject, startReceiver, type Receiver } from '../webhooks/support.ts';

/**
 * The dashboard's webhook pages over real HTTP: endpoints created, edited, rotated and
 * deleted through the admin API's own service (each audited with who did it), the secret
 * shown once, a test event and a replay that reach a real receiver on 127.0.0.1 signed and
 * verifying with the `standardwebhooks` library, the delivery log's bounded and escaped
 * response excerpts, keyset pages, and roles and projects checked on the server.
 */

let t: TestApp;
let project: TestProject;
let other: TestProject;
const receivers: Receiver[] = [];
const email = (role: string) => `hooks-${role}@example.com`;

beforeAll(async () => {
  t = await startTestApp();
  clockToRealTime();
  project = await devProject(t, [{ code: 'free', price: 0, is_default: true }]);
  other = await createProject(t.url, { name: 'Someone else', plans: [{ code: 'free', price: 0, is_default: true }] });
  for (const role of ['owner', 'admin', 'finance', 'viewer']) await addPerson(t, email(role), { projectId: project.id, role });
}, 180_000); // Argon2 for four people on a busy machine
afterAll(() => t.close());
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

/** Real time on the frozen clock: standardwebhooks checks the timestamp against Date.now(). */
function clockToRealTime() {
  t.clock.set(new Date(Math.floor(Date.now() / 1000) * 1000));
}

async function receiver(options?: Parameters<typeof startReceiver>[0]): Promise<Receiver> {
  const r = await startReceiver(options);
  receivers.push(r);
  return r;
}

const hooks = (p = project) => `/dashboard/projects/${p.id}/webhooks`;
const endpointPage = (id: string, p = project) => `${hooks(p)}/${id}`;
const shownSecret = (html: string) => /<code class="secret" id="webhook-secret">(whsec_[A-Za-z0-9+/=]+)<\/code>/.exec(html)?.[1];
const endpointRow = (id: string) => t.database.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
const auditOf = (action: string, subjectId?: string) => {
  let q = t.database.db.selectFrom('audit_log').selectAll().where('project_id', '=', project.id).where('action', '=', action);
  if (subjectId) q = q.where('subject_id', '=', subjectId);
  return q.orderBy('at').execute();
};
const run = () => deliverWebhooks(t.deps);

/** Creates an endpoint through the dashboard form as `role`; returns its id, secret and the answer. */
async function createThroughForm(url: string, fields: Record<string, string | string[]> = {}, role = 'admin') {
  const c = await signIn(t, email(role));
  const res = await submit(c, `${hooks()}/new`, `${hooks()}/new`, { url, description: 'Laptop receiver', scope: 'all', ...fields });
  expect(res.status, res.text.slice(0, 500)).toBe(200);
  const secret = shownSecret(res.text)!;
  const row = await t.database.db.selectFrom('webhook_endpoints').selectAll().where('secret', '=', secret).executeTakeFirstOrThrow();
  return { c, res, id: row.id, secret };
}

/** Sends the endpoint's test event from its page; returns the delivery page it leads to. */
async function sendTest(c: Awaited<ReturnType<typeof signIn>>, endpointId: string): Promise<string> {
  const res = await submit(c, endpointPage(endpointId), `${endpointPage(endpointId)}/test`);
  expect(res.status, res.text.slice(0, 300)).toBe(303);
  expect(res.location).toMatch(new RegExp(`^${endpointPage(endpointId)}/deliveries/dlv_[A-Za-z0-9_-]+\\?done=test$`));
  return res.location!.split('?')[0]!;
}

describe('webhook endpoints', () => {
  it('creates an endpoint: the secret is shown once in the answer with a Copy button, never again; audited with who did it', async () => {
    const r = await receiver();
    const { c, res, id, secret } = await createThroughForm(`${r.url}/hooks`, { scope: 'chosen', event_types: ['subscription.created', 'payment.succeeded'], description: 'Dev <laptop>' });
    expect(secret).toMatch(/^whsec_/);
    expect(res.text).toContain('data-copy="webhook-secret"');
    expect(res.text).toContain('It will not be shown again.');
    expect(res.text).toContain('Dev &lt;laptop&gt;');
    expect(res.headers.location).toBeUndefined();
    const row = (await endpointRow(id))!;
    expect(row).toMatchObject({ url: `${r.url}/hooks`, description: 'Dev <laptop>', event_types: ['subscription.created', 'payment.succeeded'] });

    const later = (await c.get(endpointPage(id))).text;
    expect(later).not.toContain(secret);
    expect(later).toContain('Hidden. Shown once, when created or rotated.');
    expect((await c.get(hooks())).text).not.toContain(secret);

    const [entry] = await auditOf('webhook_endpoint.created', id);
    const admin = await t.database.db.selectFrom('users').select('id').where('email', '=', email('admin')).executeTakeFirstOrThrow();
    expect(entry).toMatchObject({ actor_user_id: admin.id, data: { url: `${r.url}/hooks`, event_types: ['subscription.created', 'payment.succeeded'] } });
    expect(JSON.stringify(entry!.data)).not.toContain(secret);
  });

  it('the same form sent twice creates one endpoint and shows no secret the second time', async () => {
    const c = await signIn(t, email('owner'));
    const page = await c.get(`${hooks()}/new`);
    const form = { ...formFields(page.text, `${hooks()}/new`), url: 'http://127.0.0.1:9/twice', description: '', scope: 'all' };
    const first = await c.post(`${hooks()}/new`, form);
    const again = await c.post(`${hooks()}/new`, form);
    expect(first.status).toBe(200);
    expect(again.status).toBe(303);
    expect(again.text).not.toContain('whsec_');
    expect(await t.database.db.selectFrom('webhook_endpoints').select('id').where('url', '=', 'http://127.0.0.1:9/twice').execute()).toHaveLength(1);
  });

  it('shows what is wrong next to each field, with the same address rules as the admin API', async () => {
    const c = await signIn(t, email('admin'));
    const bad = await submit(c, `${hooks()}/new`, `${hooks()}/new`, { url: 'ftp://example.com/x', description: '', scope: 'chosen' });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/id="url"[^>]*aria-invalid="true"/);
    expect(bad.text).toContain('<span class="field-error" id="url-error">Enter an absolute https:// URL.</span>');
    expect(bad.text).toContain('<span class="field-error" id="event_types-error">Choose at least one event type, or every type.</span>');

    // Outside development mode, as the admin API refuses it.
    const prod = await createProject(t.url, { name: 'Production Co', plans: [] });
    await addPerson(t, email('prod-admin'), { projectId: prod.id, role: 'admin' });
    const p = await signIn(t, email('prod-admin'));
    const local = await submit(p, `${hooks(prod)}/new`, `${hooks(prod)}/new`, { url: 'https://127.0.0.1/hooks', description: '', scope: 'all' });
    expect(local.status).toBe(400);
    expect(local.text).toContain('This is a private, loopback or link-local address: allowed only while the project is in development mode.');
    const api = await http(t.url, 'POST', `/api/admin/projects/${prod.id}/webhooks`, { admin: true, body: { url: 'https://127.0.0.1/hooks' } });
    expect(api.status).toBe(400);
    expect((await p.get(hooks(prod))).text).toContain('Only https:// URLs to public addresses.');
    expect((await c.get(hooks())).text).toContain('This project is in development mode');

    p.jar.set('langgan_dashboard_lang', 'id');
    const plain = await submit(p, `${hooks(prod)}/new`, `${hooks(prod)}/new`, { url: 'http://example.com/hooks', description: '', scope: 'all' });
    expect(plain.text).toContain('Gunakan https://. http:// hanya diizinkan selama proyek dalam mode pengembangan.');
    expect(await t.database.db.selectFrom('webhook_endpoints').select('id').where('project_id', '=', prod.id).execute()).toHaveLength(0);
  });

  it('edits URL, event types and description; audited old → new', async () => {
    const r = await receiver();
    const { c, id } = await createThroughForm(`${r.url}/v1`);
    const edit = `${endpointPage(id)}/edit`;
    const res = await submit(c, edit, edit, { url: `${r.url}/v2`, description: 'Staging', scope: 'chosen', event_types: ['subscription.updated'] });
    expect(res.status).toBe(303);
    expect(res.location).toBe(`${endpointPage(id)}?done=saved`);
    expect(await endpointRow(id)).toMatchObject({ url: `${r.url}/v2`, description: 'Staging', event_types: ['subscription.updated'] });
    const [entry] = await auditOf('webhook_endpoint.updated', id);
    expect(entry!.data).toEqual({
      changes: {
        url: { old: `${r.url}/v1`, new: `${r.url}/v2` },
        description: { old: 'Laptop receiver', new: 'Staging' },
        event_types: { old: null, new: ['subscription.updated'] },
      },
    });
    expect((await c.get(`${endpointPage(id)}?done=saved`)).text).toContain('Changes saved.');

    const back = await submit(c, edit, edit, { url: `${r.url}/v2`, description: 'Staging', scope: 'all' });
    expect(back.status).toBe(303);
    expect((await endpointRow(id))!.event_types).toBeNull();
  });

  it('deletes after a confirmation page; audited', async () => {
    const { c, id } = await createThroughForm('http://127.0.0.1:9/gone');
    const confirm = await c.get(`${endpointPage(id)}/delete`);
    expect(confirm.text).toContain('Delete this endpoint?');
    expect(await endpointRow(id)).toBeDefined();
    const res = await submit(c, `${endpointPage(id)}/delete`, `${endpointPage(id)}/delete`);
    expect(res.status).toBe(303);
    expect(res.location).toBe(`${hooks()}?done=deleted`);
    expect(await endpointRow(id)).toBeUndefined();
    expect(await auditOf('webhook_endpoint.deleted', id)).toHaveLength(1);
    expect((await c.get(endpointPage(id))).status).toBe(404);
  });
});

describe('test event, replay and rotation at a real receiver', () => {
  it('sends a signed webhook.ping to that endpoint only, which verifies with standardwebhooks; not in the events API', async () => {
    clockToRealTime();
    const r = await receiver();
    const bystander = await receiver();
    const { c, id, secret } = await createThroughForm(`${r.url}/hooks`, { scope: 'chosen', event_types: ['payment.succeeded'] });
    await addEndpoint(t, project.id, { url: `${bystander.url}/all` });
    const delivery = await sendTest(c, id);
    expect((await c.get(`${delivery}?done=test`)).text).toContain('Test event queued');

    await run();
    expect(r.requests).toHaveLength(1);
    expect(bystander.requests.filter((q) => q.json?.type === 'webhook.ping')).toHaveLength(0);
    const got = r.requests[0]!;
    const event = new Webhook(secret).verify(got.body, got.headers as Record<string, string>) as { id: string; type: string; data: any };
    expect(event).toMatchObject({ type: 'webhook.ping', data: { webhook_endpoint: { id, url: `${r.url}/hooks` } } });
    expect(got.headers['webhook-id']).toBe(event.id);

    const page = (await c.get(delivery)).text;
    expect(page).toContain('Delivered');
    expect(page).toContain(event.id);
    expect(page).toContain('&quot;type&quot;: &quot;webhook.ping&quot;');
    expect(await auditOf('webhook_endpoint.test_sent', id)).toHaveLength(1);

    await run(); // publication passes over the ping: internal, not public
    const listed = await http(t.url, 'GET', '/api/platform/events?limit=100', { basic: project.creds });
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((e: { id: string }) => e.id)).not.toContain(event.id);
    expect(r.requests).toHaveLength(1);
  });

  it('replays a finished delivery: the same body and webhook-id arrive again, signed; audited; a pending one is refused', async () => {
    clockToRealTime();
    const r = await receiver();
    const { c, id, secret } = await createThroughForm(`${r.url}/hooks`);
    const delivery = await sendTest(c, id);

    // Still pending: already scheduled.
    expect((await c.get(delivery)).text).not.toContain(`action="${delivery}/replay"`); // no Replay button while pending
    const forcedEarly = await c.post(`${delivery}/replay`, { csrf: await csrfOf(c), action_id: 'replay-too-early' });
    expect(forcedEarly.status).toBe(409);
    expect(forcedEarly.text).toContain('Still pending: it is already scheduled.');

    await run();
    const res = await submit(c, delivery, `${delivery}/replay`);
    expect(res.status).toBe(303);
    expect(res.location).toBe(`${delivery}?done=replayed`);
    expect(await auditOf('webhook_delivery.replayed', delivery.split('/').at(-1))).toHaveLength(1);
    await run();
    expect(r.requests).toHaveLength(2);
    expect(r.requests[1]!.body).toBe(r.requests[0]!.body);
    expect(r.requests[1]!.headers['webhook-id']).toBe(r.requests[0]!.headers['webhook-id']);
    expect(new Webhook(secret).verify(r.requests[1]!.body, r.requests[1]!.headers as Record<string, string>)).toMatchObject({ type: 'webhook.ping' });
    const page = (await c.get(delivery)).text;
    expect(page.match(/<li class="attempt">/g)).toHaveLength(2);
  });

  it('rotates: the new secret is shown once; within the window deliveries verify with either secret, after it only the new one', async () => {
    clockToRealTime();
    const r = await receiver();
    const { c, id, secret: old } = await createThroughForm(`${r.url}/hooks`);
    const res = await submit(c, endpointPage(id), `${endpointPage(id)}/rotate`, { previous_secret_expires_in: '3600' });
    expect(res.status).toBe(200);
    const fresh = shownSecret(res.text)!;
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(old);
    expect(res.text).toContain('The old secret keeps signing alongside the new one until');
    expect((await c.get(endpointPage(id))).text).not.toContain(fresh);
    const [entry] = await auditOf('webhook_endpoint.secret_rotated', id);
    expect(entry!.data).toEqual({ previous_secret_expires_at: new Date(t.clock.now().getTime() + 3600_000).toISOString() });

    await sendTest(c, id);
    await run();
    const within = r.requests.at(-1)!;
    expect(String(within.headers['webhook-signature']).split(' ')).toHaveLength(2);
    for (const secret of [old, fresh]) expect(new Webhook(secret).verify(within.body, within.headers as Record<string, string>)).toMatchObject({ type: 'webhook.ping' });

    t.clock.advance(3600_000 + 1000);
    await sendTest(await signIn(t, email('admin')), id); // an hour idle ended the first session
    await run();
    const after = r.requests.at(-1)!;
    expect(after).not.toBe(within);
    expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
    // standardwebhooks checks the timestamp against Date.now(): read it at the frozen clock's time.
    vi.useFakeTimers({ toFake: ['Date'], now: t.clock.now() });
    try {
      expect(new Webhook(fresh).verify(after.body, after.headers as Record<string, string>)).toMatchObject({ type: 'webhook.ping' });
      expect(() => new Webhook(old).verify(after.body, after.headers as Record<string, string>)).toThrow();
    } finally {
      vi.useRealTimers();
    }
    clockToRealTime();
  });
});

describe('delivery log', () => {
  it("shows status, attempts, next retry and a bounded, escaped excerpt of the receiver's answer", async () => {
    clockToRealTime();
    const answer = `<script>alert("pwned")</script>${'x'.repeat(10_000)}`;
    const r = await receiver({ fallback: 500, replyBody: () => answer });
    const { c, id } = await createThroughForm(`${r.url}/hooks`);
    const delivery = await sendTest(c, id);
    await run();
    expect(r.requests).toHaveLength(1);

    const attempt = await t.database.db.selectFrom('webhook_attempts').selectAll().where('delivery_id', '=', delivery.split('/').at(-1)!).executeTakeFirstOrThrow();
    expect(attempt.status_code).toBe(500);
    expect(attempt.response_excerpt).toBe(`${answer.slice(0, RESPONSE_EXCERPT_BYTES)}…`);

    const log = (await c.get(endpointPage(id))).text;
    expect(log).not.toContain('<script>alert');
    expect(log).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;');
    const cell = /<td data-label="Response"><strong>500<\/strong> <code class="excerpt">([^<]*)<\/code><\/td>/.exec(log)?.[1];
    expect(cell).toBeDefined();
    expect(cell!.length).toBeLessThan(400);
    expect(cell!.endsWith('…')).toBe(true);
    expect(log).toContain('<td data-label="Attempts" class="num">1</td>');
    expect(log).toMatch(/<td data-label="Next retry"><time datetime="[^"]+">/);
    expect(log).toContain('Pending');

    const page = (await c.get(delivery)).text;
    expect(page).not.toContain('<script>alert');
    const pre = /<pre class="excerpt">([^<]*)<\/pre>/.exec(page)?.[1];
    expect(pre!.length).toBeLessThan(RESPONSE_EXCERPT_BYTES + 200);
    expect(pre!.startsWith('&lt;script&gt;')).toBe(true);
    expect(page).toContain('<strong>500</strong>');
    expect(page).not.toContain(`action="${delivery}/replay"`); // pending: a retry is already scheduled
  });

  it('lists every endpoint\'s deliveries with keyset pages and a status filter', async () => {
    clockToRealTime();
    const r = await receiver();
    const { c, id } = await createThroughForm(`${r.url}/many`);
    for (let i = 0; i < 28; i++) {
      await sendTest(c, id);
      t.clock.advance(1000);
    }
    await run();
    const all = `${hooks()}/deliveries`;
    const first = (await c.get(`${all}?status=succeeded`)).text;
    const ids = (html: string) => [...html.matchAll(/\/deliveries\/(dlv_[A-Za-z0-9_-]+)"/g)].map((m) => m[1]!);
    const page1 = ids(first);
    expect(page1).toHaveLength(25);
    const older = /<a href="([^"]+)" rel="next">Older<\/a>/.exec(first)?.[1]?.replaceAll('&amp;', '&');
    expect(older).toContain('status=succeeded');
    const page2 = ids((await c.get(older!)).text);
    expect(page2.length).toBeGreaterThan(0);
    expect(page2.filter((d) => page1.includes(d))).toEqual([]);
    const succeeded = await t.database.db.selectFrom('webhook_deliveries').select('id').where('project_id', '=', project.id).where('status', '=', 'succeeded').execute();
    expect(page1.length + page2.length).toBe(succeeded.length);
    expect((await c.get(`${all}?status=failed`)).text).toContain('No deliveries yet.');
    expect((await c.get(`${all}?status=nonsense`)).status).toBe(400);
  });

  it('shows a real event in the log after it is published', async () => {
    clockToRealTime();
    const r = await receiver();
    const { c, id } = await createThroughForm(`${r.url}/real`);
    expect((await createSession(t.url, project, 'hooks-customer')).status).toBe(200);
    await run();
    const log = (await c.get(endpointPage(id))).text;
    expect(log).toContain('<code>subscription.created</code>');
  });
});

describe('roles and projects', () => {
  it("lets a viewer read every page but shows no forms; a viewer's or finance member's forged POSTs are 403 and change nothing", async () => {
    const r = await receiver();
    const { c: admin, id, secret } = await createThroughForm(`${r.url}/guarded`);
    const delivery = await sendTest(admin, id);
    await run();
    for (const role of ['viewer', 'finance']) {
      const c = await signIn(t, email(role));
      for (const path of [hooks(), `${hooks()}/deliveries`, endpointPage(id), delivery]) {
        const page = await c.get(path);
        expect(page.status, `${role} ${path}`).toBe(200);
        expect(page.text, path).not.toContain('method="post" action="/dashboard/projects');
      }
      expect((await c.get(`${hooks()}/new`)).status).toBe(403);
      const csrf = await csrfOf(c);
      const before = await endpointRow(id);
      const posts: Array<[string, Record<string, string>]> = [
        [`${hooks()}/new`, { url: 'http://127.0.0.1:9/forged', description: '', scope: 'all' }],
        [`${endpointPage(id)}/edit`, { url: 'http://127.0.0.1:9/forged', description: 'x', scope: 'all' }],
        [`${endpointPage(id)}/rotate`, { previous_secret_expires_in: '0' }],
        [`${endpointPage(id)}/delete`, {}],
        [`${endpointPage(id)}/test`, {}],
        [`${delivery}/replay`, {}],
      ];
      for (const [path, fields] of posts) {
        const res = await c.post(path, { csrf, action_id: `forged-${role}-${path.length}`, ...fields });
        expect(res.status, `${role} ${path}`).toBe(403);
        expect(res.text).not.toContain('whsec_');
      }
      expect(await endpointRow(id)).toEqual(before);
    }
    expect((await endpointRow(id))!.secret).toBe(secret);
    expect(r.requests).toHaveLength(1);
    expect(await t.database.db.selectFrom('webhook_endpoints').select('id').where('url', '=', 'http://127.0.0.1:9/forged').execute()).toEqual([]);
  });

  it("answers 404 for another project's endpoint and delivery, and changes nothing", async () => {
    const theirs = await addEndpoint(t, other.id, { url: 'https://example.com/theirs' });
    const c = await signIn(t, email('owner'));
    expect((await c.get(endpointPage(theirs.id))).status).toBe(404);
    expect((await c.get(`${endpointPage(theirs.id)}/edit`)).status).toBe(404);
    expect((await c.get(hooks(other))).status).toBe(404);
    const csrf = await csrfOf(c);
    const before = await endpointRow(theirs.id);
    for (const [path, fields] of [
      [`${endpointPage(theirs.id)}/edit`, { url: 'https://example.com/mine', description: '', scope: 'all' }],
      [`${endpointPage(theirs.id)}/rotate`, { previous_secret_expires_in: '0' }],
      [`${endpointPage(theirs.id)}/delete`, {}],
      [`${endpointPage(theirs.id)}/test`, {}],
    ] as const) {
      const res = await c.post(path, { csrf, action_id: `cross-${path.length}`, ...fields });
      expect(res.status, path).toBe(404);
    }
    expect(await endpointRow(theirs.id)).toEqual(before);
    expect(await t.database.db.selectFrom('webhook_deliveries').select('id').where('endpoint_id', '=', theirs.id).execute()).toEqual([]);
  });
});
