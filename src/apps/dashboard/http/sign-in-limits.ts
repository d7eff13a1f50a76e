import type { RateLimitStore } from '../../../http/rate-limit-store.ts';

/**
 * Failed sign-ins, counted in the shared rate-limit store (so N instances count together):
 * - per IP: at most IP_MAX failures per window, then every attempt from that IP waits;
 * - per account: FREE_FAILURES, then each further failure makes the next attempt wait a
 *   doubling delay (2 s, 4 s, … at most MAX_DELAY_MS). The delay ends by itself and the
 *   window forgets: an attacker can slow an account's sign-in, never lock it for good.
 * Second-factor failures count per account the same way.
 */
const WINDOW_MS = 15 * 60_000;
const IP_MAX = 30;
const FREE_FAILURES = 5;
const MAX_DELAY_MS = 5 * 60_000;

export interface Wait {
  retryAfterSeconds: number;
}

export class SignInLimits {
  constructor(private readonly store: RateLimitStore) {}

  /** How long this attempt must wait, if at all (checked before the password is). */
  async check(ip: string, account: string): Promise<Wait | undefined> {
    const [byIp, delay] = await Promise.all([this.store.peek(`dash-signin-ip:${ip}`), this.store.peek(`dash-signin-delay:${account}`)]);
    if (byIp.count >= IP_MAX) return { retryAfterSeconds: Math.max(1, Math.ceil(byIp.resetInMs / 1000)) };
    if (delay.count > 0) return { retryAfterSeconds: Math.max(1, Math.ceil(delay.resetInMs / 1000)) };
    return undefined;
  }

  async failed(ip: string, account: string): Promise<void> {
    await this.store.hit(`dash-signin-ip:${ip}`, WINDOW_MS);
    const { count } = await this.store.hit(`dash-signin-account:${account}`, WINDOW_MS);
    if (count > FREE_FAILURES) {
      const delayMs = Math.min(MAX_DELAY_MS, 1000 * 2 ** (count - FREE_FAILURES));
      // Attempts wait while this window is open, so the next failure always opens a new,
      // longer one (a fixed window is never extended).
      await this.store.hit(`dash-signin-delay:${account}`, delayMs);
    }
  }
}
