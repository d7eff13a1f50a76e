/**
 * `work`, or a rejection once `ms` have passed without it. The work itself is not
 * cancelled: it finishes (or fails) later, unobserved — callers use this where an answer
 * must come promptly (probes, scrapes), not to bound the work.
 */
export async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  work.catch(() => {});  // when the deadline wins, the work's own failure comes later
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
