import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MAX_MESSAGE_BYTES, type CaughtMessage, type MailCatcher } from '../../src/mail-catcher/index.ts';
import { png } from '../support/images.ts';
import { getJson, send, smtpChat, startTestCatcher } from './support.ts';

let catcher: MailCatcher;
const logo = png(4, 4, [200, 30, 30]);

beforeAll(async () => {
  catcher = await startTestCatcher();
});
afterAll(async () => {
  await catcher?.close();
});
beforeEach(() => catcher.clear());

const api = (path: string) => `${catcher.httpUrl}${path}`;

async function sendReceipt(to = 'ana@example.com', subject = 'Your receipt') {
  return send(catcher, {
    to: `Ana <${to}>`,
    subject,
    text: 'Thanks for paying Rp 150.000.',
    html: '<p>Thanks for paying <b>Rp 150.000</b>.</p><img src="cid:logo@langgan" alt="Langgan">',
    attachments: [{ filename: 'logo.png', content: logo, cid: 'logo@langgan', contentType: 'image/png' }],
  });
}

describe('SMTP in, JSON out', () => {
  it('catches a real message with text, HTML and an inline PNG, and serves it at /api/messages', async () => {
    const sent = await sendReceipt();
    expect(sent.response).toMatch(/^250 /);

    const list = await getJson<CaughtMessage[]>(api('/api/messages'));
    expect(list.status).toBe(200);
    expect(list.body).toHaveLength(1);
    const message = list.body[0]!;
    expect(message).toMatchObject({
      id: expect.stringMatching(/^msg_/),
      from: 'billing@langgan.test',
      to: ['ana@example.com'],
      subject: 'Your receipt',
      text: 'Thanks for paying Rp 150.000.',
      html: expect.stringContaining('<b>Rp 150.000</b>'),
      message_id: sent.messageId,
      attachments: [{ filename: 'logo.png', content_type: 'image/png', cid: 'logo@langgan', size: logo.length }],
    });
    expect(message.headers.from).toBe('"Langgan" <billing@langgan.test>');
    expect(Date.now() - Date.parse(message.received_at)).toBeLessThan(60_000);
    // cid: links stay in the stored HTML; only the HTML route rewrites them.
    expect(message.html).toContain('src="cid:logo@langgan"');
    expect(catcher.messages()).toEqual(list.body);

    const one = await getJson<CaughtMessage>(api(`/api/messages/${message.id}`));
    expect(one.status).toBe(200);
    expect(one.body).toEqual(message);
  });

  it('lists newest first, in the API and in messages()', async () => {
    for (const subject of ['first', 'second', 'third']) await sendReceipt('ana@example.com', subject);
    const { body } = await getJson<CaughtMessage[]>(api('/api/messages'));
    expect(body.map((m) => m.subject)).toEqual(['third', 'second', 'first']);
    expect(catcher.messages().map((m) => m.subject)).toEqual(['third', 'second', 'first']);
  });

  it('filters by recipient with ?to=, case-insensitively, Bcc included', async () => {
    await sendReceipt('ana@example.com', 'for ana');
    await send(catcher, { to: 'budi@example.com', bcc: 'Audit@Example.com', subject: 'for budi', text: 'x' });
    const forAna = await getJson<CaughtMessage[]>(api('/api/messages?to=ANA@example.com'));
    expect(forAna.body.map((m) => m.subject)).toEqual(['for ana']);
    const forAudit = await getJson<CaughtMessage[]>(api(`/api/messages?to=${encodeURIComponent('audit@example.com')}`));
    expect(forAudit.body.map((m) => m.subject)).toEqual(['for budi']);
    expect((await getJson<CaughtMessage[]>(api('/api/messages?to=nobody@example.com'))).body).toEqual([]);
    expect((await getJson(api('/api/messages?to=a@x&to=b@x'))).status).toBe(400);
  });

  it('answers an unknown message or route with a JSON 404', async () => {
    for (const path of ['/api/messages/msg_nope', '/api/nothing-here']) {
      const response = await getJson<{ error: { code: string; message: string } }>(api(path));
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(response.body).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
    }
  });

  it('DELETE /api/messages empties the inbox with a 204', async () => {
    await sendReceipt();
    const response = await fetch(api('/api/messages'), { method: 'DELETE' });
    expect(response.status).toBe(204);
    expect((await getJson(api('/api/messages'))).body).toEqual([]);
    expect(catcher.messages()).toEqual([]);
  });

  it('keeps at most maxMessages, dropping the oldest', async () => {
    const small = await startTestCatcher(2);
    try {
      for (const subject of ['one', 'two', 'three']) await send(small, { to: 'ana@example.com', subject, text: subject });
      expect(small.messages().map((m) => m.subject)).toEqual(['three', 'two']);
      const { body } = await getJson<CaughtMessage[]>(`${small.httpUrl}/api/messages`);
      expect(body.map((m) => m.subject)).toEqual(['three', 'two']);
    } finally {
      await small.close();
    }
  });

  it('waitFor returns a message already caught, or the next one that matches, and times out otherwise', async () => {
    await sendReceipt('ana@example.com', 'already here');
    expect((await catcher.waitFor((m) => m.subject === 'already here')).subject).toBe('already here');
    const waiting = catcher.waitFor((m) => m.to.includes('later@example.com'), 10_000);
    await sendReceipt('later@example.com', 'arrives later');
    expect((await waiting).subject).toBe('arrives later');
    await expect(catcher.waitFor((m) => m.subject === 'never', 50)).rejects.toThrow(/No matching message within 50 ms/);
  });
});

describe('the SMTP side', () => {
  it('advertises SIZE and AUTH, not STARTTLS, and accepts any credentials', async () => {
    const [greeting, ehlo, auth] = await smtpChat(catcher.smtpPort, ['EHLO client.test', `AUTH PLAIN ${Buffer.from('\0any\0thing').toString('base64')}`, 'QUIT']);
    expect(greeting).toMatch(/^220 /);
    expect(ehlo).toContain(`SIZE ${MAX_MESSAGE_BYTES}`);
    expect(ehlo).toMatch(/AUTH .*PLAIN/);
    expect(ehlo).not.toContain('STARTTLS');
    expect(auth).toMatch(/^235 /);
  });

  it('refuses a message over 10 MB with 552 5.3.4 and keeps nothing', async () => {
    const big = Buffer.alloc(MAX_MESSAGE_BYTES, 7);
    const error = await send(catcher, { to: 'ana@example.com', subject: 'too big', text: 'x', attachments: [{ filename: 'big.bin', content: big }] }).catch((e: unknown) => e);
    expect(error).toMatchObject({ responseCode: 552 });
    expect(String((error as Error).message)).toContain('5.3.4');
    expect(catcher.messages()).toEqual([]);
    // A declared size over the limit is refused before any data is sent.
    const [, , mailFrom] = await smtpChat(catcher.smtpPort, ['EHLO client.test', `MAIL FROM:<a@example.com> SIZE=${MAX_MESSAGE_BYTES + 1}`, 'QUIT']);
    expect(mailFrom).toMatch(/^552 /);
    await sendReceipt('ana@example.com', 'after the big one');
    expect(catcher.messages().map((m) => m.subject)).toEqual(['after the big one']);
  });

  it('listens, SMTP and HTTP alike, on 127.0.0.1 only', async () => {
    expect(catcher.smtpUrl).toBe(`smtp://127.0.0.1:${catcher.smtpPort}`);
    expect(catcher.httpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const httpPort = Number(new URL(catcher.httpUrl).port);
    const reachable = (host: string, port: number) =>
      new Promise<boolean>((resolve) => {
        const socket = connect(port, host);
        socket.once('connect', () => socket.destroy() && resolve(true));
        socket.once('error', () => resolve(false));
      });
    for (const port of [catcher.smtpPort, httpPort]) {
      expect(await reachable('127.0.0.1', port)).toBe(true);
      // Another loopback address and IPv6: a server bound to 0.0.0.0 or :: would answer these.
      expect(await reachable('127.0.0.2', port)).toBe(false);
      expect(await reachable('::1', port)).toBe(false);
    }
  });
});

describe('the inbox pages', () => {
  async function page(path: string) {
    const response = await fetch(api(path));
    return { status: response.status, headers: response.headers, text: await response.text() };
  }

  it('escapes a subject with markup in the list and on the message page; the message HTML only in its sandboxed frame', async () => {
    await send(catcher, { to: 'ana@example.com', subject: 'Hi <b>bold</b> & "quoted"', text: 'x', html: '<p>hello</p><script>alert(1)</script>' });
    const [message] = catcher.messages();

    const inbox = await page('/');
    expect(inbox.status).toBe(200);
    expect(inbox.text).toContain('Hi &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;');
    expect(inbox.text).not.toContain('<b>bold');
    expect(inbox.text).toContain(`href="/messages/${message!.id}"`);

    const shown = await page(`/messages/${message!.id}`);
    expect(shown.text).toContain('Hi &lt;b&gt;bold&lt;/b&gt;');
    expect(shown.text).not.toContain('<script');
    expect(shown.text).toContain(`<iframe sandbox src="/messages/${message!.id}/html"`);
    for (const { headers } of [inbox, shown]) {
      const csp = headers.get('content-security-policy')!;
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("frame-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('script-src');
      expect(headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('serves the message HTML under a CSP that allows no script, and its cid: image as a PNG', async () => {
    await sendReceipt();
    const [message] = catcher.messages();
    const body = await page(`/messages/${message!.id}/html`);
    expect(body.status).toBe(200);
    expect(body.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = body.headers.get('content-security-policy')!;
    for (const directive of ["default-src 'none'", "img-src 'self' data:", "style-src 'unsafe-inline'", "frame-ancestors 'self'", 'sandbox']) {
      expect(csp).toContain(directive);
    }
    expect(body.headers.get('x-content-type-options')).toBe('nosniff');
    const imagePath = `/messages/${message!.id}/parts/logo%40langgan`;
    expect(body.text).toContain(`src="${imagePath}"`);

    const image = await fetch(api(imagePath));
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(image.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await image.arrayBuffer()).equals(logo)).toBe(true);
  });

  it('never serves an inline SVG (or HTML) part', async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';
    await send(catcher, {
      to: 'ana@example.com', subject: 'svg', html: '<img src="cid:pic@x"><img src="cid:page@x">',
      attachments: [{ filename: 'pic.svg', content: svg, cid: 'pic@x', contentType: 'image/svg+xml' }, { filename: 'p.html', content: '<p>x</p>', cid: 'page@x', contentType: 'text/html' }],
    });
    const [message] = catcher.messages();
    expect(message!.attachments.map((a) => a.content_type)).toEqual(['image/svg+xml', 'text/html']);
    for (const cid of ['pic%40x', 'page%40x']) expect((await fetch(api(`/messages/${message!.id}/parts/${cid}`))).status).toBe(404);
    expect((await page(`/messages/${message!.id}/html`)).text).toContain('src="cid:pic@x"');
  });

  it('answers unknown messages and bodies with a 404 page', async () => {
    await send(catcher, { to: 'ana@example.com', subject: 'text only', text: 'plain' });
    const [message] = catcher.messages();
    expect(message!.html).toBeNull();
    for (const path of ['/messages/msg_nope', `/messages/${message!.id}/html`, '/messages/msg_nope/parts/x']) {
      const response = await page(path);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    }
  });

  it('"Delete all" empties the inbox and redirects back with a 303', async () => {
    await sendReceipt();
    const response = await fetch(api('/messages/delete-all'), {
      method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: catcher.httpUrl }, body: '',
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/');
    expect(catcher.messages()).toEqual([]);
  });

  it('refuses changes posted from another origin, and requests for a name other than 127.0.0.1 or localhost', async () => {
    await sendReceipt();
    const crossSite = await fetch(api('/messages/delete-all'), { method: 'POST', redirect: 'manual', headers: { origin: 'https://evil.example' } });
    expect(crossSite.status).toBe(403);
    expect(catcher.messages()).toHaveLength(1);

    // A DNS name rebound to 127.0.0.1 arrives with its own name in Host.
    const status = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const url = new URL(api('/api/messages'));
        request({ host: '127.0.0.1', port: url.port, path: url.pathname, headers: { host } }, (response) => {
          response.resume();
          resolve(response.statusCode!);
        }).once('error', reject).end();
      });
    expect(await status(`rebound.evil.example:${new URL(catcher.httpUrl).port}`)).toBe(403);
    expect(await status(`localhost:${new URL(catcher.httpUrl).port}`)).toBe(200);
  });
});
