import { ThrottlerStorageService } from '@nestjs/throttler';
import { SlidingLogRateLimitStorage } from './rate-limit-storage';

/** A small deterministic generator, so that a failing sequence can be replayed from its seed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('the rate limiter storage', () => {
  let ours: SlidingLogRateLimitStorage;
  let theirs: ThrottlerStorageService;
  beforeEach(() => {
    jest.useFakeTimers({ now: Date.parse('2026-01-05T09:00:00Z') });
    ours = new SlidingLogRateLimitStorage();
    theirs = new ThrottlerStorageService();
  });
  afterEach(() => {
    ours.onApplicationShutdown();
    theirs.onApplicationShutdown();
    jest.useRealTimers();
  });

  it('Given a limit of 5 a minute, when a client sends a sixth request within the minute, then it is blocked for the block duration and counted afresh after', async () => {
    const hits = [];
    for (let i = 0; i < 6; i++) hits.push(await ours.increment('route-client', 60_000, 5, 60_000, 'per-minute'));
    expect(hits.map((h) => [h.totalHits, h.isBlocked])).toEqual([[1, false], [2, false], [3, false], [4, false], [5, false], [6, true]]);
    expect(hits[5].timeToBlockExpire).toBe(60);
    jest.advanceTimersByTime(30_000);
    expect(await ours.increment('route-client', 60_000, 5, 60_000, 'per-minute')).toMatchObject({ isBlocked: true, timeToBlockExpire: 30 });
    jest.advanceTimersByTime(30_001);
    expect(await ours.increment('route-client', 60_000, 5, 60_000, 'per-minute')).toMatchObject({ isBlocked: false, totalHits: 1 });
  });

  it('Given another client or route (another key), then its count is its own', async () => {
    for (let i = 0; i < 5; i++) await ours.increment('a', 60_000, 5, 60_000, 'per-minute');
    expect(await ours.increment('b', 60_000, 5, 60_000, 'per-minute')).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    'Given any sequence of hits over time (seed %i), then it answers exactly as @nestjs/throttler\'s own storage does',
    async (seed) => {
      const next = random(seed);
      const keys = ['a', 'b', 'c'];
      for (let i = 0; i < 3000; i++) {
        jest.advanceTimersByTime(Math.floor(next() * (next() < 0.05 ? 40_000 : 300)));
        const key = keys[Math.floor(next() * keys.length)];
        const ttl = 10_000;
        const limit = 20;
        const blockDuration = next() < 0.5 ? (seed % 2 ? 0 : 5_000) : ttl; // the default (the TTL), none, or another
        const name = seed % 3 === 0 && next() < 0.3 ? 'burst' : 'per-minute';
        const [a, b] = [await ours.increment(key, ttl, limit, blockDuration, name), await theirs.increment(key, ttl, limit, blockDuration, name)];
        expect({ i, ...a }).toEqual({ i, ...b });
      }
    },
  );

  it('Given a log of 15,000 hits in the window, when a request comes, then it is answered without copying the log', async () => {
    for (let i = 0; i < 15_000; i++) {
      await ours.increment('busy', 60_000, 20_000, 60_000, 'per-minute');
      jest.advanceTimersByTime(4);
    }
    const started = process.hrtime.bigint();
    for (let i = 0; i < 1000; i++) await ours.increment('busy', 60_000, 20_000, 60_000, 'per-minute');
    const microsEach = Number(process.hrtime.bigint() - started) / 1000 / 1000;
    expect(microsEach).toBeLessThan(20); // the default storage: ~170 µs here (a filtered copy of the whole log)
  });

  it('Given clients that went quiet a while ago, then they are forgotten; a blocked or recent one is kept', async () => {
    await ours.increment('quiet', 1_000, 5, 1_000, 'per-minute');
    for (let i = 0; i < 6; i++) await ours.increment('blocked', 1_000, 5, 120_000, 'per-minute');
    jest.advanceTimersByTime(61_000);
    await ours.increment('recent', 1_000, 5, 1_000, 'per-minute');
    ours.evictIdle();
    expect(ours.size).toBe(2);
  });
});
