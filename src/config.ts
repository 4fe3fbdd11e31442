import path from 'node:path';
import { z } from 'zod';

/**
 * The one place that reads the environment. A wrong or missing setting stops start-up with a
 * message naming the variable and what to put there (STYLE.md §9).
 */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);

const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    BASE_URL: z.url({ message: 'must be the public address of the service, e.g. https://izin.malangkota.go.id' }).optional(),
    DATABASE_URL: z
      .string()
      .regex(/^(sqlite:|postgres:\/\/|postgresql:\/\/)/, 'must start with sqlite: (e.g. sqlite:./data/izol.db) or postgres://')
      .default('sqlite:./data/izol.db'),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
    STORAGE_DRIVER: z.enum(['local']).default('local'),
    STORAGE_DIR: z.string().min(1).default('./data/files'),
    DATA_ENCRYPTION_KEY: z
      .string()
      .regex(/^[0-9a-f]{64}$/i, 'must be 64 hexadecimal characters (try: openssl rand -hex 32)')
      .optional(),
    DEFAULT_TENANT: z
      .string()
      .regex(/^[A-Z]{2,8}$/, 'must be a tenant code such as MLG')
      .default('MLG'),
    SEED_DEMO: z.enum(['auto', 'never']).default('auto'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    MAX_UPLOAD_MB: z.coerce.number().positive().max(100).default(25),
    OUTBOX_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
    TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(5).default(0),
    ALLOW_DEMO_ON_NETWORK: z.enum(['0', '1']).default('0'),
  })
  .superRefine((env, ctx) => {
    // Demo accounts, the development mailbox and the development keys are public knowledge: outside
    // production Izol listens on this machine only unless told the network is meant.
    if (env.NODE_ENV !== 'production' && !LOOPBACK_HOSTS.has(env.HOST) && env.ALLOW_DEMO_ON_NETWORK !== '1') {
      ctx.addIssue({
        code: 'custom',
        path: ['HOST'],
        message: `${env.HOST} is reachable from the network, but NODE_ENV=${env.NODE_ENV} has public demo accounts and keys: use 127.0.0.1, set NODE_ENV=production, or set ALLOW_DEMO_ON_NETWORK=1 for a demo meant to be reached`,
      });
    }
    if (env.NODE_ENV === 'production') {
      for (const key of ['DATA_ENCRYPTION_KEY', 'BASE_URL'] as const) {
        if (!env[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'is required when NODE_ENV=production' });
      }
    }
  });

export type Config = {
  env: 'development' | 'test' | 'production';
  port: number;
  host: string;
  baseUrl: string;
  database: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string; poolSize: number };
  storage: { driver: 'local'; dir: string };
  dataEncryptionKey: Buffer;
  defaultTenant: string;
  seedDemo: boolean;
  logLevel: string;
  maxUploadBytes: number;
  outboxPollMs: number;
  /** How many reverse proxies in front of the app may set X-Forwarded-For (0: trust none). */
  trustProxyHops: number;
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment into a Config, or throws a ConfigError listing every bad setting. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Treat empty strings as unset, so `PORT=` in a .env file means "use the default".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${String(i.path[0] ?? '?')}: ${i.message}`);
    throw new ConfigError(`Izol cannot start: fix these settings (environment variables):\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const database: Config['database'] = e.DATABASE_URL.startsWith('sqlite:')
    ? { kind: 'sqlite', file: e.DATABASE_URL === 'sqlite::memory:' ? ':memory:' : path.resolve(e.DATABASE_URL.slice('sqlite:'.length)) }
    : { kind: 'postgres', url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE };
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    baseUrl: (e.BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    database,
    storage: { driver: e.STORAGE_DRIVER, dir: path.resolve(e.STORAGE_DIR) },
    dataEncryptionKey: e.DATA_ENCRYPTION_KEY ? Buffer.from(e.DATA_ENCRYPTION_KEY, 'hex') : Buffer.alloc(32, 7),
    defaultTenant: e.DEFAULT_TENANT,
    seedDemo: e.NODE_ENV !== 'production' && e.SEED_DEMO === 'auto',
    logLevel: e.LOG_LEVEL,
    maxUploadBytes: Math.round(e.MAX_UPLOAD_MB * 1024 * 1024),
    outboxPollMs: e.OUTBOX_POLL_MS,
    trustProxyHops: e.TRUST_PROXY_HOPS,
  };
}
