import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverWebhooks } from '../../src/modules/webhooks/deliver.ts';
import { publishEvents } from '../../src/modules/webhooks/publish.ts';
import { claimDueDeliveries, recordAttempt } from '../../src/modules/webhooks/webhooks.repository.ts';
import type { TestApp } from '../support/app.ts';
import { endUser } from '../support/billing.ts';
import { startTwoInstances, type TwoInstances } from '../support/instances.ts';
import { addEndpoint, deliveriesOf, devProject, startReceiver, type Receiver } from './support.ts';

let instances: TwoInstances;
let a: TestApp;
let b: TestApp;
const receivers: Receiver[] = [];

beforeAll(async () => {
  instances = await startTwoInstances();
  ({ a, b } = instances);
});

afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await instances?.close();
});

function setClocks(at: Date) {
  a.clock.set(at);
  b.clock.set(at);
}

async function receiver(options: Parameters<typeof startReceiver>[0]) {
  const r = await startReceiver(options);
  receivers.push(r);
  return r;
}

describe('two instances delivering at once', () => {
  it('publish each event once and claim each delivery once, first attempts and retries alike', async () => {
    const project = await devProject(a);
    // Slow receivers (40 ms) so the two instances' rounds overlap; every first attempt fails.
    const hooks = [await receiver({ delayMs: 40, fallback: 500 }), await receiver({ delayMs: 40, fallback: 500 })];
    const endpoints = [await addEndpoint(a, project.id, { url: hooks[0]!.url }), await addEndpoint(a, project.id, { url: hooks[1]!.url })];
    for (let i = 0; i < 20; i++) await endUser(a, project, `racer-${i}`);

    const [ra, rb] = await Promise.all([deliverWebhooks(a.deps, { batchSize: 4 }), deliverWebhooks(b.deps, { batchSize: 4 })]);
    expect(ra.published + rb.published).toBeGreaterThanOrEqual(20);
    expect(ra.attempted + rb.attempted).toBe(40);
    for (const h of hooks) {
      const ids = h.requests.map((r) => r.headers['webhook-id']);
      expect(ids).toHaveLength(20);
      expect(new Set(ids).size).toBe(20);
    }

    // Every event was published exactly once, numbered without gaps or repeats.
    const events = await a.database.db.selectFrom('events').select(['seq', 'published_seq']).orderBy('published_seq').execute();
    expect(events.map((e) => e.published_seq)).toEqual(events.map((_, i) => i + 1));

    // The retries, due at various jittered times within a minute: both instances again.
    for (const h of hooks) h.fallback = 200;
    setClocks(new Date(a.clock.now().getTime() + 61_000));
    const [sa, sb] = await Promise.all([deliverWebhooks(a.deps, { batchSize: 3 }), deliverWebhooks(b.deps, { batchSize: 3 })]);
    expect(sa.attempted + sb.attempted).toBe(40);
    expect(sa.succeeded + sb.succeeded).toBe(40);
    for (const h of hooks) expect(h.requests).toHaveLength(40);
    for (const endpoint of endpoints) {
      const rows = await deliveriesOf(a, endpoint.id);
      expect(rows.map((d) => d.status)).toEqual(Array(20).fill('succeeded'));
    }
    const attempts = await a.database.db.selectFrom('webhook_attempts').select(['delivery_id']).execute();
    expect(attempts).toHaveLength(80);
    const perDelivery = new Map<string, number>();
    for (const row of attempts) perDelivery.set(row.delivery_id, (perDelivery.get(row.delivery_id) ?? 0) + 1);
    expect([...perDelivery.values()].every((n) => n === 2)).toBe(true);
  });

  it('retries after an instance died holding a claim, and ignores that instance if it finishes late', async () => {
    const project = await devProject(a);
    const hooks = await receiver({});
    const endpoint = await addEndpoint(a, project.id, { url: hooks.url });
    await endUser(a, project, 'crash');
    const now = a.clock.now();
    await publishEvents(a.deps); // the delivery is queued, not sent

    // "Instance A" claims the delivery, then dies before sending.
    const [claimed] = await claimDueDeliveries(a.deps.db, { now, leaseUntil: new Date(now.getTime() + 70_000), limit: 10, token: randomUUID() });
    expect(claimed?.event_id).toBeDefined();
    await deliverWebhooks(b.deps);
    expect(hooks.requests).toHaveLength(0); // leased to A

    setClocks(new Date(now.getTime() + 70_000));
    await deliverWebhooks(b.deps);
    expect(hooks.requests).toHaveLength(1);
    expect((await deliveriesOf(a, endpoint.id))[0]!.status).toBe('succeeded');

    // A wakes up and reports a failure under its stale claim: logged, but it changes nothing.
    const moved = await a.deps.db.transaction().execute((trx) =>
      recordAttempt(trx, {
        deliveryId: claimed!.id,
        claimToken: claimed!.claim_token,
        attemptedAt: now,
        statusCode: 500,
        durationMs: 5,
        error: null,
        succeeded: false,
        nextAttemptAt: new Date(now.getTime() + 60_000),
        now: a.clock.now(),
      }),
    );
    expect(moved).toBe(false);
    expect((await deliveriesOf(a, endpoint.id))[0]!.status).toBe('succeeded');
  });
});
