import path from 'node:path';
import { z } from 'zod';
import type { RemotePdfSignerConfig } from './signing/pdf-signer.js';

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
    STORAGE_DRIVER: z.enum(['local', 's3']).default('local'),
    STORAGE_DIR: z.string().min(1).default('./data/files'),
    // Object storage (STORAGE_DRIVER=s3): any S3-compatible service (AWS S3, MinIO, Ceph, a cloud's own).
    S3_ENDPOINT: z.url({ message: 'must be the address of the S3-compatible service, e.g. https://s3.ap-southeast-3.amazonaws.com' }).optional(),
    S3_BUCKET: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a bucket name: 3 to 63 lower-case letters, digits, dots or hyphens')
      .optional(),
    S3_REGION: z.string().min(1).default('us-east-1'),
    S3_ACCESS_KEY_ID: z.string().min(1).optional(),
    S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
    S3_FORCE_PATH_STYLE: z.enum(['0', '1', 'true', 'false']).default('0'),
    // Several instances: rate-limit counters shared through Redis (memory otherwise).
    RATE_LIMIT_REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\/[^\s]+$/, 'must be redis://host:6379 (or rediss:// for TLS)')
      .optional(),
    // Every key Izol writes to that Redis starts with this (several deployments may share one Redis).
    RATE_LIMIT_REDIS_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9:_.-]{1,64}$/, 'must be 1 to 64 letters, digits or : _ . - (e.g. izol:malang:)')
      .default('izol:'),
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
    // Gzip copies of whole registry exports kept per office (docs/registry.md); 0 keeps none, every export is then streamed from the database.
    REGISTRY_EXPORT_CACHE_MB: z.coerce.number().min(0).max(1024).default(16),
    OUTBOX_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
    TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(5).default(0),
    // Load shedding (src/http/load-shedding.ts): past these, new requests get 503 + Retry-After; 0 turns a check off.
    SHED_EVENT_LOOP_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(200),
    SHED_HEAP_USED_MB: z.coerce.number().int().min(0).max(1_000_000).default(0),
    SHED_RSS_MB: z.coerce.number().int().min(0).max(1_000_000).default(0),
    SHED_MAX_IN_FLIGHT: z.coerce.number().int().min(0).max(100_000).default(64),
    SHED_RETRY_AFTER_S: z.coerce.number().int().min(1).max(3600).default(5),
    ALLOW_DEMO_ON_NETWORK: z.enum(['0', '1']).default('0'),
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\/[^/\s]+/, 'must be smtp://user:pass@host:587 (STARTTLS) or smtps://user:pass@host:465 (TLS)')
      .optional(),
    MAIL_FROM: z.string().min(3).optional(),
    WHATSAPP_API_URL: z.url({ message: 'must be the Graph API base, e.g. https://graph.facebook.com/v21.0' }).default('https://graph.facebook.com/v21.0'),
    WHATSAPP_PHONE_NUMBER_ID: z
      .string()
      .regex(/^\d{5,20}$/, 'must be the digits of the WhatsApp phone number id from Meta')
      .optional(),
    WHATSAPP_TOKEN: z.string().min(10).optional(),
    WHATSAPP_APP_SECRET: z.string().min(8).optional(),
    WHATSAPP_VERIFY_TOKEN: z.string().min(8).optional(),
    SMS_API_URL: z.url({ message: 'must be the https address of the SMS provider endpoint' }).optional(),
    SMS_API_TOKEN: z.string().min(8).optional(),
    SMS_SENDER_ID: z
      .string()
      .regex(/^[A-Za-z0-9 ]{1,11}$/, 'must be at most 11 letters or digits (the sender name shown on the phone)')
      .default('IZOL'),
    // PDF signatures (docs/signing.md): built in (the office's key under the deployment's root) or a certified provider.
    PDF_SIGNER: z.enum(['builtin', 'remote']).default('builtin'),
    PDF_SIGNER_URL: z.url({ message: "must be the provider's base address, e.g. https://esign.bsre.example/" }).optional(),
    PDF_SIGNER_CLIENT_ID: z.string().min(1).optional(),
    PDF_SIGNER_CLIENT_SECRET: z.string().min(8).optional(),
    PDF_SIGNER_NIK: z
      .string()
      .regex(/^\d{16}$/, "must be the certified official's 16-digit NIK")
      .optional(),
    PDF_SIGNER_PASSPHRASE: z.string().min(1).optional(),
    PDF_SIGNER_NAME: z.string().min(2).max(200).optional(),
    PDF_SIGNER_PROVIDER: z.string().min(2).max(60).default('BSrE'),
    PDF_SIGNER_TIMEOUT_MS: z.coerce.number().int().min(1000).max(120_000).default(15_000),
    // The virus scanner every upload passes (src/documents/scanner.ts): the built-in signature list, or ClamAV's clamd.
    // Unset: builtin outside production; in production it must be chosen (docs/virus-scanning.md).
    VIRUS_SCANNER: z.enum(['builtin', 'clamd']).optional(),
    CLAMD_SOCKET: z.string().min(1).optional(),
    CLAMD_HOST: z.string().min(1).optional(),
    CLAMD_PORT: z.coerce.number().int().min(1).max(65535).default(3310),
    CLAMD_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(30_000),
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
    // A channel is either fully configured or not at all: half a channel would fail at the first message.
    const groups = [
      ['SMTP_URL', 'MAIL_FROM'],
      ['WHATSAPP_PHONE_NUMBER_ID', 'WHATSAPP_TOKEN', 'WHATSAPP_APP_SECRET', 'WHATSAPP_VERIFY_TOKEN'],
      ['SMS_API_URL', 'SMS_API_TOKEN'],
    ] as const;
    for (const group of groups) {
      const given = group.filter((key) => env[key] !== undefined);
      if (given.length > 0 && given.length < group.length) {
        for (const key of group.filter((k) => env[k] === undefined)) {
          ctx.addIssue({ code: 'custom', path: [key], message: `is required together with ${given.join(', ')}` });
        }
      }
    }
    if (env.STORAGE_DRIVER === 's3' && env.S3_BUCKET === undefined) {
      ctx.addIssue({ code: 'custom', path: ['S3_BUCKET'], message: 'is required when STORAGE_DRIVER=s3' });
    }
    if (env.VIRUS_SCANNER === 'clamd' && !env.CLAMD_SOCKET && !env.CLAMD_HOST) {
      ctx.addIssue({
        code: 'custom',
        path: ['CLAMD_SOCKET'],
        message: "is required when VIRUS_SCANNER=clamd: clamd's LocalSocket (e.g. /run/clamav/clamd.ctl), or set CLAMD_HOST and CLAMD_PORT for its TCPSocket",
      });
    }
    if (env.PDF_SIGNER === 'remote') {
      for (const key of [
        'PDF_SIGNER_URL',
        'PDF_SIGNER_CLIENT_ID',
        'PDF_SIGNER_CLIENT_SECRET',
        'PDF_SIGNER_NIK',
        'PDF_SIGNER_PASSPHRASE',
        'PDF_SIGNER_NAME',
      ] as const) {
        if (!env[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'is required when PDF_SIGNER=remote' });
      }
    }
    if (env.NODE_ENV === 'production') {
      // The built-in list knows the EICAR test file and a few hashes: it is no virus scanner, and a
      // production start must not fall back to it unnoticed.
      if (env.VIRUS_SCANNER === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['VIRUS_SCANNER'],
          message:
            'must be set when NODE_ENV=production: clamd (ClamAV, with CLAMD_SOCKET or CLAMD_HOST; see docs/virus-scanning.md), or builtin to accept uploads checked only against the built-in list (the EICAR test file and a few known hashes), which is not a virus scanner',
        });
      }
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
  storage:
    | { driver: 'local'; dir: string }
    | {
        driver: 's3';
        endpoint: string | undefined;
        bucket: string;
        region: string;
        accessKeyId: string | undefined;
        secretAccessKey: string | undefined;
        forcePathStyle: boolean;
      };
  /** Where rate-limit counters live: a Redis shared by every instance, or null for this process's memory. */
  rateLimitRedisUrl: string | null;
  /** The prefix of every key in that Redis (RATE_LIMIT_REDIS_PREFIX). */
  rateLimitRedisPrefix: string;
  dataEncryptionKey: Buffer;
  defaultTenant: string;
  seedDemo: boolean;
  logLevel: string;
  maxUploadBytes: number;
  outboxPollMs: number;
  /** The compressed bytes of registry export copies one office may have kept in this process. */
  registryExportCacheBytes: number;
  /** How many reverse proxies in front of the app may set X-Forwarded-For (0: trust none). */
  trustProxyHops: number;
  /**
   * Load shedding: a new request is answered 503 with Retry-After while the event loop's mean delay
   * (or the heap, or the resident memory) is past its limit, or as many requests (uploads aside) are
   * already being worked on as maxInFlight allows; 0 turns that check off.
   */
  shedding: { eventLoopDelayMs: number; heapUsedBytes: number; rssBytes: number; maxInFlight: number; retryAfterSeconds: number };
  /** The delivery channels this deployment can use; null when not configured (development: the built-in mailbox). */
  channels: {
    email: { smtpUrl: string; from: string } | null;
    whatsapp: { apiUrl: string; phoneNumberId: string; token: string; appSecret: string; verifyToken: string } | null;
    sms: { apiUrl: string; token: string; senderId: string } | null;
  };
  /** The virus scanner every upload passes: the built-in signature list, or ClamAV's clamd (INSTREAM). */
  virusScanner: { kind: 'builtin' } | { kind: 'clamd'; address: { socket: string } | { host: string; port: number }; timeoutMs: number };
  /** Who signs the certificate PDFs: the built-in signer, or a certified provider's sign API (docs/signing.md). */
  pdfSigner: { kind: 'builtin' } | ({ kind: 'remote' } & RemotePdfSignerConfig);
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
    storage:
      e.STORAGE_DRIVER === 's3'
        ? {
            driver: 's3',
            endpoint: e.S3_ENDPOINT,
            bucket: e.S3_BUCKET ?? '',
            region: e.S3_REGION,
            accessKeyId: e.S3_ACCESS_KEY_ID,
            secretAccessKey: e.S3_SECRET_ACCESS_KEY,
            forcePathStyle: e.S3_FORCE_PATH_STYLE === '1' || e.S3_FORCE_PATH_STYLE === 'true',
          }
        : { driver: 'local', dir: path.resolve(e.STORAGE_DIR) },
    rateLimitRedisUrl: e.RATE_LIMIT_REDIS_URL ?? null,
    rateLimitRedisPrefix: e.RATE_LIMIT_REDIS_PREFIX,
    dataEncryptionKey: e.DATA_ENCRYPTION_KEY ? Buffer.from(e.DATA_ENCRYPTION_KEY, 'hex') : Buffer.alloc(32, 7),
    defaultTenant: e.DEFAULT_TENANT,
    seedDemo: e.NODE_ENV !== 'production' && e.SEED_DEMO === 'auto',
    logLevel: e.LOG_LEVEL,
    maxUploadBytes: Math.round(e.MAX_UPLOAD_MB * 1024 * 1024),
    outboxPollMs: e.OUTBOX_POLL_MS,
    registryExportCacheBytes: Math.round(e.REGISTRY_EXPORT_CACHE_MB * 1048576),
    trustProxyHops: e.TRUST_PROXY_HOPS,
    virusScanner:
      e.VIRUS_SCANNER === 'clamd'
        ? {
            kind: 'clamd',
            address: e.CLAMD_SOCKET ? { socket: e.CLAMD_SOCKET } : { host: e.CLAMD_HOST ?? '127.0.0.1', port: e.CLAMD_PORT },
            timeoutMs: e.CLAMD_TIMEOUT_MS,
          }
        : { kind: 'builtin' },
    shedding: {
      eventLoopDelayMs: e.SHED_EVENT_LOOP_DELAY_MS,
      heapUsedBytes: e.SHED_HEAP_USED_MB * 1048576,
      rssBytes: e.SHED_RSS_MB * 1048576,
      maxInFlight: e.SHED_MAX_IN_FLIGHT,
      retryAfterSeconds: e.SHED_RETRY_AFTER_S,
    },
    channels: {
      email: e.SMTP_URL && e.MAIL_FROM ? { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM } : null,
      whatsapp:
        e.WHATSAPP_PHONE_NUMBER_ID && e.WHATSAPP_TOKEN && e.WHATSAPP_APP_SECRET && e.WHATSAPP_VERIFY_TOKEN
          ? {
              apiUrl: e.WHATSAPP_API_URL.replace(/\/$/, ''),
              phoneNumberId: e.WHATSAPP_PHONE_NUMBER_ID,
              token: e.WHATSAPP_TOKEN,
              appSecret: e.WHATSAPP_APP_SECRET,
              verifyToken: e.WHATSAPP_VERIFY_TOKEN,
            }
          : null,
      sms: e.SMS_API_URL && e.SMS_API_TOKEN ? { apiUrl: e.SMS_API_URL, token: e.SMS_API_TOKEN, senderId: e.SMS_SENDER_ID } : null,
    },
    pdfSigner:
      e.PDF_SIGNER === 'remote' &&
      e.PDF_SIGNER_URL &&
      e.PDF_SIGNER_CLIENT_ID &&
      e.PDF_SIGNER_CLIENT_SECRET &&
      e.PDF_SIGNER_NIK &&
      e.PDF_SIGNER_PASSPHRASE &&
      e.PDF_SIGNER_NAME
        ? {
            kind: 'remote',
            url: e.PDF_SIGNER_URL,
            clientId: e.PDF_SIGNER_CLIENT_ID,
            clientSecret: e.PDF_SIGNER_CLIENT_SECRET,
            nik: e.PDF_SIGNER_NIK,
            passphrase: e.PDF_SIGNER_PASSPHRASE,
            signerName: e.PDF_SIGNER_NAME,
            provider: e.PDF_SIGNER_PROVIDER,
            timeoutMs: e.PDF_SIGNER_TIMEOUT_MS,
          }
        : { kind: 'builtin' },
  };
}
