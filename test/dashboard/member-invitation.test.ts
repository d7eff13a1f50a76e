import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deliverEmails } from '../../src/modules/email/deliver-emails.ts';
import type { MailCatcher } from '../../src/mail-catcher/index.ts';
import { addPerson, signIn, submit } from '../support/dashboard.ts';
import { createProject, type TestProject } from '../support/factories.ts';
import { http } from '../support/http.ts';
import { startMailApp, type MailWorld } from '../support/mail.ts';
import type { TestApp } from '../support/app.ts';
import { PortalClient } from '../portal/support/portal-client.ts';

/**
 * Inviting a person to a project's dashboard sends them the invitation by email (real SMTP,
 * the mail catcher): in the inviter's language, with the single-use link where they set
 * their password, once per link; the page still shows the link to send by hand.
 */

let world: MailWorld;
let t: TestApp;
let catcher: MailCatcher;
let project: TestProject;

beforeAll(async () => {
  world = await startMailApp();
  ({ t, catcher } = world);
  project = await createProject(t.url, { name: 'Kopi Kita', plans: [] });
  await addPerson(t, 'owner@kopi.test', { projectId: project.id, role: 'owner' });
  await addPerson(t, 'viewer@kopi.test', { projectId: project.id, role: 'viewer' });
});
afterAll(() => world.close());
beforeEach(() => catcher.clear());

const members = () => `/dashboard/projects/${project.id}/members`;

async function invite(c: PortalClient, email: string, name: string, role: string) {
  return submit(c, members(), `${members()}/invite`, { email, name, role });
}

function linkOnPage(page: string): string {
  return /<code class="secret" id="invitation-url">([^<]+)<\/code>/.exec(page)![1]!.replaceAll('&amp;', '&');
}

async function outbox(to: string) {
  return t.database.db.selectFrom('email_outbox').selectAll().where('to_address', '=', to).execute();
}

describe('inviting a member by email', () => {
  it('emails the link, which sets the password and opens the project; the page says it was emailed', async () => {
    const owner = await signIn(t, 'owner@kopi.test');
    expect((await owner.get(members())).text).toContain('They get an email with a link where they set their password');
    const page = await invite(owner, 'new.person@kopi.test', 'New Person', 'finance');
    expect(page.status).toBe(200);
    expect(page.text).toContain('We emailed the invitation to new.person@kopi.test');
    const shown = linkOnPage(page.text);

    // Sent at once (not at the next scheduler tick).
    const message = await catcher.waitFor((m) => m.to.includes('new.person@kopi.test'));
    expect(message.subject).toBe("You're invited to Kopi Kita on Langgan");
    expect(message.text).toContain('Hi New Person,');
    expect(message.text).toContain('owner invited you to the Langgan dashboard of Kopi Kita');
    expect(message.text).toContain('Your role: Finance: customers and payments');
    expect(message.text).toContain('You sign in as: new.person@kopi.test');
    expect(message.text).toMatch(/The link works once, until .+ WIB\./);
    expect(message.text).toContain('because owner entered your address to invite you to Kopi Kita');
    const link = /Set your password: (\S+)/.exec(message.text)![1]!;
    expect(link).toBe(shown);
    expect(message.html).toContain(`href="${shown.replaceAll('&', '&amp;')}"`);

    const token = new URL(link).searchParams.get('token')!;
    const person = new PortalClient(t.url, t.deps.config.publicUrl);
    expect((await person.get(`/dashboard/invitation?token=${token}`)).text).toContain('new.person@kopi.test');
    expect((await person.post('/dashboard/invitation', { token, password: 'a brand new passphrase' })).status).toBe(303);
    expect((await person.get('/dashboard')).text).toContain('Kopi Kita');
    // Once: the emailed link is spent.
    expect((await new PortalClient(t.url, t.deps.config.publicUrl).post('/dashboard/invitation', { token, password: 'another passphrase here' })).status).toBe(410);

    // In the outbox under the project, to no customer, its cause the link's hash (never the link).
    const [row] = await outbox('new.person@kopi.test');
    expect(row).toMatchObject({ project_id: project.id, end_user_id: null, type: 'member_invitation', status: 'sent' });
    expect(row!.idempotency_key).not.toContain(token);
    // The admin API lists it with the project's email.
    const listed = await http(t.url, 'GET', `/api/admin/projects/${project.id}/emails`, { admin: true });
    expect(listed.status).toBe(200);
    expect(listed.body.data.find((e: { to: string }) => e.to === 'new.person@kopi.test')).toMatchObject({ type: 'member_invitation', end_user_id: null, status: 'sent' });
  });

  it('writes in the inviter’s language and sends a fresh link to someone invited before who never set a password', async () => {
    const owner = await signIn(t, 'owner@kopi.test');
    expect((await owner.get('/dashboard/language?to=id&back=/dashboard')).status).toBe(303);
    const first = await invite(owner, 'lambat@kopi.test', 'Budi Lambat', 'viewer');
    expect(first.text).toContain('Undangan sudah kami kirim lewat email ke lambat@kopi.test');
    const again = await invite(owner, 'lambat@kopi.test', 'Budi Lambat', 'admin');
    expect(linkOnPage(again.text)).not.toBe(linkOnPage(first.text));
    while ((await deliverEmails(t.deps)).sent > 0);
    const inbox = catcher.messages().filter((m) => m.to.includes('lambat@kopi.test'));
    expect(inbox.map((m) => m.subject)).toEqual(['Anda diundang ke Kopi Kita di Langgan', 'Anda diundang ke Kopi Kita di Langgan']);
    const latest = inbox.find((m) => m.text.includes(linkOnPage(again.text)))!;
    expect(latest.text).toContain('Halo Budi Lambat,');
    expect(latest.text).toContain('Peran Anda: Admin: pengaturan, tampilan merek, paket, kunci, dan webhook');
    expect(latest.text).toMatch(/Tautan berlaku sekali, sampai .+ WIB\./);
    expect(await outbox('lambat@kopi.test')).toHaveLength(2);
  });

  it('sends nothing to a person who already has an account: they just gain the project', async () => {
    await addPerson(t, 'known@kopi.test');
    const owner = await signIn(t, 'owner@kopi.test');
    const res = await invite(owner, 'known@kopi.test', 'Known', 'viewer');
    expect(res.status).toBe(303);
    while ((await deliverEmails(t.deps)).sent > 0);
    expect(await outbox('known@kopi.test')).toEqual([]);
    expect(catcher.messages()).toEqual([]);
  });

  it('a viewer’s forged invitation is a 403 and emails nobody', async () => {
    const viewer = await signIn(t, 'viewer@kopi.test');
    const page = (await viewer.get('/dashboard')).text;
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
    const res = await viewer.post(`${members()}/invite`, { csrf, action_id: 'forged-invite', email: 'intruder@kopi.test', name: 'Intruder', role: 'owner' });
    expect(res.status).toBe(403);
    while ((await deliverEmails(t.deps)).sent > 0);
    expect(await outbox('intruder@kopi.test')).toEqual([]);
    expect(catcher.messages()).toEqual([]);
  });
});
