import { describe, expect, it } from 'vitest';
import { MemoryRateLimitStore } from '../../src/http/rate-limit-store.ts';

describe('MemoryRateLimitStore', () => {
  it('counts hits in a fixed window that the first hit opens, and restarts after it', async () => {
    let now = 1_000_000;
    const store = new MemoryRateLimitStore(() => now);
    expect(await store.hit('k', 60_000)).toEqual({ count: 1, resetInMs: 60_000 });
    now += 20_000;
    expect(await store.hit('k', 60_000)).toEqual({ count: 2, resetInMs: 40_000 });
    now += 40_000;
    expect(await store.hit('k', 60_000)).toEqual({ count: 1, resetInMs: 60_000 });
  });

  it('peeks without counting, and sees nothing once the window has closed', async () => {
    let now = 0;
    const store = new MemoryRateLimitStore(() => now);
    expect(await store.peek('k')).toEqual({ count: 0, resetInMs: 0 });
    await store.hit('k', 10_000);
    for (let i = 0; i < 5; i++) expect(await store.peek('k')).toEqual({ count: 1, resetInMs: 10_000 });
    now += 10_000;
    expect(await store.peek('k')).toEqual({ count: 0, resetInMs: 0 });
  });

  it('keeps keys apart', async () => {
    const store = new MemoryRateLimitStore(() => 0);
    await store.hit('a', 1000);
    await store.hit('a', 1000);
    expect((await store.hit('b', 1000)).count).toBe(1);
    expect((await store.peek('a')).count).toBe(2);
  });

  it('stays within maxKeys: closed windows go first, then the oldest opened', async () => {
    let now = 0;
    const store = new MemoryRateLimitStore(() => now, 3);
    await store.hit('short', 10);
    await store.hit('old', 1000);
    await store.hit('newer', 1000);
    now = 20;
    await store.hit('fourth', 1000); // 'short' has closed: it makes room
    expect((await store.peek('old')).count).toBe(1);
    await store.hit('fifth', 1000); // nothing closed: the oldest opened ('old') goes
    expect((await store.peek('old')).count).toBe(0);
    for (const key of ['newer', 'fourth', 'fifth']) expect((await store.peek(key)).count).toBe(1);
  });
});
