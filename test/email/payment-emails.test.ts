import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { openDatabase } from '../../src/db/database.ts';
import { createDeps } from '../../src/deps.ts';
import { claimDueEmails } from '../../src/modules/email/email.repository.ts';
import { deliverEmails, EMAIL_RETRY_DELAYS_MS } from '../../src/modules/email/deliver-emails.ts';
import { smtpTransport, type MailTransport } from '../../src/modules/email/transport.ts';
import { purgeExpired } from '../../src/modules/retention/purge-expired.ts';
import type { MailCatcher } from '../../src/mail-catcher/index.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { pendingUpgrade, renotify, simulate } from '../support/billing.ts';
import { createProject, createSession, type TestProject } from '../support/factories.ts';
import { http } from '../support/http.ts';
import { png } from '../support/images.ts';
import { freePort } from '../support/ports.ts';
import { startMailApp, type MailWorld } from '../support/mail.ts';
import { PortalClient } from '../portal/support/portal-client.ts';

/**
 * Customer email, end to end on a real SMTP server (the mail catcher): the receipt of a
 * paid payment is written to the outbox with the settlement and delivered by the
 * `deliver-emails` job once — whatever Midtrans repeats, however many instances run, and
 * whether the SMTP server is down or an instance dies mid-send.
 */
let mail: MailWorld;
let catcher: MailCatcher;
let t: TestApp;
let project: TestProject;

beforeAll(async () => {
  mail = await startMailApp();
  ({ catcher, t } = mail);
  project = await createProject(t.url, { name: 'Kopi Kenangan Cloud' });
});
afterAll(async () => {
  await mail?.close();
});
beforeEach(() => catcher.clear());

const outbox = (to: string) => t.database.db.selectFrom('email_outbox').selectAll().where('to_address', '=', to).execute();
const inbox = (to: string) => catcher.messages().filter((m) => m.to.includes(to));

/** A customer with an address on file who has just paid an upgrade to Pro by card. */
async function paidUpgrade(externalId: string, profile: { email?: string; name?: string; locale?: 'en' | 'id' } = {}) {
  await createSession(t.url, project, externalId, { email: profile.email ?? `${externalId}@example.com`, ...profile });
  const { payment } = await pendingUpgrade(t, project, externalId);
  await simulate(t, payment.order_id, { transaction_status: 'capture', payment_type: 'credit_card', fraud_status: 'accept' });
  return payment;
}

describe('the payment receipt', () => {
  it("shows the project's logo from the message itself (attached, by Content-ID), never from a remote server", async () => {
    const logoProject = await createProject(t.url, { name: 'Logo Cloud' });
    const uploaded = await fetch(`${t.url}/api/admin/projects/${logoProject.id}/logo`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${t.deps.config.adminApiKey}`, 'content-type': 'image/png' },
      body: png(120, 40, [15, 118, 110]),
    });
    expect(uploaded.status).toBeLessThan(300);
    const logo = ((await uploaded.json()) as { logo: string }).logo;
    expect((await http(t.url, 'PATCH', `/api/admin/projects/${logoProject.id}`, { admin: true, body: { theme_config: { logo } } })).status).toBe(200);
    await createSession(t.url, logoProject, 'logo-user', { email: 'logo-user@example.com' });
    const { payment } = await pendingUpgrade(t, logoProject, 'logo-user');
    await simulate(t, payment.order_id, { transaction_status: 'capture', payment_type: 'credit_card', fraud_status: 'accept' });
    await deliverEmails(t.deps);
    const [message] = inbox('logo-user@example.com');
    expect(message!.html).toContain(`<img src="cid:logo-${logo}@langgan"`);
    expect(message!.attachments).toEqual([expect.objectContaining({ cid: `logo-${logo}@langgan`, content_type: 'image/png' })]);
    expect(message!.html).not.toMatch(/src="https?:/);
  });

  it('is queued with the settlement and sent once, though Midtrans notifies ten times and the job runs twice', async () => {
    const payment = await paidUpgrade('receipt-once', { email: 'budi@example.com', name: 'Budi <b>Santoso</b>' });
    for (let i = 0; i < 9; i++) await renotify(t, payment.order_id);
    expect(await outbox('budi@example.com')).toHaveLength(1);

    expect(await deliverEmails(t.deps)).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(await deliverEmails(t.deps)).toEqual({ sent: 0, retried: 0, failed: 0 });

    const [message, ...more] = inbox('budi@example.com');
    expect(more).toHaveLength(0);
    expect(message!.subject).toBe('Receipt: Pro, IDR 150,000');
    expect(message!.headers.from).toContain('Kopi Kenangan Cloud');
    expect(message!.from).toBe(t.deps.config.mail.from);
    expect(message!.text).toContain('Hi Budi <b>Santoso</b>,');
    expect(message!.text).toContain(`Reference: ${payment.order_id}`);
    expect(message!.text).toContain('Method: Card');
    expect(message!.text).toMatch(/Paid on: .+ WIB/);
    expect(message!.text).toMatch(/Period: \d{1,2} \w+ \d{4} – \d{1,2} \w+ \d{4}/);
    // The name is data: escaped in the HTML part, never markup.
    expect(message!.html).toContain('Hi Budi &lt;b&gt;Santoso&lt;/b&gt;,');
    expect(message!.html).not.toContain('<b>Santoso');
    // No remote images; the one link is ours: "View in billing", which signs in on this payment, once.
    expect(message!.html).not.toContain('<img');
    const hrefs = [...message!.html!.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));
    expect(hrefs).toHaveLength(1);
    expect(hrefs[0]).toMatch(new RegExp(`^${t.deps.config.publicUrl}/portal\\?session=[A-Za-z0-9_-]{43}&flow=pay%3A${payment.id}$`));
    expect(message!.text).toContain(`View in billing: ${hrefs[0]}`);
    const reader = new PortalClient(t.url, t.deps.config.publicUrl);
    const opened = await reader.get(hrefs[0]!);
    expect(opened.location).toBe(`/portal/payments/${payment.id}`);
    expect((await reader.get(opened.location!)).status).toBe(200);

    const [row] = await outbox('budi@example.com');
    expect(row).toMatchObject({ type: 'payment_receipt', status: 'sent', attempts: 1, idempotency_key: `payment_receipt:${payment.id}`, locale: 'en' });
    expect(message!.message_id).toBe(row!.message_id);
  });

  it('speaks the customer\'s language, in the project\'s zone', async () => {
    await paidUpgrade('receipt-id', { email: 'sari@example.com', name: 'Sari', locale: 'id' });
    await deliverEmails(t.deps);
    const [message] = inbox('sari@example.com');
    expect(message!.subject).toBe('Tanda terima: Pro, Rp150.000');
    expect(message!.text).toContain('Halo Sari,');
    expect(message!.text).toContain('Metode: Kartu');
    expect(message!.text).toMatch(/Dibayar pada: .+ WIB/);
    expect(message!.html).toContain('<html lang="id">');
  });

  it('is not queued for a customer without an address, nor when email is off', async () => {
    const { payment } = await pendingUpgrade(t, project, 'receipt-no-address');
    await simulate(t, payment.order_id, { transaction_status: 'settlement', payment_type: 'qris' });
    const rows = await t.database.db.selectFrom('email_outbox').select('id').where('idempotency_key', '=', `payment_receipt:${payment.id}`).execute();
    expect(rows).toHaveLength(0);

    const off = await startTestApp();
    try {
      const offProject = await createProject(off.url);
      await createSession(off.url, offProject, 'off-user', { email: 'off@example.com' });
      const { payment: offPayment } = await pendingUpgrade(off, offProject, 'off-user');
      await simulate(off, offPayment.order_id, { transaction_status: 'settlement', payment_type: 'qris' });
      expect((await off.database.db.selectFrom('email_outbox').select('id').execute()).length).toBe(0);
    } finally {
      await off.close();
    }
  });
});

describe('how to pay a pending bank transfer', () => {
  it('sends the bank, VA number, amount and deadline once when the VA is issued; the receipt follows when it is paid', async () => {
    await createSession(t.url, project, 'va-waits', { email: 'va-waits@example.com', name: 'Dewi' });
    const { payment } = await pendingUpgrade(t, project, 'va-waits');
    await simulate(t, payment.order_id, { transaction_status: 'pending', payment_type: 'bank_transfer', bank: 'bni' });
    await renotify(t, payment.order_id);
    const queued = await outbox('va-waits@example.com');
    expect(queued.map((e) => e.type)).toEqual(['payment_instructions']);

    await deliverEmails(t.deps);
    const [message] = inbox('va-waits@example.com');
    const stored = (await t.database.db.selectFrom('payments').select(['payment_instructions', 'expires_at']).where('id', '=', payment.id).executeTakeFirstOrThrow());
    const va = stored.payment_instructions!.va!;
    expect(va.bank).toBe('bni');
    expect(message!.subject).toMatch(/^How to pay IDR 150,000 before .+ WIB$/);
    expect(message!.text).toContain('Hi Dewi,');
    expect(message!.text).toContain('Bank: BNI');
    expect(message!.text).toContain(`Virtual account number: ${va.number}`);
    expect(message!.text).toContain('Amount: IDR 150,000');
    expect(message!.text).toMatch(/Pay before: .+ WIB/);
    expect(message!.html).toContain(va.number);

    await simulate(t, payment.order_id, { transaction_status: 'settlement' });
    await deliverEmails(t.deps);
    expect(inbox('va-waits@example.com').map((m) => m.subject)).toEqual(['Receipt: Pro, IDR 150,000', message!.subject]);
  });

  it('is not sent when the project switched it off; a card payment (no details to give) sends none', async () => {
    expect((await http(t.url, 'PATCH', `/api/admin/projects/${project.id}`, { admin: true, body: { email_disabled_types: ['payment_instructions'] } })).status).toBe(200);
    try {
      await createSession(t.url, project, 'va-off', { email: 'va-off@example.com' });
      const { payment } = await pendingUpgrade(t, project, 'va-off');
      await simulate(t, payment.order_id, { transaction_status: 'pending', payment_type: 'bank_transfer', bank: 'bca' });
      expect(await outbox('va-off@example.com')).toHaveLength(0);
    } finally {
      await http(t.url, 'PATCH', `/api/admin/projects/${project.id}`, { admin: true, body: { email_disabled_types: [] } });
    }
    await paidUpgrade('card-only');
    expect((await outbox('card-only@example.com')).map((e) => e.type)).toEqual(['payment_receipt']);
  });
});

describe('per-project settings', () => {
  const patch = (body: Record<string, unknown>) => http(t.url, 'PATCH', `/api/admin/projects/${project.id}`, { admin: true, body });

  it('sends as the project\'s sender name with its Reply-To, and not at all when the type is switched off', async () => {
    const set = await patch({ email_sender_name: 'Kopi Billing', email_reply_to: 'help@kopi.example' });
    expect(set.status, set.text).toBe(200);
    expect(set.body).toMatchObject({ email_sender_name: 'Kopi Billing', email_reply_to: 'help@kopi.example', email_disabled_types: [] });
    try {
      await paidUpgrade('sender-settings');
      await deliverEmails(t.deps);
      const [message] = inbox('sender-settings@example.com');
      expect(message!.headers.from).toBe(`"Kopi Billing" <${t.deps.config.mail.from}>`);
      expect(message!.headers['reply-to']).toContain('help@kopi.example');

      expect((await patch({ email_disabled_types: ['payment_receipt'] })).status).toBe(200);
      await paidUpgrade('receipts-off');
      expect(await outbox('receipts-off@example.com')).toHaveLength(0);
    } finally {
      await patch({ email_sender_name: null, email_reply_to: null, email_disabled_types: [] });
    }
  });

  it.each([
    [{ email_sender_name: 'Evil\r\nBcc: everyone@example.com' }, 'email_sender_name'],
    [{ email_sender_name: '' }, 'email_sender_name'],
    [{ email_reply_to: 'not an address' }, 'email_reply_to'],
    [{ email_disabled_types: ['newsletter'] }, 'email_disabled_types'],
    [{ email_disabled_types: ['payment_receipt', 'payment_receipt'] }, 'email_disabled_types'],
  ])('refuses %o with a 400 naming %s', async (body, field) => {
    const res = await patch(body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(field);
  });
});

describe('delivery', () => {
  it('two instances delivering at once send each email once', async () => {
    const addresses = ['two-a', 'two-b', 'two-c', 'two-d', 'two-e', 'two-f'];
    for (const a of addresses) await paidUpgrade(a);
    // A second instance: its own pool on PostgreSQL (PGlite has one connection to share).
    const second = t.database.url ? await openDatabase({ url: t.database.url, poolSize: 4 }) : undefined;
    const otherTransport = smtpTransport(catcher.smtpUrl);
    try {
      const other = createDeps({ config: t.deps.config, db: second?.db ?? t.database.db, dbKind: t.deps.dbKind, clock: t.clock, gateway: t.deps.gateway, logger: t.deps.logger, mail: otherTransport });
      const [a, b] = await Promise.all([deliverEmails(t.deps), deliverEmails(other)]);
      expect(a.sent + b.sent).toBe(addresses.length);
    } finally {
      otherTransport.close();
      await second?.close();
    }
    for (const a of addresses) expect(inbox(`${a}@example.com`)).toHaveLength(1);
  });

  it('an instance that dies mid-send loses nothing: the lease runs out and another sends it, with the same Message-ID', async () => {
    await paidUpgrade('dies-mid-send');
    // What a killed instance leaves behind: the row claimed (leased), never finished.
    const lease = t.deps.config.mail.leaseMs;
    const [claimed] = await claimDueEmails(t.database.db, t.clock.now(), new Date(t.clock.now().getTime() + lease), 10);
    expect(claimed).toMatchObject({ to_address: 'dies-mid-send@example.com', status: 'sending', attempts: 1 });

    expect((await deliverEmails(t.deps)).sent).toBe(0);  // still leased: nobody sends it twice
    t.clock.advance(lease + 1000);
    expect((await deliverEmails(t.deps)).sent).toBe(1);
    const [message] = inbox('dies-mid-send@example.com');
    expect(message!.message_id).toBe(claimed!.message_id);
    const [row] = await outbox('dies-mid-send@example.com');
    expect(row).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('retries with backoff while the SMTP server is down, then sends', async () => {
    await paidUpgrade('smtp-down');
    const down = smtpTransport(`smtp://127.0.0.1:${await freePort()}`);
    try {
      const broken = { ...t.deps, mail: down };
      expect(await deliverEmails(broken)).toEqual({ sent: 0, retried: 1, failed: 0 });
      const [row] = await outbox('smtp-down@example.com');
      expect(row).toMatchObject({ status: 'pending', attempts: 1 });
      expect(row!.last_error).toMatch(/ECONNREFUSED/);
      expect(row!.next_attempt_at.getTime()).toBe(t.clock.now().getTime() + EMAIL_RETRY_DELAYS_MS[0]!);
    } finally {
      down.close();
    }
    expect((await deliverEmails(t.deps)).sent).toBe(0);  // not due yet
    t.clock.advance(EMAIL_RETRY_DELAYS_MS[0]!);
    expect((await deliverEmails(t.deps)).sent).toBe(1);
    expect(inbox('smtp-down@example.com')).toHaveLength(1);
  });

  it('gives up at once when the server refuses the address for good (5xx), and says why', async () => {
    const refusing = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onRcptTo(address, _session, callback) {
        const err = Object.assign(new Error(`No such user ${address.address}`), { responseCode: 550 });
        callback(err);
      },
    });
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    const refused = smtpTransport(`smtp://127.0.0.1:${(refusing.server.address() as AddressInfo).port}`);
    try {
      await paidUpgrade('refused');
      expect(await deliverEmails({ ...t.deps, mail: refused })).toEqual({ sent: 0, retried: 0, failed: 1 });
      const [row] = await outbox('refused@example.com');
      expect(row).toMatchObject({ status: 'failed', attempts: 1 });
      expect(row!.last_error).toMatch(/^550 .*No such user/);
      expect((await deliverEmails(t.deps)).sent).toBe(0);
    } finally {
      refused.close();
      await new Promise<void>((resolve) => refusing.close(() => resolve()));
    }
  });
});

describe('the record the integrator sees', () => {
  it('lists each email with its delivery status, never its body (admin API)', async () => {
    await paidUpgrade('listed', { email: 'listed@example.com' });
    await deliverEmails(t.deps);
    const res = await http(t.url, 'GET', `/api/admin/projects/${project.id}/emails?end_user_id=listed`, { admin: true });
    expect(res.status, res.text).toBe(200);
    expect(res.body.data).toHaveLength(1);
    expect(res.body.data[0]).toMatchObject({ type: 'payment_receipt', end_user_id: 'listed', to: 'listed@example.com', status: 'sent', attempts: 1, last_error: null, next_attempt_at: null });
    expect(res.text).not.toContain('Keep this email');
    expect((await http(t.url, 'GET', '/api/admin/projects/prj_nope/emails', { admin: true })).status).toBe(404);
  });

  it('retention drops the bodies of sent email after RETENTION_EMAIL_BODIES_DAYS and keeps the record', async () => {
    await paidUpgrade('retained');
    await deliverEmails(t.deps);
    t.clock.advance((t.deps.config.retention.emailBodiesDays - 1) * 86_400_000);
    await purgeExpired(t.deps);
    expect((await outbox('retained@example.com'))[0]!.text_body).not.toBeNull();
    t.clock.advance(2 * 86_400_000);
    const summary = await purgeExpired(t.deps);
    expect(summary.emailBodies).toBeGreaterThanOrEqual(1);
    const [row] = await outbox('retained@example.com');
    expect(row).toMatchObject({ status: 'sent', text_body: null, html_body: null, subject: 'Receipt: Pro, IDR 150,000' });
    expect(row!.body_purged_at).toEqual(t.clock.now());
  });

  it('the metrics endpoint counts the backlog', async () => {
    await paidUpgrade('backlog');
    const metric = await t.deps.metrics.registry.getSingleMetricAsString('langgan_email_outbox');
    expect(metric).toMatch(/langgan_email_outbox\{status="pending"\} [1-9]/);
    await deliverEmails(t.deps);
    expect(await t.deps.metrics.registry.getSingleMetricAsString('langgan_email_outbox')).toContain('langgan_email_outbox{status="pending"} 0');
  });
});
