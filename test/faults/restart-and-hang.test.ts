import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ThrowawayCluster, pgBinDir } from '../support/cluster.ts';
import { onPostgres } from '../support/database.ts';
import { freePort } from '../support/ports.ts';
import { startServiceProcess, type ServiceProcess } from '../support/process.ts';
import { expectOnlyCleanOutcomes, FAULT_ENV, readyStatus, REQUEST_BOUND_MS, startLoad, waitFor } from './support.ts';

// Needs PostgreSQL's server binaries to run a cluster of its own; CI's PostgreSQL run has them.
const canRun = onPostgres && pgBinDir !== undefined;

let cluster: ThrowawayCluster;
let service: ServiceProcess;
let base: string;
let creds: { clientId: string; clientSecret: string };
let frozen: number[] = [];

beforeAll(async () => {
  if (!canRun) return;
  cluster = new ThrowawayCluster(await freePort());
  cluster.init();
  cluster.start();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  service = startServiceProcess({ ...FAULT_ENV, PORT: String(port), DATABASE_URL: cluster.url, MIDTRANS_SIMULATOR_PORT: String(await freePort()) });
  await service.ready(/Langgan is running/);
  creds = { clientId: 'cli_demo', clientSecret: /Demo client_secret:\s+(lgs_\S+)/.exec(service.output())![1]! };
}, 120_000);

afterAll(async () => {
  if (frozen.length) cluster.thaw(frozen);
  await service?.stop();
  cluster?.destroy();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the database server restarts or hangs', { timeout: 120_000 }, () => {
  it.runIf(canRun)('a hung server (SIGSTOP): /readyz answers 503 within ~2 s, API calls fail fast with 503, all recovers on SIGCONT', async () => {
    expect(await readyStatus(base)).toBe(200);
    const load = startLoad(base, creds);
    let recoveredMs: number;
    try {
      await sleep(500);
      frozen = cluster.freeze();
      const hungAt = Date.now();
      await sleep(4000);  // the requests in flight now sit on a silent server
      const probeStarted = Date.now();
      const status = await readyStatus(base, 10_000);
      const probeMs = Date.now() - probeStarted;
      expect(status).toBe(503);
      expect(probeMs).toBeLessThan(3000);
      await sleep(2000);
      cluster.thaw(frozen);
      frozen = [];
      const thawedAt = Date.now();
      recoveredMs = await waitFor(async () => (await readyStatus(base)) === 200, 20_000, '/readyz 200 after SIGCONT');
      await waitFor(async () => {
        const before = load.outcomes.length;
        await sleep(300);
        return load.outcomes.slice(before).some((o) => o.kind === 'api' && o.status === 200);
      }, 10_000, 'a portal session minted after SIGCONT');
      console.log(`hung ${thawedAt - hungAt} ms: /readyz 503 in ${probeMs} ms while hung; /readyz 200 again ${recoveredMs} ms after SIGCONT`);
    } finally {
      await load.stop();
    }
    expect(service.child.exitCode, service.output()).toBeNull();
    const outcomes = load.outcomes;
    expectOnlyCleanOutcomes(outcomes);
    const unavailable = outcomes.filter((o) => o.status === 503);
    expect(unavailable.length).toBeGreaterThan(0);
    console.log(`hang: ${outcomes.length} requests, ${unavailable.length} got 503, slowest ${Math.max(...outcomes.map((o) => o.ms))} ms (bound ${REQUEST_BOUND_MS})`);
  });

  it.runIf(canRun)('a restart (pg_ctl stop -m fast, then start): 503 database_unavailable while down, serving again seconds after it is back', async () => {
    await waitFor(async () => (await readyStatus(base)) === 200, 20_000, '/readyz 200 before the restart');
    const load = startLoad(base, creds);
    let recoveredMs: number;
    let markDown = 0;
    try {
      await sleep(500);
      cluster.stop('fast');
      await sleep(2500);
      markDown = load.outcomes.length;
      expect(await readyStatus(base)).toBe(503);
      cluster.start();
      const upAt = Date.now();
      recoveredMs = await waitFor(async () => (await readyStatus(base)) === 200, 20_000, '/readyz 200 after the restart');
      await waitFor(async () => {
        const before = load.outcomes.length;
        await sleep(300);
        return load.outcomes.slice(before).some((o) => o.kind === 'api' && o.status === 200);
      }, 10_000, 'a portal session minted after the restart');
      console.log(`restart: /readyz 200 again ${recoveredMs} ms after the server was back, writes ${Date.now() - upAt} ms after`);
    } finally {
      await load.stop();
    }
    expect(service.child.exitCode, service.output()).toBeNull();
    const outcomes = load.outcomes;
    expectOnlyCleanOutcomes(outcomes);
    expect(outcomes.slice(0, markDown).filter((o) => o.status === 503).length).toBeGreaterThan(0);
    // The scheduler kept its loop: its failed runs were logged, and the process is still up.
    expect(service.output()).toMatch(/scheduled job failed/);
    console.log(`restart: ${outcomes.length} requests, ${outcomes.filter((o) => o.status === 503).length} got 503`);
  });
});
