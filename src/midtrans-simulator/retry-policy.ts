/**
 * Midtrans' notification retry policy, keyed by the receiver's answer to the latest attempt.
 * Returns how many retries that answer earns in total (0 = stop), or `'done'` on success.
 */
export function retriesEarnedBy(httpStatus: number | undefined): number | 'done' {
  if (httpStatus === undefined) return 5; // timeout or network error
  if (httpStatus >= 200 && httpStatus < 300) return 'done';
  switch (httpStatus) {
    case 500:
      return 1;
    case 503:
      return 4;
    case 400:
    case 404:
      return 2;
    case 301:
    case 302:
    case 303:
      return 0;
    default:
      return 5;
  }
}

/** Delay before retry number `retryIndex` (0-based); the last interval repeats if the list is short. */
export function retryDelayMs(retryIntervalsMs: readonly number[], retryIndex: number): number {
  return retryIntervalsMs[Math.min(retryIndex, retryIntervalsMs.length - 1)] ?? 0;
}
