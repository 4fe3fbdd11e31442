import type { KyselyConfig } from 'kysely';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createApp } from '../../src/app.js';
import { ensureOffice, KOTA_MALANG } from '../../src/bootstrap.js';
import { loadConfig } from '../../src/config.js';
import { createDatabase, type Db } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import type { Tenant } from '../../src/db/schema.js';
import { createServices, type Services } from '../../src/services.js';
import { generateTotpSecret, totpAt } from '../../src/auth/totp.js';
import { encryptField } from '../../src/shared/crypto.js';
import type { Clock } from '../../src/shared/time.js';
import type { Role } from '../../src/workflow/workflow.schema.js';
import { createTestDatabase, type TestDialect } from './databases.js';

/** A clock tests move by hand (sessions expiring, throttling windows). */
export class TestClock implements Clock {
  private t = Date.parse('2026-11-20T03:00:00.000Z');
  now(): Date {
    return new Date(this.t);
  }
  advanceMinutes(m: number): void {
    this.t += m * 60_000;
  }
  set(iso: string): void {
    this.t = Date.parse(iso);
  }
}

export const SECOND_OFFICE = {
  code: 'BTU',
  name: 'DPMPTSP Kota Batu',
  timeZone: 'Asia/Jakarta',
  hostnames: ['batu.izol.test'],
  branding: { logoText: 'Izol Kota Batu' },
};

export type TestContext = {
  dialect: TestDialect;
  databaseUrl: string;
  storageDir: string;
  db: Db;
  services: Services;
  app: FastifyInstance;
  clock: TestClock;
  tenant: Tenant;
  close(): Promise<void>;
};

/** A migrated database with the Kota Malang office and its catalogue, and the app around it. */
export async function createTestContext(
  dialect: TestDialect,
  env: Record<string, string> = {},
  options: { log?: KyselyConfig['log'] } = {},
): Promise<TestContext> {
  const database = await createTestDatabase(dialect);
  // No load shedding in-process: the test itself is what keeps this event loop busy (test/integration/overload.test.ts runs a real server).
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    STORAGE_DIR: `${database.dir}/files`,
    LOG_LEVEL: 'silent',
    SHED_EVENT_LOOP_DELAY_MS: '0',
    SHED_MAX_IN_FLIGHT: '0',
    ...env,
  });
  const db = createDatabase(config.database, options);
  await migrateToLatest(db);
  const clock = new TestClock();
  const services = createServices({ config, db, clock });
  const tenant = await ensureOffice(services, KOTA_MALANG);
  const app = await createApp(services);
  await app.ready();
  return {
    dialect,
    databaseUrl: database.url,
    storageDir: `${database.dir}/files`,
    db,
    services,
    app,
    clock,
    tenant,
    async close() {
      await app.close();
      await db.destroy();
      await database.drop();
    },
  };
}

let counter = 0;
/** A NIK with a valid structure, different on every call. */
export function uniqueNik(): string {
  counter++;
  return `357301${String(10 + (counter % 18)).padStart(2, '0')}0${(counter % 9) + 1}90${String(1000 + counter).slice(-4)}`;
}

/** Gives an officer a second factor directly (as if set up in the back office); returns the TOTP secret. */
export async function enrollSecondFactor(ctx: TestContext, userId: string): Promise<string> {
  const secret = generateTotpSecret();
  await ctx.db
    .updateTable('users')
    .set({ totp_secret_encrypted: encryptField(ctx.services.config.dataEncryptionKey, secret), totp_enabled_at: ctx.clock.now().toISOString() })
    .where('id', '=', userId)
    .execute();
  return secret;
}

/** For staff: enrols a second factor and returns the current code; for applicants: undefined. */
export async function staffOtp(ctx: TestContext, userId: string, role: Role): Promise<string | undefined> {
  if (role === 'applicant') return undefined;
  return totpAt(await enrollSecondFactor(ctx, userId), ctx.clock.now());
}

/** Creates an account directly and signs it in through the API; returns its bearer token. */
export async function userWithToken(
  ctx: TestContext,
  role: Role,
  opts: { host?: string; tenantId?: string } = {},
): Promise<{ token: string; userId: string; email: string }> {
  counter++;
  const email = `${role}.${counter}.${Math.random().toString(36).slice(2, 8)}@test.izol.id`;
  const password = `${role}-password-${counter}-long`;
  const { userId } = await ctx.services.auth.createUser({ tenantId: opts.tenantId ?? ctx.tenant.id, role, name: `Test ${role} ${counter}`, email, password });
  const otp = await staffOtp(ctx, userId, role);
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    headers: opts.host ? { host: opts.host } : {},
    payload: { login: email, password, ...(otp ? { otp } : {}) },
  });
  if (res.statusCode !== 200) throw new Error(`login failed for ${role}: ${res.body}`);
  return { token: res.json<{ token: string }>().token, userId, email };
}

export function auth(token: string, extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${token}`, ...extra };
}

/** A multipart body with one file part, as a browser or curl would send it. */
export function multipartFile(
  fileName: string,
  content: Buffer,
  contentType = 'application/octet-stream',
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----izoltest${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: ${contentType}\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { payload: Buffer.concat([head, content, tail]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

export function json<T = Record<string, unknown>>(res: LightMyRequestResponse): T {
  return res.json<T>();
}
