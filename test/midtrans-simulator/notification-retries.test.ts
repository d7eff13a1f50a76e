import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { retriesEarnedBy, type MidtransSimulator } from '../../src/midtrans-simulator/index.ts';
import { startHttpStub, type HttpStub } from '../payments/http-stub.ts';
import { control, createCheckout, startTestSimulator } from './support.ts';

let receiver: HttpStub;
let simulator: MidtransSimulator;

beforeEach(async () => {
  receiver = await startHttpStub();
  simulator = await startTestSimulator({ notificationUrl: `${receiver.url}/notify`, retryIntervalsMs: [5, 5, 5, 5, 5], notificationTimeoutMs: 150 });
});

afterEach(async () => {
  await simulator.close();
  await receiver.close();
});

async function settleAndWait(simulator: MidtransSimulator) {
  const { orderId } = await createCheckout(simulator);
  const transition = await control(simulator, 'POST', `/transactions/${orderId}/transition`, { transaction_status: 'settlement' });
  expect(transition.status).toBe(200);
  await simulator.deliveriesSettled();
  const detail = await control(simulator, 'GET', `/transactions/${orderId}`);
  return detail.json.deliveries as Array<{ state: string; attempts: Array<{ httpStatus?: number; error?: string }> }>;
}

describe('retry policy by the receiver answer', () => {
  it.each([
    [200, 1, 'delivered'],
    [204, 1, 'delivered'],
    [500, 2, 'gave_up'],
    [503, 5, 'gave_up'],
    [400, 3, 'gave_up'],
    [404, 3, 'gave_up'],
    [301, 1, 'gave_up'],
    [302, 1, 'gave_up'],
    [303, 1, 'gave_up'],
    [401, 6, 'gave_up'],
    [418, 6, 'gave_up'],
    [502, 6, 'gave_up'],
  ])('HTTP %i → %i attempt(s) in total', async (status, attempts, finalState) => {
    const headers: Record<string, string> = status >= 300 && status < 400 ? { location: '/elsewhere' } : {};
    receiver.answerWith(() => ({ status, headers }));
    const [delivery] = await settleAndWait(simulator);
    expect(receiver.requests).toHaveLength(attempts);
    expect(delivery?.state).toBe(finalState);
    expect(delivery?.attempts.map((attempt) => attempt.httpStatus)).toEqual(Array(attempts).fill(status));
  });

  it('stops retrying once the receiver recovers', async () => {
    receiver.answerWith((_request, index) => ({ status: index < 2 ? 503 : 200 }));
    const [delivery] = await settleAndWait(simulator);
    expect(receiver.requests).toHaveLength(3);
    expect(delivery?.state).toBe('delivered');
  });

  it('treats a receiver that does not answer in time like any other failure: 5 retries', async () => {
    receiver.answerWith(() => ({ status: 200, delayMs: 1_000 }));
    const [delivery] = await settleAndWait(simulator);
    expect(delivery?.attempts).toHaveLength(6);
    expect(delivery?.attempts.every((attempt) => attempt.error === 'timeout')).toBe(true);
  });

  it('retries a refused connection 5 times', async () => {
    const closed = await startHttpStub();
    const closedUrl = closed.url;
    await closed.close();
    const lonely = await startTestSimulator({ notificationUrl: `${closedUrl}/notify`, retryIntervalsMs: [1] });
    try {
      const [delivery] = await settleAndWait(lonely);
      expect(delivery?.state).toBe('gave_up');
      expect(delivery?.attempts).toHaveLength(6);
      expect(delivery?.attempts[0]?.error).toBeTruthy();
    } finally {
      await lonely.close();
    }
  });

  it('spaces retries by retryIntervalsMs', async () => {
    const spaced = await startTestSimulator({ notificationUrl: `${receiver.url}/notify`, retryIntervalsMs: [150] });
    try {
      const arrivals: number[] = [];
      receiver.answerWith(() => {
        arrivals.push(Date.now());
        return { status: 500 };
      });
      await settleAndWait(spaced);
      expect(arrivals).toHaveLength(2);
      expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(140);
    } finally {
      await spaced.close();
    }
  });

  it('matches the documented table', () => {
    expect([200, 299, 500, 503, 400, 404, 301, 302, 303, 307, 429, undefined].map(retriesEarnedBy)).toEqual(['done', 'done', 1, 4, 2, 2, 0, 0, 0, 5, 5, 5]);
  });
});

describe('notification targets', () => {
  it('X-Override-Notification replaces the default URL and notifies every listed URL', async () => {
    const second = await startHttpStub();
    try {
      const { orderId } = await createCheckout(simulator, {}, { 'x-override-notification': `${receiver.url}/override-1, ${second.url}/override-2` });
      await control(simulator, 'POST', `/transactions/${orderId}/transition`, { transaction_status: 'pending' });
      await simulator.deliveriesSettled();
      expect(receiver.requests.map((request) => request.path)).toEqual(['/override-1']);
      expect(second.requests.map((request) => request.path)).toEqual(['/override-2']);
      expect(receiver.requests[0]?.rawBody).toBe(second.requests[0]?.rawBody);
    } finally {
      await second.close();
    }
  });

  it('X-Append-Notification adds to the default URL', async () => {
    const { orderId } = await createCheckout(simulator, {}, { 'x-append-notification': `${receiver.url}/appended` });
    await control(simulator, 'POST', `/transactions/${orderId}/transition`, { transaction_status: 'pending' });
    await simulator.deliveriesSettled();
    expect(receiver.requests.map((request) => request.path).sort()).toEqual(['/appended', '/notify']);
  });

  it('keeps a delivery log with every attempt', async () => {
    receiver.answerWith((_request, index) => ({ status: index === 0 ? 500 : 200 }));
    const deliveries = await settleAndWait(simulator);
    expect(deliveries).toEqual([
      expect.objectContaining({
        state: 'delivered',
        attempts: [expect.objectContaining({ httpStatus: 500 }), expect.objectContaining({ httpStatus: 200 })],
      }),
    ]);
  });
});
