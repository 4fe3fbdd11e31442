import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureOffice, KOTA_MALANG } from '../../src/bootstrap.js';
import { loadConfig } from '../../src/config.js';
import { createDatabase, type Db } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import type { Tenant } from '../../src/db/schema.js';
import { DEMO_PDF } from '../../src/demo/demo-files.js';
import { createServices } from '../../src/services.js';
import { systemClock } from '../../src/shared/time.js';
import { createTestDatabase, DIALECTS } from '../helpers/databases.js';
import type { TestContext } from '../helpers/context.js';
import { validAnswers } from '../helpers/journeys.js';
import { type ServerProcess as Server, startServer, stopServer } from '../helpers/server-process.js';

/**
 * SECURITY.md, Reliability: "Every acknowledged write survives kill -9". The real server runs as a
 * child process; submissions are fired at it concurrently and the process is SIGKILLed while some are
 * still in flight. After a restart on the same database, every acknowledged submission must be there
 * with the number the client was given, and the numbering must have neither duplicates nor gaps.
 */

const CODE = 'NIB'; // one required document: cheap drafts
const DRAFTS = 300;
const KILL_AFTER_ACKS = 10;
/** 30 drafts each: one account may upload 30 files a minute (documents.service.ts UPLOAD_LIMITS); 10 sign-ins a minute from one address. */
const ACCOUNTS = 10;
const NUMBER_PATTERN = new RegExp(`^MLG-${CODE}-\\d{4}-(\\d{6})$`);

async function call(base: string, method: string, url: string, token?: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function uploadKtp(base: string, token: string, id: string): Promise<number> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(DEMO_PDF)], { type: 'application/pdf' }), 'ktp.pdf');
  const res = await fetch(`${base}/api/v1/applications/${id}/documents/ktp`, { method: 'PUT', headers: { authorization: `Bearer ${token}` }, body: form });
  await res.arrayBuffer();
  return res.status;
}

describe.each(DIALECTS)('SIGKILL during submissions (%s): REL-1', (dialect) => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let env: Record<string, string>;
  let tenant: Tenant;
  let answers: Record<string, unknown>;
  const accounts: { email: string; password: string }[] = [];
  let first: Server | undefined;
  let second: Server | undefined;
  let db: Db | undefined;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    // No load shedding (overload.test.ts covers it): on a busy machine it would refuse some of the set-up's drafts.
    env = { DATABASE_URL: database.url, STORAGE_DIR: path.join(database.dir, 'files'), SHED_EVENT_LOOP_DELAY_MS: '0', SHED_MAX_IN_FLIGHT: '0' };
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env });
    const setupDb = createDatabase(config.database);
    try {
      await migrateToLatest(setupDb);
      const services = createServices({ config, db: setupDb, clock: systemClock });
      tenant = await ensureOffice(services, KOTA_MALANG);
      answers = await validAnswers({ services, tenant } as unknown as TestContext, CODE);
      for (let i = 0; i < ACCOUNTS; i++) {
        const account = { email: `crash.${i}@test.izol.id`, password: `crash test password ${i}` };
        await services.auth.createUser({ tenantId: tenant.id, role: 'applicant', name: `Crash ${i}`, email: account.email, password: account.password });
        accounts.push(account);
      }
    } finally {
      await setupDb.destroy();
    }
  });

  afterAll(async () => {
    await stopServer(first, 'SIGKILL');
    await stopServer(second, 'SIGKILL');
    await db?.destroy();
    await database?.drop();
  });

  it('loses no acknowledged application and duplicates none', { timeout: 240_000 }, async () => {
    first = await startServer(env);
    const tokens: string[] = [];
    for (const a of accounts) {
      const res = await call(first.base, 'POST', '/api/v1/auth/login', undefined, { login: a.email, password: a.password });
      expect(res.status, JSON.stringify(res.json)).toBe(200);
      tokens.push(res.json.token as string);
    }

    // Drafts with their document, over HTTP.
    const drafts: { id: string; token: string }[] = [];
    for (let i = 0; i < DRAFTS; i += 20) {
      await Promise.all(
        Array.from({ length: Math.min(20, DRAFTS - i) }, async (_, j) => {
          const token = tokens[(i + j) % tokens.length]!;
          const created = await call(first!.base, 'POST', '/api/v1/applications', token, { permitTypeCode: CODE, answers });
          expect(created.status, JSON.stringify(created.json)).toBe(201);
          const id = created.json.id as string;
          expect(await uploadKtp(first!.base, token, id)).toBe(201);
          drafts.push({ id, token });
        }),
      );
    }

    // Fire every submission at once and kill the server once some have been acknowledged.
    const acknowledged = new Map<string, string>();
    let killed = false;
    const server = first;
    const outcomes = await Promise.all(
      drafts.map(async (d) => {
        try {
          const res = await fetch(`${server.base}/api/v1/applications/${d.id}/submit`, { method: 'POST', headers: { authorization: `Bearer ${d.token}` } });
          const body = (await res.json()) as { number?: string; state?: { code: string } };
          if (res.status === 200 && body.number) {
            acknowledged.set(d.id, body.number);
            if (!killed && acknowledged.size >= KILL_AFTER_ACKS) {
              killed = true;
              server.child.kill('SIGKILL');
            }
            return 'acknowledged';
          }
          return `http ${res.status}`;
        } catch {
          return 'connection lost';
        }
      }),
    );
    await server.exited;
    expect(server.child.signalCode).toBe('SIGKILL');
    expect(killed).toBe(true);
    // The kill really landed mid-stream: some submissions never got an answer.
    expect(outcomes.filter((o) => o === 'connection lost').length).toBeGreaterThan(0);
    // Anything else must be an explicit "not now" (load shedding), never an error: those are not acknowledged either.
    expect(outcomes.filter((o) => !['acknowledged', 'connection lost', 'http 429', 'http 503'].includes(o))).toEqual([]);

    // Restart on the same database and storage.
    second = await startServer(env);
    const ready = await call(second.base, 'GET', '/ready');
    expect(ready).toEqual({ status: 200, json: { status: 'ready' } });

    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env });
    db = createDatabase(config.database);
    const rows = await db
      .selectFrom('applications')
      .select(['id', 'state', 'number', 'submitted_at', 'tracking_code'])
      .where('tenant_id', '=', tenant.id)
      .where('permit_code', '=', CODE)
      .execute();
    expect(rows).toHaveLength(DRAFTS);
    const byId = new Map(rows.map((r) => [r.id, r]));

    // Every acknowledged submission survived with the number the client was given.
    for (const [id, number] of acknowledged) expect(byId.get(id)).toMatchObject({ state: 'submitted', number });

    // Nothing half-done: a number, its tracking code, its filing time and the state move together.
    for (const r of rows) {
      const filed = r.state === 'submitted';
      expect(r.state === 'draft' || filed, `state ${r.state}`).toBe(true);
      expect({ number: r.number !== null, trackingCode: r.tracking_code !== null, submittedAt: r.submitted_at !== null }).toEqual({
        number: filed,
        trackingCode: filed,
        submittedAt: filed,
      });
    }

    // Numbers: no duplicates, no gaps, and the counter agrees.
    const submitted = rows.filter((r) => r.number !== null);
    const suffixes = submitted.map((r) => Number(NUMBER_PATTERN.exec(r.number!)?.[1])).sort((a, b) => a - b);
    expect(new Set(suffixes).size).toBe(submitted.length);
    expect(suffixes).toEqual(submitted.map((_, i) => i + 1));
    const year = submitted[0]!.number!.split('-')[2]!;
    const seq = await db
      .selectFrom('number_sequences')
      .select('last_value')
      .where('tenant_id', '=', tenant.id)
      .where('scope', '=', `${CODE}-${year}`)
      .executeTakeFirstOrThrow();
    expect(Number(seq.last_value)).toBe(submitted.length);

    // Each filing left exactly one timeline event and one outbox message (committed together or not at all).
    const events = await db
      .selectFrom('application_events')
      .select('application_id')
      .where('tenant_id', '=', tenant.id)
      .where('action', '=', 'submit')
      .execute();
    expect(events.map((e) => e.application_id).sort()).toEqual(submitted.map((r) => r.id).sort());
    const queued = await db.selectFrom('outbox').select('payload').where('topic', '=', 'notify.application_submitted').execute();
    expect(queued.map((q) => (JSON.parse(q.payload) as { applicationId: string }).applicationId).sort()).toEqual(submitted.map((r) => r.id).sort());

    // The restarted server carries on. A retried submission never takes a second number: it is either
    // replayed with the original receipt or refused; the remaining drafts file with the next numbers.
    const [retryId, retryNumber] = [...acknowledged][0]!;
    const retry = await call(second.base, 'POST', `/api/v1/applications/${retryId}/submit`, drafts.find((d) => d.id === retryId)!.token);
    expect([200, 409]).toContain(retry.status);
    if (retry.status === 200) expect(retry.json.number).toBe(retryNumber);
    const remaining = drafts.filter((d) => byId.get(d.id)!.number === null);
    const later: number[] = [];
    for (let i = 0; i < remaining.length; i += 10) {
      const batch = await Promise.all(remaining.slice(i, i + 10).map((d) => call(second!.base, 'POST', `/api/v1/applications/${d.id}/submit`, d.token)));
      later.push(...batch.map((r) => r.status));
    }
    expect(later).toEqual(remaining.map(() => 200));
    const all = await db.selectFrom('applications').select(['id', 'number']).where('tenant_id', '=', tenant.id).where('permit_code', '=', CODE).execute();
    expect(all.map((r) => Number(NUMBER_PATTERN.exec(r.number ?? '')?.[1])).sort((a, b) => a - b)).toEqual(drafts.map((_, i) => i + 1));
    expect(all.find((r) => r.id === retryId)!.number).toBe(retryNumber);

    await stopServer(second, 'SIGTERM');
    expect(second.child.exitCode).toBe(0);
  });
});
