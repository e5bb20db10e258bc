import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter.js';

const IMPORT_LIMIT = { burst: 10, steady: 150 };

describe('RateLimiter', () => {
  it('allows the burst, throttles the next request until the 1 s window ends, then allows again', () => {
    const limiter = new RateLimiter();
    for (let index = 0; index < 10; index += 1) expect(limiter.consume('bulk_import_profiles', IMPORT_LIMIT, 1_000).isAllowed).toBe(true);
    expect(limiter.consume('bulk_import_profiles', IMPORT_LIMIT, 1_400)).toEqual({ isAllowed: false, retryAfterSeconds: 1 });
    expect(limiter.consume('bulk_import_profiles', IMPORT_LIMIT, 2_000)).toMatchObject({ isAllowed: true, limit: 150, remaining: 139 });
  });

  it('throttles past the steady window with Retry-After counting down to its end', () => {
    const limiter = new RateLimiter();
    let now = 0;
    for (let index = 0; index < 150; index += 1) {
      expect(limiter.consume('op', IMPORT_LIMIT, now).isAllowed).toBe(true);
      now += 101; // ten per second: never past the burst
    }
    expect(limiter.consume('op', IMPORT_LIMIT, now)).toEqual({ isAllowed: false, retryAfterSeconds: Math.ceil((60_000 - now) / 1000) });
    expect(limiter.consume('op', IMPORT_LIMIT, 60_000).isAllowed).toBe(true);
  });

  it('keeps separate windows per operation and does not count throttled requests', () => {
    const limiter = new RateLimiter();
    const accounts = { burst: 1, steady: 15 };
    expect(limiter.consume('get_accounts', accounts, 0).isAllowed).toBe(true);
    expect(limiter.consume('get_accounts', accounts, 10).isAllowed).toBe(false);
    expect(limiter.consume('get_lists', { burst: 75, steady: 750 }, 10).isAllowed).toBe(true);
    expect(limiter.consume('get_accounts', accounts, 1_000)).toMatchObject({ isAllowed: true, remaining: 13 });
  });
});
