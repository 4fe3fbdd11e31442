import { Redis } from 'ioredis';

/**
 * Counters that must hold across every instance of a deployment: the HTTP rate limits
 * (@fastify/rate-limit, app.ts) and the upload limit per account (documents.service.ts). With
 * RATE_LIMIT_REDIS_URL they live in that Redis, under RATE_LIMIT_REDIS_PREFIX; without it in this
 * process's memory, which is right for one instance only (N instances would allow N times the limit).
 *
 * The sign-in, second-factor and password re-check throttles are not here: they count rows of
 * `login_attempts` in the database, so they already hold across instances (auth.service.ts).
 *
 * A Redis outage fails open: a request whose count cannot be read is let through (skipOnError) and a
 * warning is logged at most every WARN_EVERY_MS. These limits damp abuse; the ones that guard accounts
 * are in the database, and refusing every sign-in, registration and public page because a cache is
 * down would take the whole service down with it. Commands fail at once while Redis is unreachable
 * (no offline queue, one retry, 500 ms to connect), so an outage adds no waiting to a request.
 */

/** One sliding window a key may use `limit` times per `windowMs`. */
export type WindowCounter = {
  take(input: { key: string; limit: number; windowMs: number; now: number }): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }>;
};

export type StoreLogger = { warn(obj: object, msg: string): void };

/** At most one warning about an unreachable Redis this often. */
export const WARN_EVERY_MS = 30_000;

/** The window in this process: the instants of each key's takes in the last window. */
export function memoryWindowCounter(): WindowCounter {
  const recent = new Map<string, number[]>();
  return {
    take({ key, limit, windowMs, now }) {
      const times = (recent.get(key) ?? []).filter((t) => t > now - windowMs);
      if (times.length >= limit) {
        return Promise.resolve({ allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((times[0]! + windowMs - now) / 1000)) });
      }
      times.push(now);
      recent.set(key, times);
      // Keys idle for a window are forgotten once the table grows.
      if (recent.size > 10_000) for (const [k, v] of recent) if (v.every((t) => t <= now - windowMs)) recent.delete(k);
      return Promise.resolve({ allowed: true });
    },
  };
}

/**
 * The same sliding window in Redis: a sorted set of take instants per key, trimmed, counted and added
 * to in one Lua script (atomic: two instances taking the last place at once cannot both get it).
 */
const SLIDING_WINDOW_LUA = `
local key = KEYS[1]
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
if redis.call('ZCARD', key) >= limit then
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  return {0, tonumber(oldest[2])}
end
redis.call('ZADD', key, now, ARGV[4])
redis.call('PEXPIRE', key, window)
return {1, 0}
`;

type SlidingRedis = Redis & { izolSlidingWindow(key: string, now: number, window: number, limit: number, member: string): Promise<[number, number]> };

export function redisWindowCounter(redis: Redis, prefix: string, onError: (err: unknown) => void): WindowCounter {
  redis.defineCommand('izolSlidingWindow', { numberOfKeys: 1, lua: SLIDING_WINDOW_LUA });
  let seq = 0;
  return {
    async take({ key, limit, windowMs, now }) {
      try {
        const member = `${now}-${process.pid}-${seq++}-${Math.random().toString(36).slice(2, 8)}`;
        const [allowed, oldest] = await (redis as SlidingRedis).izolSlidingWindow(`${prefix}${key}`, now, windowMs, limit, member);
        if (allowed === 1) return { allowed: true };
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((Number(oldest) + windowMs - now) / 1000)) };
      } catch (err) {
        // Fail open, as the HTTP rate limits do (skipOnError).
        onError(err);
        return { allowed: true };
      }
    },
  };
}

export type SharedStore = {
  /** The Redis client the HTTP rate limits use, or null for this process's memory. */
  redis: Redis | null;
  /** The prefix of the HTTP rate limits' keys (under RATE_LIMIT_REDIS_PREFIX). */
  rateLimitNameSpace: string;
  /** Counters other than the HTTP rate limits (uploads per account). */
  counter: WindowCounter;
  /** Tells the store where to log; until then warnings go to the console. */
  useLogger(logger: StoreLogger): void;
  /** Resolves once Redis answers, or after `ms` (logging a warning): no counter is lost at start-up. */
  ready(ms: number): Promise<void>;
  close(): Promise<void>;
};

export function createSharedStore(input: { url: string | null; prefix: string }): SharedStore {
  let logger: StoreLogger = { warn: (obj, msg) => console.warn(msg, obj) };
  let lastWarning = 0;
  const warn = (err: unknown) => {
    const now = Date.now();
    if (now - lastWarning < WARN_EVERY_MS) return;
    lastWarning = now;
    logger.warn(
      { err: err instanceof Error ? err.message : String(err) },
      'rate-limit store (Redis) unreachable: limits are not counted until it is back (fail open)',
    );
  };
  const useLogger = (l: StoreLogger) => {
    logger = l;
    // The new logger hears of an outage already under way.
    lastWarning = 0;
  };
  if (!input.url) {
    return {
      redis: null,
      rateLimitNameSpace: '',
      counter: memoryWindowCounter(),
      useLogger,
      ready: () => Promise.resolve(),
      close: () => Promise.resolve(),
    };
  }
  const redis = new Redis(input.url, {
    connectTimeout: 500,
    maxRetriesPerRequest: 1,
    // While Redis is down a command fails at once instead of waiting in a queue (the request fails open).
    enableOfflineQueue: false,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  redis.on('error', warn);
  return {
    redis,
    rateLimitNameSpace: `${input.prefix}rl:`,
    counter: redisWindowCounter(redis, `${input.prefix}win:`, warn),
    useLogger,
    async ready(ms) {
      if (redis.status === 'ready') return;
      let timer: NodeJS.Timeout | undefined;
      const answered = await Promise.race([
        new Promise<boolean>((resolve) => redis.once('ready', () => resolve(true))),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms))),
      ]);
      clearTimeout(timer);
      if (!answered) warn(new Error(`no answer from Redis within ${ms} ms`));
    },
    async close() {
      try {
        await redis.quit();
      } catch {
        redis.disconnect();
      }
    },
  };
}
