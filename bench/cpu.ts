import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Where the CPU went during a phase, from Linux /proc (undefined elsewhere): the service
 * process, the PostgreSQL backends serving it, this process (autocannon), and the rest
 * of the machine (PostgreSQL's WAL writer, the kernel, anything else running).
 * On a 2-core machine this says which of them is the bottleneck.
 */
export interface CpuShare {
  /** CPU milliseconds per completed request. */
  serviceMs: number;
  postgresMs: number | undefined;
  loadGeneratorMs: number;
  otherMs: number;
  /** Share of all cores that was busy, and that sat in iowait, during the phase. */
  busyPercent: number;
  iowaitPercent: number;
}

interface Snapshot {
  system: { busy: number; iowait: number; total: number };
  service: number;
  bench: number;
  postgres: Map<number, number>;
}

let tickMs: number | undefined;
function msPerTick(): number {
  if (tickMs === undefined) {
    let hz = 100;
    try {
      hz = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      // keep the Linux default
    }
    tickMs = 1000 / hz;
  }
  return tickMs;
}

/** utime + stime of a process in clock ticks (fields 14 and 15 of /proc/<pid>/stat). */
function processTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

function systemTicks(): Snapshot['system'] {
  const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]!
    .trim()
    .split(/\s+/)
    .slice(1, 9)
    .map(Number) as [number, number, number, number, number, number, number, number];
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, iowait, total: busy + idle + iowait };
}

export class CpuMeter {
  #start: Snapshot | undefined;

  /** postgresPids lists the backends serving the bench database (undefined for PGlite). */
  constructor(
    private readonly servicePid: number | undefined,
    private readonly postgresPids?: () => Promise<number[]>,
  ) {}

  static available(): boolean {
    try {
      readFileSync('/proc/stat');
      return true;
    } catch {
      return false;
    }
  }

  async start(): Promise<void> {
    this.#start = await this.#snapshot();
  }

  /** Per-request CPU since start(); `requests` is what the phase completed. */
  async stop(requests: number): Promise<CpuShare | undefined> {
    const start = this.#start;
    if (!start || requests <= 0) return undefined;
    const end = await this.#snapshot();
    const ms = msPerTick();
    const per = (ticks: number) => (ticks * ms) / requests;
    let postgres = 0;
    for (const [pid, ticks] of end.postgres) postgres += ticks - (start.postgres.get(pid) ?? 0);
    const busy = end.system.busy - start.system.busy;
    const total = end.system.total - start.system.total || 1;
    const service = end.service - start.service;
    const bench = end.bench - start.bench;
    return {
      serviceMs: per(service),
      postgresMs: this.postgresPids ? per(postgres) : undefined,
      loadGeneratorMs: per(bench),
      otherMs: per(Math.max(0, busy - service - bench - postgres)),
      busyPercent: (100 * busy) / total,
      iowaitPercent: (100 * (end.system.iowait - start.system.iowait)) / total,
    };
  }

  async #snapshot(): Promise<Snapshot> {
    const postgres = new Map<number, number>();
    for (const pid of (await this.postgresPids?.()) ?? []) {
      const ticks = processTicks(pid);
      if (ticks !== undefined) postgres.set(pid, ticks);
    }
    const usage = process.cpuUsage();
    return {
      system: systemTicks(),
      service: (this.servicePid && processTicks(this.servicePid)) || 0,
      bench: (usage.user + usage.system) / 1000 / msPerTick(),
      postgres,
    };
  }
}
