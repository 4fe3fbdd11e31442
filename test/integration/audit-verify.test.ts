import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { auditEventHash, GENESIS_HASH } from '../../src/audit/audit.repository.js';
import { type AuditChainVerification, verifyAuditChain } from '../../src/audit/audit.verify.js';
import { ensureOffice } from '../../src/bootstrap.js';
import type { AuditEventsTable, AuditHeadsTable } from '../../src/db/schema.js';
import { canonicalJson } from '../../src/shared/json.js';
import { DIALECTS } from '../helpers/databases.js';
import { runScript } from '../helpers/scripts.js';
import { auth, createTestContext, json, SECOND_OFFICE, type TestContext, uniqueNik } from '../helpers/context.js';
import { readyDraft } from '../helpers/journeys.js';

/** The real command, as `npm run audit:verify` would run it. */
const runCli = (databaseUrl: string, args: string[] = []) => runScript('scripts/audit-verify.ts', databaseUrl, args);

type EventRow = AuditEventsTable;

describe.each(DIALECTS)('audit chain verification (%s): v5.0.0-16.4.2', (dialect) => {
  let ctx: TestContext;
  let mlg: string;
  let btu: string;
  let events: EventRow[];
  let heads: AuditHeadsTable[];

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    mlg = ctx.tenant.id;
    btu = (await ensureOffice(ctx.services, SECOND_OFFICE)).id;

    // Real events through the services and the API: officer accounts, a registration and sign-ins
    // (one failed), drafts, uploads, submissions and a verification step. Officers act through the
    // service (their API sign-in needs a second factor), applicants through the API.
    const verifier = await ctx.services.auth.createUser({
      tenantId: mlg,
      role: 'verifier',
      name: 'Budi Verifikator',
      email: 'budi.audit@test.izol.id',
      password: 'verifikator-password-panjang',
    });
    await ctx.services.auth.createUser({
      tenantId: mlg,
      role: 'treasurer',
      name: 'Ani Bendahara',
      email: 'ani.audit@test.izol.id',
      password: 'bendahara-password-panjang',
    });
    await ctx.services.auth.createUser({
      tenantId: btu,
      role: 'front_desk',
      name: 'Dewi Loket',
      email: 'dewi.audit@test.izol.id',
      password: 'loket-password-panjang',
    });
    const register = (host: string, email: string) =>
      ctx.app.inject({
        method: 'POST',
        url: '/api/v1/auth/register',
        headers: { host },
        payload: { name: 'Sri Rahayu', nik: uniqueNik(), email, password: 'rujak cingur enak sekali', consent: true },
      });
    const signIn = (host: string, email: string, password = 'rujak cingur enak sekali') =>
      ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { host }, payload: { login: email, password } });
    expect((await register('localhost', 'sri.audit@contoh.id')).statusCode).toBe(201);
    expect((await register('batu.izol.test', 'sri.batu@contoh.id')).statusCode).toBe(201);
    expect((await signIn('localhost', 'sri.audit@contoh.id', 'salah sandi sekali')).statusCode).toBe(401);
    expect((await signIn('batu.izol.test', 'sri.batu@contoh.id')).statusCode).toBe(200);
    const login = await signIn('localhost', 'sri.audit@contoh.id');
    expect(login.statusCode).toBe(200);
    const citizen = json<{ token: string }>(login).token;
    const officer = { userId: verifier.userId, tenantId: mlg, role: 'verifier' as const, name: 'Budi Verifikator' };
    for (const code of ['SIPDOK', 'NIB']) {
      const id = await readyDraft(ctx, citizen, code);
      const submitted = await ctx.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/submit`, headers: auth(citizen) });
      expect(submitted.statusCode).toBe(200);
      expect((await ctx.services.applications.performAction({ actor: officer, applicationId: id, action: 'start_verification' })).state).toBe('verification');
    }

    events = await ctx.db.selectFrom('audit_events').selectAll().orderBy('tenant_id').orderBy('seq').execute();
    heads = await ctx.db.selectFrom('audit_heads').selectAll().execute();
  });

  afterAll(async () => ctx?.close());

  // Every case tampers with its own copy: put the untouched chain back afterwards.
  afterEach(async () => {
    await ctx.db.deleteFrom('audit_events').execute();
    await ctx.db.deleteFrom('audit_heads').execute();
    for (let i = 0; i < events.length; i += 100)
      await ctx.db
        .insertInto('audit_events')
        .values(events.slice(i, i + 100))
        .execute();
    await ctx.db.insertInto('audit_heads').values(heads).execute();
  });

  const mlgEvents = () => events.filter((e) => e.tenant_id === mlg);
  const n = () => mlgEvents().length;
  const at = (seq: number) => mlgEvents().find((e) => e.seq === seq)!;

  /** Verifies Kota Malang's chain with the default page size and with tiny pages; both must agree. */
  async function verifyMlg(): Promise<AuditChainVerification> {
    const [whole] = await verifyAuditChain(ctx.db, { tenantId: mlg });
    const [paged] = await verifyAuditChain(ctx.db, { tenantId: mlg, pageSize: 3 });
    expect(paged).toEqual(whole);
    expect(whole!.tenantCode).toBe('MLG');
    return whole!;
  }

  async function expectOtherOfficeIntact(): Promise<void> {
    const all = await verifyAuditChain(ctx.db);
    expect(all.find((r) => r.tenantId === btu)).toMatchObject({ tenantCode: 'BTU', ok: true });
  }

  /** Moves seq values through a range no event uses, so the (tenant_id, seq) unique constraint never trips. */
  async function setSeq(id: string, seq: number): Promise<void> {
    await ctx.db.updateTable('audit_events').set({ seq }).where('id', '=', id).execute();
  }
  async function shiftFrom(fromSeq: number, by: number): Promise<void> {
    const far = 1_000_000;
    await ctx.db
      .updateTable('audit_events')
      .set((eb) => ({ seq: eb('seq', '+', far) }))
      .where('tenant_id', '=', mlg)
      .where('seq', '>=', fromSeq)
      .execute();
    await ctx.db
      .updateTable('audit_events')
      .set((eb) => ({ seq: eb('seq', '-', far - by) }))
      .where('tenant_id', '=', mlg)
      .where('seq', '>=', far + fromSeq)
      .execute();
  }

  /** A forged event, hashed the way appendAudit would, so it is self-consistent. */
  function forge(seq: number, prevHash: string, id: string = randomUUID()): EventRow {
    const row = {
      id,
      tenant_id: mlg,
      seq,
      occurred_at: '2026-11-20T03:30:00.000Z',
      actor_id: at(1).actor_id,
      action: 'application.approve',
      subject_type: 'application',
      subject_id: randomUUID(),
      data: canonicalJson({ from: 'approval', to: 'signing' }),
    };
    return { ...row, prev_hash: prevHash, hash: auditEventHash(prevHash, row) };
  }

  it('finds every chain intact after real use, and the chain is long enough to mean something', async () => {
    expect(n()).toBeGreaterThanOrEqual(20);
    expect(events.filter((e) => e.tenant_id === btu).length).toBeGreaterThanOrEqual(2);
    expect(mlgEvents().map((e) => e.action)).toEqual(
      expect.arrayContaining([
        'user.created',
        'auth.login',
        'auth.login_failed',
        'user.registered',
        'application.created',
        'document.uploaded',
        'application.submit',
        'application.start_verification',
      ]),
    );
    expect(at(1).prev_hash).toBe(GENESIS_HASH);

    const all = await verifyAuditChain(ctx.db);
    expect(all.map((r) => [r.tenantCode, r.ok])).toEqual([
      ['BTU', true],
      ['MLG', true],
    ]);
    expect(all.find((r) => r.tenantId === mlg)).toEqual({ tenantId: mlg, tenantCode: 'MLG', events: n(), ok: true });
    const mlgOnly = await verifyAuditChain(ctx.db, { tenantId: mlg, pageSize: 1 });
    expect(mlgOnly).toEqual([{ tenantId: mlg, tenantCode: 'MLG', events: n(), ok: true }]);
    await expect(verifyAuditChain(ctx.db, { tenantId: randomUUID() })).rejects.toThrow(/no tenant/);
  });

  it.each([
    ['data', { data: canonicalJson({ role: 'head' }) }],
    ['action', { action: 'auth.logout' }],
    ['actor_id', { actor_id: randomUUID() }],
    ['occurred_at', { occurred_at: '2026-11-19T23:59:59.000Z' }],
  ] as const)('(a) catches an edited %s as the first bad event', async (_field, change) => {
    const target = at(10);
    await ctx.db.updateTable('audit_events').set(change).where('id', '=', target.id).execute();
    const r = await verifyMlg();
    expect(r).toMatchObject({ ok: false, events: n(), firstBad: { seq: 10, id: target.id, reason: 'edited' } });
    await expectOtherOfficeIntact();
  });

  it('(a) reports the earliest of several tamperings', async () => {
    await ctx.db.deleteFrom('audit_events').where('id', '=', at(15).id).execute();
    await ctx.db.updateTable('audit_events').set({ data: '{}' }).where('id', '=', at(7).id).execute();
    expect((await verifyMlg()).firstBad).toMatchObject({ seq: 7, id: at(7).id, reason: 'edited' });
  });

  it('(b) catches a deleted event in the middle, naming the missing seq', async () => {
    await ctx.db.deleteFrom('audit_events').where('id', '=', at(10).id).execute();
    const r = await verifyMlg();
    expect(r).toMatchObject({ ok: false, events: n() - 1, firstBad: { seq: 10, id: null, reason: 'deleted' } });
    expect(r.firstBad!.detail).toContain(at(11).id);
  });

  it('(b) catches a deletion hidden by renumbering the later events', async () => {
    await ctx.db.deleteFrom('audit_events').where('id', '=', at(10).id).execute();
    await shiftFrom(11, -1);
    await ctx.db
      .updateTable('audit_heads')
      .set({ seq: n() - 1 })
      .where('tenant_id', '=', mlg)
      .execute();
    expect((await verifyMlg()).firstBad).toMatchObject({ seq: 10, id: at(11).id, reason: 'deleted' });
  });

  it('(c) catches the newest event being deleted through the chain head', async () => {
    await ctx.db.deleteFrom('audit_events').where('id', '=', at(n()).id).execute();
    const r = await verifyMlg();
    expect(r).toMatchObject({ ok: false, events: n() - 1, firstBad: { seq: n(), id: null, reason: 'head_mismatch' } });
    await expectOtherOfficeIntact();
  });

  it('(c) catches the newest events being deleted and the head wound back to a hash it never had', async () => {
    await ctx.db
      .deleteFrom('audit_events')
      .where('tenant_id', '=', mlg)
      .where('seq', '>=', n() - 1)
      .execute();
    await ctx.db
      .updateTable('audit_heads')
      .set({ seq: n() - 2 })
      .where('tenant_id', '=', mlg)
      .execute();
    expect((await verifyMlg()).firstBad).toMatchObject({ seq: n() - 2, id: at(n() - 2).id, reason: 'head_mismatch' });
  });

  it('(d) catches a forged event slipped into the middle with correct hashes of its own', async () => {
    await shiftFrom(10, 1); // make room at seq 10; the later events keep their hashes
    const forged = forge(10, at(9).hash);
    await ctx.db.insertInto('audit_events').values(forged).execute();
    await ctx.db
      .updateTable('audit_heads')
      .set({ seq: n() + 1 })
      .where('tenant_id', '=', mlg)
      .execute();
    const r = await verifyMlg();
    expect(r).toMatchObject({ ok: false, events: n() + 1, firstBad: { seq: 10, id: forged.id, reason: 'inserted' } });
    await expectOtherOfficeIntact();
  });

  it('(d) catches a forged event appended after the newest without going through the head', async () => {
    const forged = forge(n() + 1, at(n()).hash);
    await ctx.db.insertInto('audit_events').values(forged).execute();
    expect((await verifyMlg()).firstBad).toMatchObject({ seq: n() + 1, id: forged.id, reason: 'inserted' });
  });

  it('(d) catches a forged event with a seq beyond the head, leaving a gap', async () => {
    const forged = forge(n() + 5, at(n()).hash);
    await ctx.db.insertInto('audit_events').values(forged).execute();
    expect((await verifyMlg()).firstBad).toMatchObject({ seq: n() + 5, id: forged.id, reason: 'inserted' });
  });

  it('(e) catches two adjacent events swapped', async () => {
    const [a, b] = [at(10), at(11)];
    await setSeq(a.id, -1);
    await setSeq(b.id, 10);
    await setSeq(a.id, 11);
    expect((await verifyMlg()).firstBad).toMatchObject({ seq: 10, id: b.id, reason: 'reordered' });
  });

  it('(e) catches two distant events swapped', async () => {
    const [a, b] = [at(6), at(14)];
    await setSeq(a.id, -1);
    await setSeq(b.id, 6);
    await setSeq(a.id, 14);
    expect((await verifyMlg()).firstBad).toMatchObject({ seq: 6, id: b.id, reason: 'reordered' });
  });

  it('(f) catches an edit whose hash was recomputed: the next event still links to the old hash', async () => {
    const target = at(10);
    const edited = { ...target, action: 'user.disabled', data: canonicalJson({ note: 'never happened' }) };
    const hash = auditEventHash(edited.prev_hash, edited);
    await ctx.db.updateTable('audit_events').set({ action: edited.action, data: edited.data, hash }).where('id', '=', target.id).execute();
    const r = await verifyMlg();
    expect(r).toMatchObject({ ok: false, firstBad: { seq: 10, id: target.id, reason: 'edited' } });
    expect(r.firstBad!.detail).toContain('event 11');
  });

  it('(f) catches the newest event edited with its hash recomputed, through the head', async () => {
    const target = at(n());
    const edited = { ...target, data: canonicalJson({ tampered: true }) };
    await ctx.db
      .updateTable('audit_events')
      .set({ data: edited.data, hash: auditEventHash(edited.prev_hash, edited) })
      .where('id', '=', target.id)
      .execute();
    expect((await verifyMlg()).firstBad).toMatchObject({ seq: n(), id: target.id, reason: 'head_mismatch' });
  });

  it('catches an edited prev_hash and a missing chain head', async () => {
    await ctx.db
      .updateTable('audit_events')
      .set({ prev_hash: 'f'.repeat(64) })
      .where('id', '=', at(12).id)
      .execute();
    expect((await verifyMlg()).firstBad).toMatchObject({ seq: 12, id: at(12).id, reason: 'edited' });
    await ctx.db
      .updateTable('audit_events')
      .set({ prev_hash: at(12).prev_hash })
      .where('id', '=', at(12).id)
      .execute();
    expect((await verifyMlg()).ok).toBe(true);
    await ctx.db.deleteFrom('audit_heads').where('tenant_id', '=', mlg).execute();
    expect((await verifyMlg()).firstBad).toMatchObject({ reason: 'head_mismatch' });
  });

  it('does not mistake events appended while it reads for tampering', async () => {
    // Failed sign-ins (unknown account, then throttled): each appends one event.
    const signIns = Array.from({ length: 6 }, () =>
      ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: 'nobody.audit@contoh.id', password: 'wrong password here' } }),
    );
    const [results] = await Promise.all([verifyAuditChain(ctx.db, { pageSize: 2 }), ...signIns]);
    expect(results.every((r) => r.ok)).toBe(true);
    const after = await verifyAuditChain(ctx.db, { tenantId: mlg });
    expect(after).toEqual([{ tenantId: mlg, tenantCode: 'MLG', events: n() + 6, ok: true }]);
  });

  it('runs as a command: exit 0 and one line per office when intact, 1 naming the first bad event after tampering', async () => {
    const intact = await runCli(ctx.databaseUrl);
    expect(intact.stderr).toBe('');
    expect(intact.code).toBe(0);
    const lines = intact.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^BTU\s+\d+ events\s+OK$/);
    expect(lines[1]).toMatch(new RegExp(`^MLG\\s+${n()} events\\s+OK$`));
    expect(lines[2]).toBe('All 2 audit chains are intact.');

    const target = at(13);
    await ctx.db.updateTable('audit_events').set({ actor_id: randomUUID() }).where('id', '=', target.id).execute();
    const broken = await runCli(ctx.databaseUrl);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/^BTU\s+\d+ events\s+OK$/m);
    expect(broken.stdout).toContain(`MLG    ${n()} events`);
    expect(broken.stdout).toContain(`first bad event: seq 13, id ${target.id}, reason edited`);
    expect(broken.stdout).toContain('1 of 2 audit chains are broken.');

    const onlyBtu = await runCli(ctx.databaseUrl, ['--tenant', 'BTU']);
    expect(onlyBtu.code).toBe(0);
    expect(onlyBtu.stdout).not.toContain('MLG');
  });

  it('exits 2 when it cannot run: bad arguments, bad settings, an unknown office', async () => {
    const usage = await runCli(ctx.databaseUrl, ['--everything']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('usage: npm run audit:verify');
    const badUrl = await runCli('mysql://localhost/izol');
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toContain('DATABASE_URL');
    const unknown = await runCli(ctx.databaseUrl, ['--tenant', 'ZZZ']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no office with code ZZZ');
    expect(unknown.stdout).toBe('');
  });

  // Without the (tenant_id, seq) unique constraint a forger could reuse a seq. Rebuild the table
  // without it (the same on both dialects); the afterEach restore works on either shape.
  it('catches a duplicate seq when the unique constraint has been dropped, whichever row sorts first', async () => {
    await sql`create table audit_events_loose (id text primary key, tenant_id text not null, seq bigint not null, occurred_at text not null, actor_id text, action text not null, subject_type text not null, subject_id text, data text not null, prev_hash text not null, hash text not null)`.execute(
      ctx.db,
    );
    await sql`insert into audit_events_loose select id, tenant_id, seq, occurred_at, actor_id, action, subject_type, subject_id, data, prev_hash, hash from audit_events`.execute(
      ctx.db,
    );
    await sql`drop table audit_events`.execute(ctx.db);
    await sql`alter table audit_events_loose rename to audit_events`.execute(ctx.db);

    for (const id of ['00000000-0000-4000-8000-000000000000', 'ffffffff-ffff-4fff-bfff-ffffffffffff']) {
      const forged = forge(10, at(9).hash, id);
      await ctx.db.insertInto('audit_events').values(forged).execute();
      expect((await verifyMlg()).firstBad).toMatchObject({ seq: 10, id, reason: 'inserted' });
      await ctx.db.deleteFrom('audit_events').where('id', '=', id).execute();
    }
    expect((await verifyMlg()).ok).toBe(true);
  });
});
