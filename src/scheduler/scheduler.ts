import type { Logger } from '../lib/logger.ts';

export interface Job {
  name: string;
  run(): Promise<unknown>;
}

/** Told about every finished run (the metrics); must not throw. */
export type RunObserver = (job: string, outcome: 'succeeded' | 'failed', seconds: number) => void;

/**
 * Runs each job every `intervalMs`, never two runs of one job at once in this instance.
 * Jobs claim their rows in the database (conditional UPDATE / SKIP LOCKED), so any number
 * of instances can run the same scheduler side by side.
 */
export class Scheduler {
  #timer: NodeJS.Timeout | undefined;
  #running = new Set<string>();
  #idle: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly jobs: Job[],
    private readonly intervalMs: number,
    private readonly logger: Logger,
    private readonly observe: RunObserver = () => {},
  ) {}

  start(): void {
    this.#timer = setInterval(() => void this.tick(), this.intervalMs);
    this.#timer.unref();
  }

  /** One round of every job (also what tests call instead of waiting). */
  async tick(): Promise<void> {
    const runs = this.jobs
      .filter((job) => !this.#running.has(job.name))
      .map(async (job) => {
        this.#running.add(job.name);
        const startedAt = performance.now();
        try {
          await job.run();
          this.observe(job.name, 'succeeded', (performance.now() - startedAt) / 1000);
        } catch (err) {
          this.observe(job.name, 'failed', (performance.now() - startedAt) / 1000);
          this.logger.error({ err, job: job.name }, 'scheduled job failed');
        } finally {
          this.#running.delete(job.name);
        }
      });
    this.#idle = Promise.all(runs);
    await this.#idle;
  }

  /** Stops ticking and waits for the round in progress. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#idle;
  }
}
