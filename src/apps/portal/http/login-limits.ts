import type { RateLimitStore } from '../../../http/rate-limit-store.ts';

/**
 * Limits of the hosted login page, counted in the shared rate-limit store (Redis with
 * REDIS_URL, so every instance counts together). Codes requested:
 * - per IP: 10 per 15 minutes (one person, a few tries and typos);
 * - per address (within the project): 5 per hour, so nobody can flood an inbox;
 * - per project: 300 per 15 minutes, a ceiling on what one project's page can send.
 * Codes checked: per IP, 30 wrong codes per 15 minutes (each code also dies after 5 wrong
 * tries, and a new code replaces it). Over a limit, the page answers 429 with Retry-After
 * and says how long to wait; nothing is sent, nothing is checked.
 */
const MINUTE = 60_000;
export const LOGIN_LIMITS = {
  codesPerIp: { max: 10, windowMs: 15 * MINUTE },
  codesPerEmail: { max: 5, windowMs: 60 * MINUTE },
  codesPerProject: { max: 300, windowMs: 15 * MINUTE },
  wrongCodesPerIp: { max: 30, windowMs: 15 * MINUTE },
} as const;

export interface Blocked {
  retryAfterSeconds: number;
}

export class LoginLimits {
  constructor(private readonly store: RateLimitStore) {}

  /** Counts one code request; `Blocked` when any of its three limits is past (then nothing is sent). */
  async requestCode(ip: string, projectId: string, email: string): Promise<Blocked | undefined> {
    const { codesPerIp, codesPerEmail, codesPerProject } = LOGIN_LIMITS;
    const counted = await Promise.all([
      this.store.hit(`login-code-ip:${ip}`, codesPerIp.windowMs).then((w) => ({ w, max: codesPerIp.max })),
      this.store.hit(`login-code-email:${projectId}:${email.slice(0, 254)}`, codesPerEmail.windowMs).then((w) => ({ w, max: codesPerEmail.max })),
      this.store.hit(`login-code-project:${projectId}`, codesPerProject.windowMs).then((w) => ({ w, max: codesPerProject.max })),
    ]);
    const over = counted.filter(({ w, max }) => w.count > max);
    if (over.length === 0) return undefined;
    return { retryAfterSeconds: Math.max(1, Math.ceil(Math.max(...over.map(({ w }) => w.resetInMs)) / 1000)) };
  }

  /** Whether this IP may check a code now (checked before the code is). */
  async mayCheckCode(ip: string): Promise<Blocked | undefined> {
    const w = await this.store.peek(`login-wrong-ip:${ip}`);
    return w.count >= LOGIN_LIMITS.wrongCodesPerIp.max ? { retryAfterSeconds: Math.max(1, Math.ceil(w.resetInMs / 1000)) } : undefined;
  }

  async wrongCode(ip: string): Promise<void> {
    await this.store.hit(`login-wrong-ip:${ip}`, LOGIN_LIMITS.wrongCodesPerIp.windowMs);
  }
}
