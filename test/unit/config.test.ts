import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashPassword, MAX_PASSWORD_LENGTH, minPasswordLength, passwordProblem, verifyPassword } from '../../src/auth/passwords.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { STAFF_ROLES } from '../../src/workflow/workflow.schema.js';

const KEY = '0123456789abcdef'.repeat(4);

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected loadConfig to refuse the settings');
}

describe('loadConfig', () => {
  it('v5.0.0-5.4.3: picks the virus scanner: built-in by default, clamd over its socket or its TCP port, and says what to set when clamd has no address', () => {
    expect(loadConfig({}).virusScanner).toEqual({ kind: 'builtin' });
    expect(loadConfig({ VIRUS_SCANNER: 'clamd', CLAMD_SOCKET: '/run/clamav/clamd.ctl' }).virusScanner).toEqual({
      kind: 'clamd',
      address: { socket: '/run/clamav/clamd.ctl' },
      timeoutMs: 30_000,
    });
    expect(loadConfig({ VIRUS_SCANNER: 'clamd', CLAMD_HOST: 'clamav.internal', CLAMD_TIMEOUT_MS: '5000' }).virusScanner).toEqual({
      kind: 'clamd',
      address: { host: 'clamav.internal', port: 3310 },
      timeoutMs: 5000,
    });
    expect(configError({ VIRUS_SCANNER: 'clamd' }).message).toMatch(/CLAMD_SOCKET: is required when VIRUS_SCANNER=clamd/);
    expect(configError({ VIRUS_SCANNER: 'clamav' }).message).toMatch(/VIRUS_SCANNER/);
  });

  it('v5.0.0-5.4.3: in production the virus scanner is chosen, never the built-in list by default', () => {
    const production = { NODE_ENV: 'production', DATA_ENCRYPTION_KEY: KEY, BASE_URL: 'https://izin.malangkota.go.id' };
    expect(configError(production).message).toMatch(/^\s*VIRUS_SCANNER: must be set when NODE_ENV=production: clamd .*, or builtin /m);
    expect(loadConfig({ ...production, VIRUS_SCANNER: 'clamd', CLAMD_SOCKET: '/run/clamav/clamd.ctl' }).virusScanner.kind).toBe('clamd');
    // Chosen on purpose (server.ts then logs a warning at every start).
    expect(loadConfig({ ...production, VIRUS_SCANNER: 'builtin' }).virusScanner).toEqual({ kind: 'builtin' });
    // Outside production the default stays the built-in list.
    expect(loadConfig({ NODE_ENV: 'test' }).virusScanner).toEqual({ kind: 'builtin' });
  });

  it('has working defaults for a development start: SQLite and files under ./data', () => {
    const c = loadConfig({});
    expect(c.env).toBe('development');
    expect(c.port).toBe(3000);
    expect(c.host).toBe('127.0.0.1');
    expect(c.database).toEqual({ kind: 'sqlite', file: path.resolve('data/izol.db') });
    expect(c.storage).toEqual({ driver: 'local', dir: path.resolve('data/files') });
    expect(c.baseUrl).toBe('http://localhost:3000');
    expect(c.seedDemo).toBe(true);
    expect(c.defaultTenant).toBe('MLG');
    expect(c.maxUploadBytes).toBe(25 * 1024 * 1024);
    expect(c.trustProxyHops).toBe(0);
    expect(c.dataEncryptionKey).toHaveLength(32);
  });

  it('treats empty values as unset', () => {
    const c = loadConfig({ PORT: '', DATABASE_URL: '', DATA_ENCRYPTION_KEY: '' });
    expect(c.port).toBe(3000);
    expect(c.database.kind).toBe('sqlite');
  });

  it('parses a PostgreSQL URL with its pool size', () => {
    const url = 'postgres://izol:rahasia@db.internal:5432/izol';
    expect(loadConfig({ DATABASE_URL: url, DATABASE_POOL_SIZE: '5' }).database).toEqual({ kind: 'postgres', url, poolSize: 5 });
    expect(loadConfig({ DATABASE_URL: 'postgresql://db/izol' }).database).toEqual({ kind: 'postgres', url: 'postgresql://db/izol', poolSize: 10 });
  });

  it('resolves a SQLite path and keeps :memory:', () => {
    expect(loadConfig({ DATABASE_URL: 'sqlite:./tmp/x.db' }).database).toEqual({ kind: 'sqlite', file: path.resolve('tmp/x.db') });
    expect(loadConfig({ DATABASE_URL: 'sqlite::memory:' }).database).toEqual({ kind: 'sqlite', file: ':memory:' });
  });

  it('reads the other settings', () => {
    const c = loadConfig({ PORT: '8080', BASE_URL: 'https://izin.malangkota.go.id/', MAX_UPLOAD_MB: '10', SEED_DEMO: 'never', TRUST_PROXY_HOPS: '1' });
    expect(c.port).toBe(8080);
    expect(c.baseUrl).toBe('https://izin.malangkota.go.id');
    expect(c.maxUploadBytes).toBe(10 * 1024 * 1024);
    expect(c.seedDemo).toBe(false);
    expect(c.trustProxyHops).toBe(1);
  });

  it.each(['abc', '0', '70000', '80.5'])('refuses PORT=%s, naming the variable and asking for a port number', (port) => {
    const err = configError({ PORT: port });
    expect(err.name).toBe('ConfigError');
    expect(err.message).toMatch(/^\s*PORT: /m);
    expect(err.message).toMatch(/number|65535|integer|int/i);
  });

  it.each(['mysql://localhost/izol', 'izol.db', 'http://db/izol'])('refuses DATABASE_URL=%s and says what to write', (url) => {
    const err = configError({ DATABASE_URL: url });
    expect(err.message).toMatch(/^\s*DATABASE_URL: /m);
    expect(err.message).toContain('sqlite:');
    expect(err.message).toContain('postgres://');
  });

  it('outside production listens on this machine only, unless a network demo is asked for', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '::1' }).host).toBe('::1');
    const err = configError({ HOST: '0.0.0.0' });
    expect(err.message).toMatch(/^\s*HOST: .*ALLOW_DEMO_ON_NETWORK=1/m);
    expect(loadConfig({ HOST: '0.0.0.0', ALLOW_DEMO_ON_NETWORK: '1' }).host).toBe('0.0.0.0');
    const production = {
      NODE_ENV: 'production',
      VIRUS_SCANNER: 'builtin',
      HOST: '0.0.0.0',
      BASE_URL: 'https://izin.malangkota.go.id',
      DATA_ENCRYPTION_KEY: 'ab'.repeat(32),
    };
    expect(loadConfig(production).host).toBe('0.0.0.0');
  });

  it('takes a delivery channel only whole, and names what is missing from a half-configured one', () => {
    expect(loadConfig({}).channels).toEqual({ email: null, whatsapp: null, sms: null });
    const full = loadConfig({
      SMTP_URL: 'smtps://izol:secret@mail.malangkota.go.id:465',
      MAIL_FROM: 'Izol Kota Malang <izin@malangkota.go.id>',
      WHATSAPP_PHONE_NUMBER_ID: '1234567890',
      WHATSAPP_TOKEN: 'EAAG-token-123',
      WHATSAPP_APP_SECRET: 'app-secret-1',
      WHATSAPP_VERIFY_TOKEN: 'verify-me-1',
      SMS_API_URL: 'https://sms.example.id/send',
      SMS_API_TOKEN: 'sms-token-1',
    }).channels;
    expect(full.email).toEqual({ smtpUrl: 'smtps://izol:secret@mail.malangkota.go.id:465', from: 'Izol Kota Malang <izin@malangkota.go.id>' });
    expect(full.whatsapp?.apiUrl).toBe('https://graph.facebook.com/v21.0');
    expect(full.sms).toEqual({ apiUrl: 'https://sms.example.id/send', token: 'sms-token-1', senderId: 'IZOL' });
    const err = configError({ WHATSAPP_TOKEN: 'EAAG-token-123', SMTP_URL: 'smtp://mail:25' });
    expect(err.message).toMatch(/^\s*MAIL_FROM: is required together with SMTP_URL/m);
    expect(err.message).toMatch(/^\s*WHATSAPP_APP_SECRET: is required together with WHATSAPP_TOKEN/m);
    expect(configError({ SMTP_URL: 'http://mail:25', MAIL_FROM: 'a@b.c' }).message).toMatch(/^\s*SMTP_URL: must be smtp:\/\//m);
  });

  it('refuses a malformed DATA_ENCRYPTION_KEY and says how to make one', () => {
    const err = configError({ DATA_ENCRYPTION_KEY: 'zz'.repeat(32) });
    expect(err.message).toMatch(/^\s*DATA_ENCRYPTION_KEY: /m);
    expect(err.message).toContain('64 hexadecimal');
  });

  it('counts rate limits in memory unless RATE_LIMIT_REDIS_URL names a Redis, under RATE_LIMIT_REDIS_PREFIX', () => {
    expect(loadConfig({})).toMatchObject({ rateLimitRedisUrl: null, rateLimitRedisPrefix: 'izol:' });
    expect(loadConfig({ RATE_LIMIT_REDIS_URL: 'redis://10.0.0.5:6379', RATE_LIMIT_REDIS_PREFIX: 'izol:malang:' })).toMatchObject({
      rateLimitRedisUrl: 'redis://10.0.0.5:6379',
      rateLimitRedisPrefix: 'izol:malang:',
    });
    expect(configError({ RATE_LIMIT_REDIS_PREFIX: 'izol malang' }).message).toMatch(/^\s*RATE_LIMIT_REDIS_PREFIX: must be 1 to 64 letters/m);
  });

  it('lists every bad setting at once', () => {
    const err = configError({ PORT: 'x', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
    for (const v of ['PORT', 'DATABASE_URL', 'LOG_LEVEL']) expect(err.message).toMatch(new RegExp(`^\\s*${v}: `, 'm'));
  });

  it('in production requires DATA_ENCRYPTION_KEY and BASE_URL', () => {
    const err = configError({ NODE_ENV: 'production' });
    for (const v of ['DATA_ENCRYPTION_KEY', 'BASE_URL']) {
      expect(err.message).toMatch(new RegExp(`^\\s*${v}: .*NODE_ENV=production`, 'm'));
    }
    const oneMissing = configError({ NODE_ENV: 'production', DATA_ENCRYPTION_KEY: KEY });
    expect(oneMissing.message).toMatch(/^\s*BASE_URL: /m);
    expect(oneMissing.message).not.toMatch(/^\s*DATA_ENCRYPTION_KEY: /m);
  });

  it('reads no SESSION_SECRET: sessions are random tokens stored as hashes, so production starts without one', () => {
    const c = loadConfig({ NODE_ENV: 'production', VIRUS_SCANNER: 'builtin', DATA_ENCRYPTION_KEY: KEY, BASE_URL: 'https://izin.malangkota.go.id' });
    expect(c.env).toBe('production');
    expect(Object.keys(c)).not.toContain('sessionSecret');
    // A deployment that still sets it is not refused.
    expect(
      loadConfig({ NODE_ENV: 'production', VIRUS_SCANNER: 'builtin', SESSION_SECRET: 'x', DATA_ENCRYPTION_KEY: KEY, BASE_URL: 'https://izin.malangkota.go.id' })
        .env,
    ).toBe('production');
  });

  it('in production never seeds demo data and uses the given secrets', () => {
    const c = loadConfig({
      NODE_ENV: 'production',
      VIRUS_SCANNER: 'builtin',
      DATA_ENCRYPTION_KEY: KEY,
      BASE_URL: 'https://izin.malangkota.go.id',
      SEED_DEMO: 'auto',
    });
    expect(c.env).toBe('production');
    expect(c.seedDemo).toBe(false);
    expect(c.dataEncryptionKey.equals(Buffer.from(KEY, 'hex'))).toBe(true);
  });

  it('production secrets differ from the development defaults', () => {
    const dev = loadConfig({});
    const prod = loadConfig({ NODE_ENV: 'production', VIRUS_SCANNER: 'builtin', DATA_ENCRYPTION_KEY: KEY, BASE_URL: 'https://izin.malangkota.go.id' });
    expect(prod.dataEncryptionKey.equals(dev.dataEncryptionKey)).toBe(false);
  });
});

describe('passwordProblem', () => {
  it('applicants need 8 characters, with no composition rules', () => {
    expect(minPasswordLength('applicant')).toBe(8);
    expect(passwordProblem('kopi123', 'applicant')).toEqual({ code: 'too_short', params: { min: 8 } });
    expect(passwordProblem('kopisusu', 'applicant')).toBeNull();
    expect(passwordProblem('kopi tubruk pagi hari', 'applicant')).toBeNull();
    expect(passwordProblem('semuahurufkecil', 'applicant')).toBeNull();
  });

  it.each(STAFF_ROLES)('%s needs 12 characters', (role) => {
    expect(minPasswordLength(role)).toBe(12);
    expect(passwordProblem('kopisusu123', role)).toEqual({ code: 'too_short', params: { min: 12 } });
    expect(passwordProblem('kopi susu pagi', role)).toBeNull();
  });

  it('allows up to 128 characters and no more', () => {
    expect(MAX_PASSWORD_LENGTH).toBe(128);
    expect(passwordProblem('kalimat panjang '.repeat(8), 'applicant')).toBeNull();
    expect(passwordProblem(`${'kalimat panjang '.repeat(8)}x`, 'applicant')).toEqual({ code: 'too_long', params: { max: 128 } });
    expect(passwordProblem('x'.repeat(64) + 'y'.repeat(64), 'verifier')).toBeNull();
  });

  it.each(['password123', 'PASSWORD123', 'bismillah', 'Indonesia1', 'sayangku', '12345678', 'aremania', 'qwertyuiop', 'aaaaaaaa', 'zzzzzzzzzzzzzzzz'])(
    'refuses the common password %j',
    (pw) => {
      expect(passwordProblem(pw, 'applicant')).toEqual({ code: 'weak_password' });
    },
  );

  it('refuses a password built from personal data (name, email, NIK)', () => {
    const personal = ['Wulan Sari', 'wulan.sari', '3573014506900002'];
    expect(passwordProblem('Wulan Sari 2026', 'applicant', personal)).toEqual({ code: 'weak_password' });
    expect(passwordProblem('wulan.sari!!', 'applicant', personal)).toEqual({ code: 'weak_password' });
    expect(passwordProblem('nik3573014506900002', 'applicant', personal)).toEqual({ code: 'weak_password' });
    expect(passwordProblem('kopi tubruk pagi hari', 'applicant', personal)).toBeNull();
  });

  it('ignores personal data shorter than 4 characters', () => {
    expect(passwordProblem('adi suka kopi', 'applicant', ['Adi', 'adi'])).toBeNull();
  });
});

describe('password hashing', () => {
  it('produces an argon2id hash with OWASP parameters that verifies only the right password', async () => {
    const hash = await hashPassword('kopi tubruk pagi hari');
    expect(hash.startsWith('$argon2id$')).toBe(true);
    const params = Object.fromEntries(
      hash
        .split('$')[3]!
        .split(',')
        .map((kv) => kv.split('=') as [string, string]),
    );
    expect(params).toEqual({ m: '19456', t: '2', p: '1' });
    expect(hash).not.toContain('kopi');
    expect(await verifyPassword(hash, 'kopi tubruk pagi hari')).toBe(true);
    expect(await verifyPassword(hash, 'kopi tubruk pagi har')).toBe(false);
    expect(await verifyPassword(hash, 'Kopi tubruk pagi hari')).toBe(false);
  });

  it('salts: the same password hashes differently each time', async () => {
    const [a, b] = await Promise.all([hashPassword('sama persis'), hashPassword('sama persis')]);
    expect(a).not.toBe(b);
    expect(await verifyPassword(a, 'sama persis')).toBe(true);
    expect(await verifyPassword(b, 'sama persis')).toBe(true);
  });

  it('a malformed hash verifies nothing instead of throwing', async () => {
    await expect(verifyPassword('not-a-hash', 'anything')).resolves.toBe(false);
    await expect(verifyPassword('', '')).resolves.toBe(false);
  });
});
