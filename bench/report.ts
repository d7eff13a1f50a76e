import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { DASHBOARD_GOAL_MS, type DashboardReport } from './dashboard.ts';
import type { LoadResult } from './load.ts';
import type { RowCounts } from './storage.ts';

/** The goals from the brief, checked on PostgreSQL only. */
export const GOALS = { minSessionsToHealthzRatio: 0.3, maxSessionP99Ms: 20 } as const;

export interface BackendReport {
  backend: 'postgres' | 'pglite';
  poolSize: string;
  healthz: LoadResult;
  sessions: LoadResult;
  /** 2xx answers to POST /portal/sessions in warm-up + measured phases. */
  sessionsOk: number;
  /** Requests handed to autocannon's connections (the last ones may be unanswered when it stops). */
  sessionsSent: number;
  /** end_user_id values used (warm-up pool + measured pool). */
  endUserIds: number;
  rows: RowCounts;
  /** PostgreSQL only: transactions committed in the bench database over the service's life. */
  transactions?: number;
  loadBefore: number;
  loadAfter: number;
}

export function machineFacts(repoRoot: string, postgres: string | undefined): Array<[string, string]> {
  const version = (pkg: string) => {
    try {
      return (JSON.parse(readFileSync(join(repoRoot, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      return '?';
    }
  };
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return '?';
    }
  };
  const dirty = git('status', '--porcelain', '--', 'src').length > 0;
  return [
    ['CPUs (nproc)', `${availableParallelism()} × ${cpus()[0]?.model.trim() ?? '?'}`],
    ['Memory', `${(totalmem() / 2 ** 30).toFixed(1)} GiB`],
    ['Kernel', release()],
    ['Node.js', process.version],
    ['PostgreSQL', postgres ?? 'not used'],
    ['PGlite', version('@electric-sql/pglite')],
    ['Fastify / autocannon', `${version('fastify')} / ${version('autocannon')}`],
    ['Code', `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' + uncommitted changes in src/' : ''}`],
    ['Load average at start', loadavg().map((n) => n.toFixed(2)).join(' ')],
  ];
}

export function printFacts(title: string, facts: Array<[string, string]>): void {
  console.log(`\n${title}`);
  const width = Math.max(...facts.map(([k]) => k.length));
  for (const [k, v] of facts) console.log(`  ${k.padEnd(width)}  ${v}`);
}

export function printTable(headers: string[], rows: string[][]): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    '| ' + cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ') + ' |';
  console.log(line(headers));
  console.log('|' + widths.map((w, i) => (i < 2 ? ':' + '-'.repeat(w + 1) : '-'.repeat(w + 1) + ':')).join('|') + '|');
  for (const row of rows) console.log(line(row));
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function printCpu(reports: BackendReport[]): void {
  const rows: string[][] = [];
  for (const r of reports) {
    for (const [endpoint, { cpu }] of [
      ['GET /healthz', r.healthz],
      ['POST /portal/sessions', r.sessions],
    ] as const) {
      if (!cpu) continue;
      const ms = (n: number | undefined) => (n === undefined ? '-' : n.toFixed(3));
      const otherCores = (cpu.otherMs * (endpoint === 'GET /healthz' ? r.healthz.rps : r.sessions.rps)) / 1000;
      rows.push([
        r.backend,
        endpoint,
        ms(cpu.serviceMs),
        ms(cpu.postgresMs),
        ms(cpu.loadGeneratorMs),
        `${ms(cpu.otherMs)} (${otherCores.toFixed(2)} cores)`,
        `${cpu.busyPercent.toFixed(0)}%`,
        `${cpu.iowaitPercent.toFixed(1)}%`,
      ]);
    }
  }
  if (!rows.length) return;
  console.log('\nCPU milliseconds per request (from /proc; "other" = PostgreSQL WAL writer, kernel, anything else running)\n');
  printTable(['backend', 'endpoint', 'service', 'postgres backends', 'autocannon', 'other', 'cores busy', 'iowait'], rows);
}

export function printResults(reports: BackendReport[], connections: number): void {
  console.log(`\nResults (${connections} connections)\n`);
  const rows: string[][] = [];
  for (const r of reports) {
    for (const [endpoint, result] of [
      ['GET /healthz', r.healthz],
      ['POST /api/platform/portal/sessions', r.sessions],
    ] as const) {
      rows.push([r.backend, endpoint, fmt(result.rps), fmt(result.p50), fmt(result.p99), fmt(result.ok), fmt(result.non2xx), fmt(result.errors)]);
    }
  }
  printTable(['backend', 'endpoint', 'req/s (avg)', 'p50 ms', 'p99 ms', '2xx', 'non-2xx', 'errors'], rows);
  printCpu(reports);

  for (const r of reports) {
    const ratio = r.sessions.rps / r.healthz.rps;
    console.log(`\n${r.backend} (DB_POOL_SIZE ${r.poolSize}; load average ${r.loadBefore.toFixed(2)} → ${r.loadAfter.toFixed(2)})`);
    console.log(`  sessions/healthz throughput: ${(ratio * 100).toFixed(1)}%`);
    if (r.backend === 'postgres') {
      const ratioOk = ratio >= GOALS.minSessionsToHealthzRatio;
      const p99Ok = r.sessions.p99 < GOALS.maxSessionP99Ms;
      console.log(`  goal: sessions ≥ ${GOALS.minSessionsToHealthzRatio * 100}% of healthz  → ${ratioOk ? 'MET' : 'NOT MET'}`);
      console.log(`  goal: sessions p99 < ${GOALS.maxSessionP99Ms} ms         → ${p99Ok ? 'MET' : 'NOT MET'} (${r.sessions.p99} ms)`);
    } else {
      console.log('  (no goal for PGlite: a single in-process WASM connection, meant for small installs)');
    }
    for (const [name, result] of [
      ['healthz', r.healthz],
      ['sessions', r.sessions],
    ] as const) {
      if (result.non2xx > 0 || result.errors > 0) {
        console.log(`  WARNING ${name}: ${result.non2xx} non-2xx, ${result.errors} errors (${result.timeouts} timeouts); status codes ${JSON.stringify(result.statusCodes)}`);
      }
    }
    const { rows: c } = r;
    const consistent = c.portal_tokens >= r.sessionsOk && c.portal_tokens <= r.sessionsSent;
    console.log(
      `  portal_tokens rows: ${fmt(c.portal_tokens)}; 2xx answers ${fmt(r.sessionsOk)}, requests sent ${fmt(r.sessionsSent)} (warm-up + measured): ` +
        (consistent ? 'consistent (the difference is requests in flight when autocannon stopped)' : 'INCONSISTENT'),
    );
    console.log(`  end_users ${fmt(c.end_users)} (ids used: ${fmt(r.endUserIds)}), subscriptions ${fmt(c.subscriptions)}, events ${fmt(c.events)}`);
    if (r.transactions !== undefined && c.portal_tokens > 0) {
      console.log(
        `  database transactions: ${fmt(r.transactions)} over the service's life = ${(r.transactions / c.portal_tokens).toFixed(3)} per stored token (includes migrations, /readyz and setup)`,
      );
    }
  }
}

/** The dashboard pages at 100,000 customers / 1,000,000 payments, against the goal. */
export function printDashboard(r: DashboardReport): void {
  const c = r.counts;
  console.log(
    `\nDashboard at scale (PostgreSQL ${r.database}: ${fmt(c.customers)} customers, ${fmt(c.payments)} payments, ` +
      `${fmt(c.paymentsLast30Days)} in the last 30 days, ${fmt(c.movements)} MRR movements; load average ${loadavg()[0]!.toFixed(2)})`,
  );
  console.log('Request sent to last byte over loopback, one at a time, signed in as an owner:\n');
  printTable(
    ['page', 'path', 'p50 ms', 'p95 ms', 'max ms', 'KiB'],
    r.pages.map((p) => [p.label, p.path.replace(/^\/dashboard\/projects\/[^/?]+/, '…'), p.p50.toFixed(1), p.p95.toFixed(1), p.max.toFixed(1), (p.bytes / 1024).toFixed(0)]),
  );
  console.log(`\n  overview, first view with no month end remembered: ${r.coldOverviewMs.toFixed(1)} ms`);
  const worst = Math.max(...r.pages.map((p) => p.p95));
  console.log(`  goal: every page p95 < ${DASHBOARD_GOAL_MS} ms → ${worst < DASHBOARD_GOAL_MS ? 'MET' : 'NOT MET'} (worst p95 ${worst.toFixed(1)} ms)`);
}
