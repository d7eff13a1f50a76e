import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/ports.ts';
import { startServiceProcess } from '../support/process.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const start = startServiceProcess;

describe('the service process', { timeout: 120_000 }, () => {
  it('starts on PGlite with the seeded demo, prints its URLs once, serves /demo, and shuts down cleanly on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'langgan-main-'));
    dirs.push(dataDir);
    const port = await freePort();
    const simulatorPort = await freePort();
    const metricsPort = await freePort();
    const app = start({ PORT: String(port), DATA_DIR: dataDir, MIDTRANS_SIMULATOR_PORT: String(simulatorPort), METRICS_PORT: String(metricsPort) });
    await app.ready(/Langgan is running/);
    const out = app.output();
    expect(out).toContain(`http://localhost:${port}/docs`);
    expect(out).toContain(`http://localhost:${port}/demo`);
    expect(out).toMatch(/ADMIN_API_KEY:\s+adm_[A-Za-z0-9_-]{32}\n/);
    expect(statSync(join(dataDir, 'dev-secrets.json')).mode & 0o777).toBe(0o600);
    const secret = /Demo client_secret:\s+(lgs_\S+)/.exec(out)![1]!;
    // The printed secret is the real one...
    const plans = await fetch(`http://127.0.0.1:${port}/api/platform/plans`, {
      headers: { authorization: `Basic ${Buffer.from(`cli_demo:${secret}`).toString('base64')}` },
    });
    expect(plans.status).toBe(200);
    expect(((await plans.json()) as { data: { code: string; price: number }[] }).data.map((p) => [p.code, p.price])).toEqual([
      ['free', 0],
      ['pro', 150000],
      ['business', 450000],
    ]);
    // ...and the demo app's "Manage billing" does the server-to-server call and redirects.
    const billing = await fetch(`http://127.0.0.1:${port}/demo/billing`, { redirect: 'manual' });
    expect(billing.status).toBe(303);
    expect(billing.headers.get('location')).toMatch(
      new RegExp(`^http://localhost:${port}/portal\\?session=[A-Za-z0-9_-]{43}&redirect_uri=`),
    );
    expect(app.output()).not.toContain('session=');  // portal tokens never reach the logs

    // The demo owner signs in to the dashboard with the banner's email and password.
    const [, email, password] = /Demo owner:\s+(\S+) \/ (\S+)/.exec(out)!;
    const signIn = await fetch(`http://127.0.0.1:${port}/dashboard/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: `http://localhost:${port}`, 'sec-fetch-site': 'same-origin' },
      body: new URLSearchParams({ email: email!, password: password!, next: '/dashboard' }).toString(),
    });
    expect(signIn.status).toBe(303);
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const projects = await fetch(`http://127.0.0.1:${port}/dashboard`, { headers: { cookie } });
    expect(await projects.text()).toContain('Acme Notes (demo)');
    // METRICS_PORT: /metrics on its own loopback listener, with process metrics; not on the main one.
    const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(text).toContain('langgan_process_cpu_seconds_total');
    expect(text).toContain('langgan_http_request_duration_seconds_bucket{');
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);

    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
    expect(app.output()).toMatch(/shutting down/);
  });

  it('keeps the demo project, its client secret, the admin key and the owner across restarts on the same DATA_DIR', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'langgan-main-'));
    dirs.push(dataDir);
    const secrets: string[] = [];
    const adminKeys: string[] = [];
    const owners: string[] = [];
    for (let run = 0; run < 2; run++) {
      const port = await freePort();
      const app = start({ PORT: String(port), DATA_DIR: dataDir, MIDTRANS_SIMULATOR_PORT: String(await freePort()) });
      await app.ready(/Langgan is running/);
      secrets.push(/Demo client_secret:\s+(lgs_\S+)/.exec(app.output())![1]!);
      adminKeys.push(/ADMIN_API_KEY:\s+(adm_\S+)/.exec(app.output())![1]!);
      owners.push(/Demo owner:\s+(.+)/.exec(app.output())![1]!);
      const plans = await fetch(`http://127.0.0.1:${port}/api/platform/plans`, {
        headers: { authorization: `Basic ${Buffer.from(`cli_demo:${secrets[run]}`).toString('base64')}` },
      });
      expect(((await plans.json()) as { data: unknown[] }).data).toHaveLength(3);
      app.child.kill('SIGTERM');
      expect(await app.exited).toBe(0);
    }
    expect(secrets[1]).toBe(secrets[0]);
    expect(adminKeys[1]).toBe(adminKeys[0]);
    expect(owners[1]).toBe(owners[0]);
  });

  it('binds the Midtrans simulator to 127.0.0.1 only, even with HOST=0.0.0.0', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'langgan-main-'));
    dirs.push(dataDir);
    const port = await freePort();
    const simulatorPort = await freePort();
    const app = start({ PORT: String(port), HOST: '0.0.0.0', DATA_DIR: dataDir, MIDTRANS_SIMULATOR_PORT: String(simulatorPort) });
    await app.ready(/Langgan is running/);
    // The kernel's own table of listening sockets (state 0A), local address as hex.
    const listening = (wanted: number) =>
      ['/proc/net/tcp', '/proc/net/tcp6']
        .flatMap((file) => readFileSync(file, 'utf8').trim().split('\n').slice(1))
        .map((line) => line.trim().split(/\s+/))
        .filter((f) => f[3] === '0A' && parseInt(f[1]!.split(':')[1]!, 16) === wanted)
        .map((f) => f[1]!.split(':')[0]!);
    expect(listening(simulatorPort)).toEqual(['0100007F']);
    expect(listening(port).some((address) => /^0+$/.test(address))).toBe(true); // HOST is honoured for the service itself
    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
  });

  it('refuses to start on a bad variable, naming it', async () => {
    const app = start({ PORT: 'abc' });
    expect(await app.exited).toBe(1);
    expect(app.output()).toContain('Configuration error: PORT must be a whole number, got "abc"');
  });

  it('refuses to start in production without ADMIN_API_KEY', async () => {
    const app = start({ NODE_ENV: 'production', DATABASE_URL: 'postgres://127.0.0.1:1/none' });
    expect(await app.exited).toBe(1);
    expect(app.output()).toContain('ADMIN_API_KEY is required when NODE_ENV=production');
  });

  it('refuses to start in production without MIDTRANS_SERVER_KEY instead of starting the simulator', async () => {
    const app = start({ NODE_ENV: 'production', ADMIN_API_KEY: 'adm_prod_0123456789abcdefghijklmn', DATABASE_URL: 'postgres://127.0.0.1:1/none' });
    expect(await app.exited).toBe(1);
    expect(app.output()).toContain('Configuration error: MIDTRANS_SERVER_KEY is required when NODE_ENV=production');
    expect(app.output()).not.toContain('simulator on');
  });
});
