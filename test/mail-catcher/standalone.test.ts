import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { mailCatcherConfigFromEnv } from '../../src/mail-catcher/index.ts';
import { send } from './support.ts';

describe('mailCatcherConfigFromEnv', () => {
  it('defaults to SMTP 3002 and inbox 3003, and reads both variables', () => {
    expect(mailCatcherConfigFromEnv({})).toEqual({ smtpPort: 3002, httpPort: 3003 });
    expect(mailCatcherConfigFromEnv({ MAIL_CATCHER_PORT: '2525', MAIL_CATCHER_HTTP_PORT: '0' })).toEqual({ smtpPort: 2525, httpPort: 0 });
  });

  it.each(['smtp', '70000', '-1', '1.5'])('rejects MAIL_CATCHER_PORT=%s', (value) => {
    expect(() => mailCatcherConfigFromEnv({ MAIL_CATCHER_PORT: value })).toThrow(/MAIL_CATCHER_PORT/);
  });
});

describe('main.ts', () => {
  it('starts both servers, prints their URLs and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/mail-catcher/main.ts'], {
      env: { ...process.env, MAIL_CATCHER_PORT: '0', MAIL_CATCHER_HTTP_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const [smtpUrl, httpUrl] = await new Promise<[string, string]>((resolve, reject) => {
        let output = '';
        const timer = setTimeout(() => reject(new Error(`no start line in: ${output}`)), 20_000);
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /SMTP (smtp:\/\/127\.0\.0\.1:\d+), inbox (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
          if (match) {
            clearTimeout(timer);
            resolve([match[1]!, match[2]!]);
          }
        });
        void exited.then((code) => reject(new Error(`exited with ${String(code)}: ${output}`)));
      });
      const smtpPort = Number(new URL(smtpUrl).port);
      await send({ smtpPort }, { to: 'ana@example.com', subject: 'standalone', text: 'x' });
      const messages = (await (await fetch(`${httpUrl}/api/messages`)).json()) as Array<{ subject: string }>;
      expect(messages.map((m) => m.subject)).toEqual(['standalone']);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
