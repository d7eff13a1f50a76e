import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { defaultSimulatorServerKey, simulatorConfigFromEnv } from '../../src/midtrans-simulator/index.ts';

describe('simulatorConfigFromEnv', () => {
  it('has documented defaults', () => {
    expect(simulatorConfigFromEnv({})).toEqual({
      port: 3001,
      host: '127.0.0.1',
      serverKey: 'SB-Mid-server-langgan-simulator',
      publicUrl: 'http://localhost:3001',
      logger: true,
    });
    expect(defaultSimulatorServerKey).toBe('SB-Mid-server-langgan-simulator');
  });

  it('reads every variable', () => {
    expect(simulatorConfigFromEnv({
      MIDTRANS_SIMULATOR_PORT: '4010',
      MIDTRANS_SIMULATOR_HOST: '0.0.0.0',
      MIDTRANS_SIMULATOR_SERVER_KEY: 'SB-Mid-server-x',
      MIDTRANS_SIMULATOR_NOTIFICATION_URL: 'http://app:3000/webhooks/midtrans',
      MIDTRANS_SIMULATOR_PUBLIC_URL: 'http://sim.localhost:4010',
      MIDTRANS_SIMULATOR_RETRY_INTERVALS_MS: '10, 20,30',
      MIDTRANS_SIMULATOR_MERCHANT_ID: 'G123',
    })).toEqual({
      port: 4010,
      host: '0.0.0.0',
      serverKey: 'SB-Mid-server-x',
      notificationUrl: 'http://app:3000/webhooks/midtrans',
      publicUrl: 'http://sim.localhost:4010',
      retryIntervalsMs: [10, 20, 30],
      merchantId: 'G123',
      logger: true,
    });
  });

  it.each([
    [{ MIDTRANS_SIMULATOR_PORT: 'http' }, /PORT/],
    [{ MIDTRANS_SIMULATOR_PORT: '70000' }, /PORT/],
    [{ MIDTRANS_SIMULATOR_RETRY_INTERVALS_MS: '1,x' }, /RETRY_INTERVALS/],
  ])('rejects %j', (env, message) => {
    expect(() => simulatorConfigFromEnv(env)).toThrow(message);
  });
});

describe('main.ts', () => {
  it('starts a standalone simulator from the environment', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/midtrans-simulator/main.ts'], {
      env: { ...process.env, MIDTRANS_SIMULATOR_PORT: '0', MIDTRANS_SIMULATOR_SERVER_KEY: 'SB-Mid-server-standalone' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const coreUrl = await new Promise<string>((resolve, reject) => {
        let output = '';
        const timer = setTimeout(() => reject(new Error(`no start line in: ${output}`)), 20_000);
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /Core API (http:\/\/[^\s"]+)/.exec(output);
          if (match?.[1]) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        });
        child.once('exit', (code) => reject(new Error(`exited with ${String(code)}: ${output}`)));
      });
      const denied = await fetch(`${coreUrl}/v2/x/status`);
      expect(denied.status).toBe(401);
      const allowed = await fetch(`${coreUrl}/v2/x/status`, { headers: { authorization: `Basic ${Buffer.from('SB-Mid-server-standalone:').toString('base64')}` } });
      expect(allowed.status).toBe(404);
      expect(JSON.stringify(await allowed.json())).not.toContain('SB-Mid-server-standalone');
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
