import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/logger.ts';
import { Scheduler } from '../../src/scheduler/scheduler.ts';

describe('the scheduler while the database is away', () => {
  it('logs a failing run, keeps the other jobs and the loop going, and runs the job again on the next tick', async () => {
    const lines: { msg: string; job?: string; err?: { message: string } }[] = [];
    const logger = createLogger(
      { logLevel: 'warn' },
      new Writable({ write: (chunk, _, done) => (lines.push(JSON.parse(String(chunk))), done()) }),
    );
    let databaseUp = false;
    const runs: string[] = [];
    const scheduler = new Scheduler(
      [
        {
          name: 'period-ends',
          run: async () => {
            if (!databaseUp) throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
            runs.push('period-ends');
          },
        },
        { name: 'deliver-webhooks', run: async () => void runs.push('deliver-webhooks') },
      ],
      60_000,
      logger,
    );
    await scheduler.tick();
    await scheduler.tick();
    expect(runs).toEqual(['deliver-webhooks', 'deliver-webhooks']);
    expect(lines.filter((l) => l.msg === 'scheduled job failed').map((l) => [l.job, l.err?.message])).toEqual([
      ['period-ends', 'terminating connection due to administrator command'],
      ['period-ends', 'terminating connection due to administrator command'],
    ]);
    databaseUp = true;
    await scheduler.tick();
    expect(runs).toContain('period-ends');
    await scheduler.stop();
  });
});
