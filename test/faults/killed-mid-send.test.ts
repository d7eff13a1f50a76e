import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, expect, it } from 'vitest';
import { startMailCatcher } from '../../src/mail-catcher/index.ts';
import { freePort } from '../support/ports.ts';
import { startServiceProcess, type ServiceProcess } from '../support/process.ts';

/**
 * An instance killed (SIGKILL) while an SMTP server holds its email does not lose it: the
 * claim's lease runs out and the next instance sends it, with the same Message-ID. Real
 * processes (`npm start`'s command), one data directory, a real SMTP server that swallows
 * the message without answering, and the mail catcher.
 */
const dirs: string[] = [];
const processes: ServiceProcess[] = [];
afterAll(async () => {
  for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

it('the code email a killed instance was sending goes out from the next one after the lease', { timeout: 180_000 }, async () => {
  // An SMTP server that takes the whole message and never answers: the sender is mid-send.
  let swallowed = '';
  const hanging = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream) {
      stream.on('data', (chunk: Buffer) => (swallowed += chunk.toString()));
      // No callback: the final "250 OK" never comes.
    },
  });
  await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
  const catcher = await startMailCatcher({ smtpPort: 0, httpPort: 0 });
  const dataDir = mkdtempSync(join(tmpdir(), 'langgan-killed-'));
  dirs.push(dataDir);
  const port = await freePort();
  const env = (smtpUrl: string) => ({
    PORT: String(port),
    DATA_DIR: dataDir,
    MIDTRANS_SIMULATOR_PORT: '0',
    SMTP_URL: smtpUrl,
    SCHEDULER_INTERVAL_SECONDS: '1',
    EMAIL_LEASE_SECONDS: '3',
  });
  try {
    const first = startServiceProcess(env(`smtp://127.0.0.1:${(hanging.server.address() as AddressInfo).port}`));
    processes.push(first);
    await first.ready(/Langgan is running/);
    // The demo project's hosted login page; Ana's code is queued and sent at once.
    const asked = await fetch(`http://127.0.0.1:${port}/portal/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: `http://localhost:${port}`, 'sec-fetch-site': 'same-origin' },
      body: new URLSearchParams({ project: 'acme-notes', email: 'ana@example.com', lang: 'en' }).toString(),
    });
    expect(asked.status).toBe(200);
    for (let i = 0; i < 200 && !/\r\n\.\r\n$|X-Langgan-Email-Id/.test(swallowed); i++) await new Promise((r) => setTimeout(r, 50));
    const messageId = /Message-ID: (<eml_[^>]+>)/i.exec(swallowed)?.[1];
    expect(messageId, swallowed.slice(0, 500)).toBeDefined();
    first.child.kill('SIGKILL');
    await first.exited;

    // The next instance, with a working SMTP server: after the 3-second lease, the email goes.
    const second = startServiceProcess(env(catcher.smtpUrl));
    processes.push(second);
    await second.ready(/Langgan is running/);
    const delivered = await catcher.waitFor((m) => m.to.includes('ana@example.com'), 30_000);
    expect(delivered.message_id).toBe(messageId);
    expect(delivered.subject).toBe('Your sign-in code for Acme Notes (demo)');
    await second.stop();
  } finally {
    await catcher.close();
    await new Promise<void>((resolve) => hanging.close(() => resolve()));
  }
});
