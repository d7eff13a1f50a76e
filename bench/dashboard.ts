import { request } from 'node:http';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { migrate, openDatabase } from '../src/db/database.ts';
import { keepLedgerQuiet, LEDGER_PROJECT, ledgerCounts, seedLedger, type LedgerCounts } from './ledger.ts';
import { startService, type Service } from './server.ts';
import { BenchDatabase } from './storage.ts';

/**
 * The dashboard at scale: the real service (NODE_ENV=production) on a PostgreSQL database
 * holding 100,000 customers and about 1,000,000 payments (bench/ledger.ts), a signed-in
 * owner, and each page the goal names requested one after another — the time from sending
 * the request to the last byte of the HTML, over loopback. That is the server's time plus
 * a loopback round trip, so an upper bound of "server time". See docs/benchmarks.md.
 */
export const DASHBOARD_GOAL_MS = 50;

export interface DashboardOptions {
  repoRoot: string;
  adminUrl: string;
  customers: number;
  runs: number;
  /** Drop the kept database and seed again even when it holds a fresh ledger. */
  reseed: boolean;
  /** Extra node flags for the service (BENCH_SERVICE_NODE_ARGS). */
  nodeArgs: string[];
}

export interface PageTiming {
  label: string;
  path: string;
  bytes: number;
  runs: number;
  p50: number;
  p95: number;
  max: number;
}

export interface DashboardReport {
  database: string;
  counts: LedgerCounts;
  /** Seconds the seed took; null when a kept ledger was reused. */
  seedSeconds: number | null;
  /** The overview's first view with no month end remembered (mrr_checkpoints emptied). */
  coldOverviewMs: number;
  pages: PageTiming[];
}

const DATABASE = 'langgan_dashboard_bench';
/** A kept ledger older than this is seeded again, so "the last 30 days" still hold a month of payments. */
const FRESH_FOR_MS = 6 * 60 * 60 * 1000;

export async function benchDashboard(options: DashboardOptions, cleanups: Array<() => Promise<unknown>>): Promise<DashboardReport> {
  const now = new Date();
  let database = await BenchDatabase.kept(options.adminUrl, DATABASE, { fresh: options.reseed });
  let handle = await openDatabase({ url: database.url, poolSize: 2, timeouts: { statementMs: 0 } });
  await migrate(handle.db);
  let counts = await ledgerCounts(handle.db, now);
  let seedSeconds: number | null = null;
  const fresh = counts.seededAt && now.getTime() - counts.seededAt.getTime() < FRESH_FOR_MS && counts.customers === options.customers;
  if (!fresh) {
    await handle.close();
    database = await BenchDatabase.kept(options.adminUrl, DATABASE, { fresh: true });
    handle = await openDatabase({ url: database.url, poolSize: 2, timeouts: { statementMs: 0 } });
    await migrate(handle.db);
    console.log(`[dashboard] seeding ${options.customers.toLocaleString('en-US')} customers and their payments into ${DATABASE}…`);
    seedSeconds = await seedLedger(handle.db, { customers: options.customers, now });
    counts = await ledgerCounts(handle.db, now);
  }
  await keepLedgerQuiet(handle.db, now);
  console.log(`[dashboard] ${DATABASE}: ${counts.customers.toLocaleString('en-US')} customers, ${counts.payments.toLocaleString('en-US')} payments` + (seedSeconds === null ? ' (kept from an earlier run)' : ` (seeded in ${seedSeconds.toFixed(0)} s)`));

  const service = await startService({ repoRoot: options.repoRoot, databaseUrl: database.url, nodeArgs: options.nodeArgs });
  cleanups.push(() => service.stop());
  try {
    const browser = await signedInOwner(service);
    const base = `/dashboard/projects/${LEDGER_PROJECT}`;

    await sql`delete from mrr_checkpoints where project_id = ${LEDGER_PROJECT}`.execute(handle.db);
    const cold = await browser.get(base);
    if (cold.status !== 200) throw new Error(`GET ${base} answered ${cold.status}`);

    // A page deep in the list: follow "Next" 20 times (each page a keyset step from the last).
    let deep = `${base}/customers`;
    for (let i = 0; i < 20; i++) deep = nextHref((await browser.get(deep)).text) ?? deep;
    const pages: Array<[string, string]> = [
      ['Overview', base],
      ['Customers, first page', `${base}/customers`],
      ['Customers, page 21 (keyset)', deep],
      ['Customers, status past due', `${base}/customers?status=past_due`],
      ['Customers, plan Business', `${base}/customers?plan=plan_lb_biz`],
      ['Customers, search "customer-4242"', `${base}/customers?q=customer-4242`],
      ['Customers, search by email "customer9"', `${base}/customers?q=customer9`],
      ['Payments, first page', `${base}/payments`],
    ];
    const timings: PageTiming[] = [];
    for (const [label, path] of pages) timings.push(await timePage(browser, label, path, options.runs));
    return { database: DATABASE, counts, seedSeconds, coldOverviewMs: cold.ms, pages: timings };
  } finally {
    await service.stop();
    await handle.close();
  }
}

async function timePage(browser: Browser, label: string, path: string, runs: number): Promise<PageTiming> {
  for (let i = 0; i < 3; i++) await browser.get(path); // warm-up: connections, plans, the session
  const ms: number[] = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const res = await browser.get(path);
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}`);
    ms.push(res.ms);
    bytes = res.bytes;
  }
  ms.sort((a, b) => a - b);
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]!;
  return { label, path, bytes, runs, p50: at(0.5), p95: at(0.95), max: ms.at(-1)! };
}

/** The list's "Next" link, as the page renders it. */
function nextHref(html: string): string | undefined {
  const match = /href="([^"]*\/customers\?[^"]*after=[^"]*)"/.exec(html);
  return match?.[1]?.replace(/&amp;/g, '&');
}

interface Answer {
  status: number;
  text: string;
  bytes: number;
  ms: number;
}

/** A cookie-carrying client over one kept-alive loopback connection, as a browser tab. */
class Browser {
  private cookies = new Map<string, string>();

  constructor(readonly baseUrl: string) {}

  get(path: string): Promise<Answer> {
    return this.send('GET', path);
  }

  postForm(path: string, form: Record<string, string>): Promise<Answer> {
    const body = new URLSearchParams(form).toString();
    return this.send('POST', path, body, { 'content-type': 'application/x-www-form-urlencoded', origin: this.baseUrl, 'sec-fetch-site': 'same-origin' });
  }

  private send(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Answer> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const t0 = performance.now();
    return new Promise((resolve, reject) => {
      const req = request(this.baseUrl + path, { method, headers: { ...headers, ...(cookie && { cookie }) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const ms = performance.now() - t0;
          for (const line of res.headers['set-cookie'] ?? []) {
            const [pair] = line.split(';');
            const eq = pair!.indexOf('=');
            this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1));
          }
          const buffer = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, text: buffer.toString('utf8'), bytes: buffer.length, ms });
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  }
}

/** A new owner of the bench project, through the admin API, signed in through the login form. */
async function signedInOwner(service: Service): Promise<Browser> {
  const email = `owner-${randomBytes(4).toString('hex')}@bench.example.com`;
  const password = randomBytes(18).toString('base64url');
  const admin = async (path: string, body: unknown) => {
    const res = await fetch(`${service.baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${service.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`POST ${path} answered ${res.status}: ${await res.text()}`);
  };
  await admin('/api/admin/users', { email, name: 'Bench owner', password });
  await admin(`/api/admin/projects/${LEDGER_PROJECT}/members`, { email, role: 'owner' });
  const browser = new Browser(service.baseUrl);
  const login = await browser.postForm('/dashboard/login', { email, password, next: '/dashboard' });
  if (login.status !== 303) throw new Error(`signing in answered ${login.status}: ${login.text.slice(0, 300)}`);
  return browser;
}
