/**
 * When a failed delivery is tried again: exponential backoff with full jitter, for at least
 * the retry window (WEBHOOK_RETRY_HOURS, default 24 h) after the first attempt.
 *
 * After the n-th failed attempt the delay is a random value in [1 s, ceiling], where the
 * ceiling doubles from 1 minute (1, 2, 4, 8 … minutes) up to 4 hours. Full jitter spreads
 * the retries of many deliveries that failed together (a receiver outage) instead of
 * sending them back in one burst. The last retry is scheduled at the end of the window
 * at the latest, so a receiver that is down for 23 hours still gets the event; a delivery
 * that fails at or after the end of the window is marked failed (it can be replayed).
 */
export const RETRY_BASE_MS = 60_000;
export const RETRY_CAP_MS = 4 * 3_600_000;
export const RETRY_FLOOR_MS = 1_000;

export function retryCeilingMs(failedAttempts: number): number {
  const exponent = Math.min(Math.max(failedAttempts - 1, 0), 30);
  return Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** exponent);
}

/**
 * The time of the next attempt, or null when the window is over and the delivery has failed.
 * `failedAttempts` counts the attempts made in the current window, this one included.
 */
export function nextAttemptAt(
  now: Date,
  windowStartedAt: Date,
  failedAttempts: number,
  windowMs: number,
  random: () => number = Math.random,
): Date | null {
  const deadline = windowStartedAt.getTime() + windowMs;
  if (now.getTime() >= deadline) return null;
  const delay = Math.max(RETRY_FLOOR_MS, Math.floor(random() * retryCeilingMs(failedAttempts)));
  return new Date(Math.min(now.getTime() + delay, deadline));
}
