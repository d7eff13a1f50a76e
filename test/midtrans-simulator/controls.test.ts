import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MidtransSimulator } from '../../src/midtrans-simulator/index.ts';
import { startHttpStub, type HttpStub } from '../payments/http-stub.ts';
import { basicAuth, control, core, createCheckout, expectValidSignature, requestJson, startTestSimulator, submitPaymentForm } from './support.ts';

let receiver: HttpStub;
let simulator: MidtransSimulator;

beforeEach(async () => {
  receiver = await startHttpStub();
  simulator = await startTestSimulator({ notificationUrl: `${receiver.url}/notify` });
});

afterEach(async () => {
  await simulator.close();
  await receiver.close();
});

const bodies = () => receiver.requests.map((request) => request.json as Record<string, unknown>);

describe('/__simulator/ controls', () => {
  it('need the server key: without it, or with another, nothing is listed or changed', async () => {
    const { orderId } = await createCheckout(simulator);
    const attempts: Record<string, string>[] = [{}, { authorization: basicAuth('SB-Mid-server-someone-else') }, { authorization: 'Bearer x' }];
    for (const headers of attempts) {
      const listed = await requestJson(`${simulator.url}/__simulator/transactions`, { headers });
      expect(listed.status).toBe(401);
      expect(JSON.stringify(listed.json)).not.toContain(orderId);
      const settled = await requestJson(`${simulator.url}/__simulator/transactions/${orderId}/transition`, {
        method: 'POST',
        body: { transaction_status: 'settlement', payment_type: 'qris' },
        headers,
      });
      expect(settled.status).toBe(401);
    }
    expect((await control(simulator, 'GET', `/transactions/${orderId}`)).json).toMatchObject({ status: null });
  });

  it('lists transactions and shows one with its status and delivery log', async () => {
    const { orderId, token } = await createCheckout(simulator);
    const listed = await control(simulator, 'GET', '/transactions');
    expect(listed.json.transactions).toEqual([expect.objectContaining({ order_id: orderId, snap_token: token, gross_amount: 100000, payment: null })]);

    const before = await control(simulator, 'GET', `/transactions/${orderId}`);
    expect(before.json).toMatchObject({ status: null, deliveries: [] });

    await control(simulator, 'POST', `/transactions/${orderId}/transition`, { transaction_status: 'pending', payment_type: 'bank_transfer', bank: 'bri' });
    await simulator.deliveriesSettled();
    const after = await control(simulator, 'GET', `/transactions/${orderId}`);
    expect(after.json.transaction).toMatchObject({ payment: { payment_type: 'bank_transfer', transaction_status: 'pending', va: { bank: 'bri' } } });
    expect(after.json.status).toMatchObject({ transaction_status: 'pending', status_code: '201' });
    expect(after.json.deliveries).toEqual([expect.objectContaining({ kind: 'current', state: 'delivered', transaction_status: 'pending', status_code: '201' })]);
    expect((await control(simulator, 'GET', '/transactions/unknown')).status).toBe(404);
  });

  it('drives a full lifecycle programmatically: pending → settlement', async () => {
    const { orderId } = await createCheckout(simulator);
    const pending = await control(simulator, 'POST', `/transactions/${orderId}/transition`, { transaction_status: 'pending', payment_type: 'qris' });
    expect(pending.status).toBe(200);
    expect(pending.json.deliveries).toHaveLength(1);
    const settled = await control(simulator, 'POST', `/transactions/${orderId}/transition`, { transaction_status: 'settlement' });
    expect(settled.json.status).toMatchObject({ transaction_status: 'settlement', payment_type: 'qris' });
    await simulator.deliveriesSettled();
    expect(bodies().map((body) => body.transaction_status)).toEqual(['pending', 'settlement']);
  });

  it('changes state without notifying ("missing notification"): only the status API knows', async () => {
    const { orderId } = await createCheckout(simulator);
    const changed = await control(simulator, 'POST', `/transactions/${orderId}/transition`, { transaction_status: 'settlement', notify: false });
    expect(changed.json.deliveries).toEqual([]);
    await simulator.deliveriesSettled();
    expect(receiver.requests).toHaveLength(0);
    expect((await core(simulator, 'GET', `/v2/${orderId}/status`)).json.transaction_status).toBe('settlement');
  });

  it('re-sends the current notification as a duplicate', async () => {
    const { orderId } = await createCheckout(simulator);
    await control(simulator, 'POST', `/transactions/${orderId}/transition`, { transaction_status: 'settlement' });
    const duplicate = await control(simulator, 'POST', `/transactions/${orderId}/notify`);
    expect(duplicate.status).toBe(202);
    expect(duplicate.json.deliveries).toEqual([expect.objectContaining({ kind: 'duplicate', transaction_status: 'settlement' })]);
    await simulator.deliveriesSettled();
    expect(receiver.requests).toHaveLength(2);
    expect(receiver.requests[0]?.rawBody).toBe(receiver.requests[1]?.rawBody);
  });

  it('sends a stale, correctly signed notification out of order without moving the transaction back', async () => {
    const { orderId } = await createCheckout(simulator);
    await control(simulator, 'POST', `/transactions/${orderId}/transition`, { transaction_status: 'pending', payment_type: 'gopay' });
    await control(simulator, 'POST', `/transactions/${orderId}/transition`, { transaction_status: 'settlement' });
    await simulator.deliveriesSettled();
    const stale = await control(simulator, 'POST', `/transactions/${orderId}/notify`, { transaction_status: 'pending' });
    expect(stale.json.deliveries).toEqual([expect.objectContaining({ kind: 'stale', transaction_status: 'pending', status_code: '201' })]);
    await simulator.deliveriesSettled();

    const [firstPending, settlement, latePending] = bodies();
    expect(settlement?.transaction_status).toBe('settlement');
    expect(latePending).toEqual(firstPending);
    expectValidSignature(latePending!);
    expect((await core(simulator, 'GET', `/v2/${orderId}/status`)).json.transaction_status).toBe('settlement');
  });

  it('synthesises a stale status the payment never passed through, still signed', async () => {
    const { orderId } = await createCheckout(simulator);
    await control(simulator, 'POST', `/transactions/${orderId}/transition`, { transaction_status: 'settlement', notify: false });
    await control(simulator, 'POST', `/transactions/${orderId}/notify`, { transaction_status: 'pending' });
    await simulator.deliveriesSettled();
    const [pending] = bodies();
    expect(pending).toMatchObject({ transaction_status: 'pending', status_code: '201' });
    expect(pending).not.toHaveProperty('settlement_time');
    expectValidSignature(pending!);
  });

  it('refuses impossible transitions and bad input with 4xx', async () => {
    const { orderId } = await createCheckout(simulator);
    const transition = (body: unknown) => control(simulator, 'POST', `/transactions/${orderId}/transition`, body);
    expect((await transition({ transaction_status: 'capture', payment_type: 'gopay' })).status).toBe(409);
    expect((await transition({ transaction_status: 'refund' })).status).toBe(400);
    expect((await transition({ transaction_status: 'settlement', notify: 'yes' })).status).toBe(400);
    expect((await transition({ transaction_status: 'pending', payment_type: 'cash' })).status).toBe(400);
    expect((await transition(['settlement'])).status).toBe(400);
    expect((await control(simulator, 'POST', `/transactions/${orderId}/notify`)).status).toBe(409);
    expect((await transition({ transaction_status: 'settlement' })).status).toBe(200);
    const backwards = await transition({ transaction_status: 'pending' });
    expect(backwards.status).toBe(409);
    expect(backwards.json.error).toBe('transaction_status cannot change from settlement to pending');
    expect((await control(simulator, 'POST', `/transactions/${orderId}/notify`, { transaction_status: 'paid' })).status).toBe(400);
  });

  it('resolves a challenged capture by approving it', async () => {
    const { orderId } = await createCheckout(simulator);
    const challenged = await control(simulator, 'POST', `/transactions/${orderId}/transition`, { transaction_status: 'capture', fraud_status: 'challenge' });
    expect(challenged.json.status).toMatchObject({ transaction_status: 'capture', fraud_status: 'challenge', payment_type: 'credit_card' });
    const approved = await control(simulator, 'POST', `/transactions/${orderId}/transition`, { transaction_status: 'capture', fraud_status: 'accept' });
    expect(approved.json.status).toMatchObject({ transaction_status: 'capture', fraud_status: 'accept' });
  });

  it('revokes a saved token so merchant-initiated charges fail', async () => {
    const { orderId, redirectUrl } = await createCheckout(simulator, { user_id: 'cus_1', credit_card: { save_card: true } });
    await submitPaymentForm(redirectUrl, { payment_method: 'credit_card', outcome: 'pay' });
    const tokenId = String((await core(simulator, 'GET', `/v2/${orderId}/status`)).json.saved_token_id);
    const revoked = await control(simulator, 'POST', `/saved-tokens/${tokenId}/revoke`);
    expect(revoked.json.saved_token).toMatchObject({ token_id: tokenId, revoked: true });
    const charge = await core(simulator, 'POST', '/v2/charge', {
      payment_type: 'credit_card',
      transaction_details: { order_id: `${orderId}-renewal`, gross_amount: 100000 },
      credit_card: { token_id: tokenId, initiated_by: 'merchant' },
    });
    expect(charge.json).toMatchObject({ status_code: '411' });
    expect((await control(simulator, 'POST', '/saved-tokens/unknown/revoke')).status).toBe(404);
  });

  it('declines a saved token\'s charges, by the bank or by fraud detection, as sandbox cards 4911… and 4611… are; null accepts again', async () => {
    const { orderId, redirectUrl } = await createCheckout(simulator, { user_id: 'cus_1', credit_card: { save_card: true } });
    await submitPaymentForm(redirectUrl, { payment_method: 'credit_card', outcome: 'pay' });
    const tokenId = String((await core(simulator, 'GET', `/v2/${orderId}/status`)).json.saved_token_id);
    const charge = (suffix: string) =>
      core(simulator, 'POST', '/v2/charge', {
        payment_type: 'credit_card',
        transaction_details: { order_id: `${orderId}-${suffix}`, gross_amount: 100000 },
        credit_card: { token_id: tokenId, initiated_by: 'merchant' },
      });

    const marked = await control(simulator, 'POST', `/saved-tokens/${tokenId}/decline`, { declined_by: 'bank' });
    expect(marked.json.saved_token).toMatchObject({ token_id: tokenId, revoked: false, declined_by: 'bank' });
    const byBank = await charge('bank');
    expect(byBank.status).toBe(200);
    expect(byBank.json).toMatchObject({
      status_code: '202',
      status_message: 'Deny by Bank [BNI] with code [05] and message [Do not honour]',
      transaction_status: 'deny',
      fraud_status: 'accept',
      payment_type: 'credit_card',
      channel_response_code: '05',
    });
    expect(byBank.json).not.toHaveProperty('approval_code');
    expect(byBank.json).not.toHaveProperty('saved_token_id');
    await simulator.deliveriesSettled();
    const notified = bodies().find((b) => b.order_id === `${orderId}-bank`)!;
    expect(notified).toMatchObject({ status_code: '202', transaction_status: 'deny', fraud_status: 'accept' });
    expectValidSignature(notified);
    expect((await core(simulator, 'GET', `/v2/${orderId}-bank/status`)).json).toMatchObject({ transaction_status: 'deny' });

    await control(simulator, 'POST', `/saved-tokens/${tokenId}/decline`, { declined_by: 'fraud' });
    expect((await charge('fraud')).json).toMatchObject({ status_code: '202', status_message: 'Deny by Midtrans FDS', transaction_status: 'deny', fraud_status: 'deny' });

    await control(simulator, 'POST', `/saved-tokens/${tokenId}/decline`, { declined_by: null });
    expect((await charge('again')).json).toMatchObject({ status_code: '200', transaction_status: 'capture', fraud_status: 'accept', saved_token_id: tokenId });

    expect((await control(simulator, 'POST', `/saved-tokens/${tokenId}/decline`, { declined_by: 'maybe' })).status).toBe(400);
    expect((await control(simulator, 'POST', `/saved-tokens/${tokenId}/decline`)).status).toBe(400);
    expect((await control(simulator, 'POST', '/saved-tokens/unknown/decline', { declined_by: 'bank' })).status).toBe(404);
  });

  it('waits for deliveries over HTTP', async () => {
    receiver.answerWith(() => ({ status: 200, delayMs: 100 }));
    const { orderId } = await createCheckout(simulator);
    await control(simulator, 'POST', `/transactions/${orderId}/transition`, { transaction_status: 'settlement' });
    const waited = await control(simulator, 'POST', '/deliveries/wait', { timeout_ms: 5_000 });
    expect(waited.json).toEqual({ idle: true });
    expect(receiver.requests).toHaveLength(1);
  });

  it('resets all state', async () => {
    const { orderId } = await createCheckout(simulator);
    expect((await control(simulator, 'POST', '/reset')).json).toEqual({ reset: true });
    expect((await control(simulator, 'GET', '/transactions')).json.transactions).toEqual([]);
    expect((await control(simulator, 'GET', `/transactions/${orderId}`)).status).toBe(404);
  });
});
