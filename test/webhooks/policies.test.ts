import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { isPublicAddress, urlProblem } from '../../src/modules/webhooks/address-policy.ts';
import { nextAttemptAt, retryCeilingMs, RETRY_CAP_MS } from '../../src/modules/webhooks/retry-policy.ts';
import { guardedLookup, send, type Resolver } from '../../src/modules/webhooks/sender.ts';
import { newSigningSecret, sign, signatureHeader } from '../../src/modules/webhooks/signing.ts';

describe('isPublicAddress', () => {
  const refused = [
    // IPv4: unspecified, loopback, private, CGNAT, link-local (metadata), test nets, multicast, broadcast
    '0.0.0.0', '0.1.2.3', '127.0.0.1', '127.255.255.254', '10.0.0.1', '10.255.255.255', '172.16.0.1', '172.31.255.255',
    '192.168.0.1', '192.168.255.255', '169.254.169.254', '169.254.0.1', '100.64.0.1', '100.127.255.255', '192.0.0.8',
    '192.0.2.1', '198.18.0.1', '198.19.255.255', '198.51.100.7', '203.0.113.9', '224.0.0.1', '239.255.255.250',
    '240.0.0.1', '255.255.255.255',
    // IPv6: unspecified, loopback, unique local, link-local, site-local, multicast, documentation, Teredo
    '::', '::1', 'fc00::1', 'fd12:3456:789a::1', 'fe80::1', 'fe80::1%eth0', 'febf::1', 'fec0::1', 'ff02::1', '2001:db8::1',
    '2001::1', '100::1', '64:ff9b:1::1', '3fff::1',
    // IPv4 carried inside IPv6: mapped (both spellings), compatible, NAT64, 6to4
    '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', '::ffff:169.254.169.254', '::ffff:0:0', '::127.0.0.1',
    '64:ff9b::10.0.0.1', '64:ff9b::a9fe:a9fe', '2002:7f00:1::1', '2002:c0a8:101::1',
    // not addresses at all
    'localhost', '', '1.2.3', 'example.com',
  ];
  const allowed = [
    '1.1.1.1', '8.8.8.8', '93.184.216.34', '172.15.255.255', '172.32.0.1', '100.63.255.255', '100.128.0.1', '169.253.0.1',
    '192.167.1.1', '198.17.255.255', '223.255.255.255', '11.0.0.1',
    '2606:4700:4700::1111', '2a00:1450:4001:80b::200e', '2001:4860:4860::8888', '::ffff:8.8.8.8', '64:ff9b::808:808',
    '2002:808:808::1',
  ];

  it.each(refused)('refuses %s', (address) => expect(isPublicAddress(address)).toBe(false));
  it.each(allowed)('allows %s', (address) => expect(isPublicAddress(address)).toBe(true));
});

describe('urlProblem (endpoint URLs)', () => {
  it('wants an absolute https URL outside development mode', () => {
    expect(urlProblem('https://hooks.example.com/langgan', false)).toBeUndefined();
    expect(urlProblem('https://8.8.8.8:8443/x?y=1', false)).toBeUndefined();
    expect(urlProblem('http://hooks.example.com/langgan', false)).toMatch(/https.*development mode/);
    expect(urlProblem('ftp://hooks.example.com/', false)).toMatch(/https/);
    expect(urlProblem('/relative', false)).toBe('must be an absolute https URL');
    expect(urlProblem('https://user:pw@hooks.example.com/', false)).toMatch(/user name or password/);
    expect(urlProblem('https://hooks.example.com/#frag', false)).toMatch(/fragment/);
  });

  it('refuses private, loopback and link-local literals and localhost outside development mode', () => {
    for (const url of [
      'https://127.0.0.1/',
      'https://2130706433/', // 127.0.0.1 spelled as one number: URL parsing normalises it
      'https://0x7f.1/',
      'https://10.1.2.3/',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/',
      'https://[::ffff:127.0.0.1]/',
      'https://[fd00::1]/',
      'https://[fe80::1]/',
      'https://0.0.0.0/',
      'https://localhost/',
      'https://LOCALHOST./',
      'https://api.localhost/',
    ]) {
      expect(urlProblem(url, false), url).toMatch(/development mode/);
    }
  });

  it('allows http and private addresses in development mode', () => {
    expect(urlProblem('http://127.0.0.1:4000/hooks', true)).toBeUndefined();
    expect(urlProblem('http://localhost:4000/hooks', true)).toBeUndefined();
    expect(urlProblem('https://[::1]:4000/', true)).toBeUndefined();
    expect(urlProblem('ftp://127.0.0.1/', true)).toMatch(/https/);
  });
});

describe('guardedLookup (delivery-time DNS check)', () => {
  const resolverOf =
    (addresses: Array<[string, 4 | 6]>): Resolver =>
    async () =>
      addresses.map(([address, family]) => ({ address, family }));

  function lookup(resolver: Resolver, allowPrivate: boolean, options: { all?: boolean; family?: number } = { all: true }) {
    return new Promise<{ err: Error | null; result: unknown }>((resolve) => {
      guardedLookup(resolver, allowPrivate)('hooks.example.test', options as never, ((err: Error | null, result: unknown) =>
        resolve({ err, result })) as never);
    });
  }

  it('refuses a name when any one of its addresses is not public (every address is checked)', async () => {
    for (const answer of [
      [['127.0.0.1', 4]],
      [['10.0.0.7', 4]],
      [['::1', 6]],
      [['::ffff:169.254.169.254', 6]],
      [['93.184.216.34', 4], ['192.168.1.1', 4]],
      [['2606:4700::1', 6], ['fd00::1', 6]],
    ] as Array<Array<[string, 4 | 6]>>) {
      const { err } = await lookup(resolverOf(answer), false);
      expect(err?.message, JSON.stringify(answer)).toMatch(/^refused: hooks\.example\.test resolves to .* not a public address/);
    }
  });

  it('passes public answers through, and private ones in development mode', async () => {
    const ok = await lookup(resolverOf([['93.184.216.34', 4], ['2606:4700::1', 6]]), false);
    expect(ok.err).toBeNull();
    expect(ok.result).toEqual([{ address: '93.184.216.34', family: 4 }, { address: '2606:4700::1', family: 6 }]);
    const dev = await lookup(resolverOf([['127.0.0.1', 4]]), true, { family: 4 });
    expect(dev.err).toBeNull();
    expect(dev.result).toBe('127.0.0.1');
  });

  it('refuses an IP-literal URL before connecting, and a name through the lookup', async () => {
    const literal = await send({ url: 'https://[::1]:9/', headers: {}, body: '{}', timeoutMs: 1000, allowPrivate: false });
    expect(literal).toMatchObject({ statusCode: null, error: expect.stringMatching(/refused: ::1 is not a public address/) });
    const named = await send({
      url: 'https://hooks.example.test:9/',
      headers: {},
      body: '{}',
      timeoutMs: 1000,
      allowPrivate: false,
      resolve: resolverOf([['127.0.0.1', 4]]),
    });
    expect(named).toMatchObject({ statusCode: null, error: expect.stringMatching(/refused: hooks\.example\.test resolves to 127\.0\.0\.1/) });
  });
});

describe('signing (Standard Webhooks)', () => {
  it('makes whsec_ secrets of 32 random bytes', () => {
    const secret = newSigningSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(newSigningSecret()).not.toBe(secret);
  });

  it('produces signatures the standardwebhooks library verifies, one per secret', () => {
    const [a, b] = [newSigningSecret(), newSigningSecret()];
    const body = JSON.stringify({ id: 'evt_x', type: 'subscription.updated', data: { n: 'Rp150.000 ✓' } });
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = { 'webhook-id': 'evt_x', 'webhook-timestamp': String(timestamp), 'webhook-signature': signatureHeader([a, b], 'evt_x', timestamp, body) };
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(a).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(b).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(newSigningSecret()).verify(body, headers)).toThrow(/No matching signature/);
    expect(() => new Webhook(a).verify(body.replace('150', '151'), headers)).toThrow(/No matching signature/);
    expect(sign(a, 'evt_x', timestamp, body)).toBe(new Webhook(a).sign('evt_x', new Date(timestamp * 1000), body));
  });
});

describe('retry schedule', () => {
  const start = new Date('2026-01-01T00:00:00Z');
  const DAY = 24 * 3_600_000;

  it('doubles the ceiling from one minute up to four hours', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 30].map((n) => retryCeilingMs(n) / 60_000)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 240, 240, 240]);
  });

  it('draws every delay at random between one second and the ceiling (full jitter)', () => {
    const now = new Date(start.getTime() + 3_600_000);
    expect(nextAttemptAt(now, start, 3, DAY, () => 0)!.getTime() - now.getTime()).toBe(1000);
    expect(nextAttemptAt(now, start, 3, DAY, () => 0.5)!.getTime() - now.getTime()).toBe(2 * 60_000);
    expect(nextAttemptAt(now, start, 3, DAY, () => 0.999999)!.getTime() - now.getTime()).toBeLessThanOrEqual(4 * 60_000);
    const delays = Array.from({ length: 200 }, () => nextAttemptAt(now, start, 12, DAY)!.getTime() - now.getTime());
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(1000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(RETRY_CAP_MS);
    expect(new Set(delays).size).toBeGreaterThan(150);
  });

  it('keeps retrying until the window is over, the last retry at its very end, then gives up', () => {
    const nearEnd = new Date(start.getTime() + DAY - 60_000);
    expect(nextAttemptAt(nearEnd, start, 15, DAY, () => 0.9)!.getTime()).toBe(start.getTime() + DAY);
    expect(nextAttemptAt(new Date(start.getTime() + DAY), start, 16, DAY)).toBeNull();
    // Simulated: however the dice fall, retries span at least the whole window.
    for (const random of [() => 0.999, () => 0.5, Math.random]) {
      let now = start;
      let attempts = 1;
      for (;;) {
        const next = nextAttemptAt(now, start, attempts, DAY, random);
        if (!next) break;
        now = next;
        attempts += 1;
      }
      expect(now.getTime() - start.getTime()).toBeGreaterThanOrEqual(DAY);
    }
  });
});
