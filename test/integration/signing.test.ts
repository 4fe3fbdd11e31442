import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCheckpoint, verifyAuditCheckpoints } from '../../src/audit/audit.checkpoints.js';
import { auditCheckpointsJob } from '../../src/audit/audit.jobs.js';
import { auditEventHash } from '../../src/audit/audit.repository.js';
import { verifyAuditChain } from '../../src/audit/audit.verify.js';
import { ensureOffice } from '../../src/bootstrap.js';
import { createEd25519Signer } from '../../src/signing/signer.js';
import { DIALECTS } from '../helpers/databases.js';
import { runScript } from '../helpers/scripts.js';
import { createTestContext, json, SECOND_OFFICE, type TestContext } from '../helpers/context.js';

type KeysBody = { office: string; keys: { keyId: string; alg: string; publicKeyPem: string; createdAt: string; retiredAt: string | null }[] };

describe.each(DIALECTS)('signing keys and signed audit checkpoints (%s)', (dialect) => {
  let ctx: TestContext;
  let mlg: string;
  let btu: string;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    mlg = ctx.tenant.id;
    btu = (await ensureOffice(ctx.services, SECOND_OFFICE)).id;
  });
  afterAll(async () => ctx?.close());

  /** A few real audit events for Kota Malang. */
  async function someEvents(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      await ctx.services.auth.createUser({
        tenantId: mlg,
        role: 'verifier',
        name: `Petugas ${i}`,
        email: `petugas.${Date.now()}.${i}.${Math.random().toString(36).slice(2, 6)}@test.izol.id`,
        password: 'verifikator-password-panjang',
      });
    }
  }

  it('gives every office a key at start, signs and verifies, and rejects a flipped bit or another office', async () => {
    const signer = ctx.services.signer;
    const keyMlg = await signer.keyId(mlg);
    const keyBtu = await signer.keyId(btu);
    expect(keyMlg).toMatch(/^[0-9a-f]{32}$/);
    expect(keyBtu).not.toBe(keyMlg);
    expect(await signer.ensureKey(mlg)).toBe(keyMlg);

    const data = Buffer.from('Izin PBG MLG-PBG-2026-000123 disetujui');
    const sig = await signer.sign(mlg, data);
    expect(sig).toMatchObject({ alg: 'Ed25519', keyId: keyMlg });
    expect(sig.signature).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(await signer.verify(mlg, data, sig)).toBe(true);

    const flipped = Buffer.from(data);
    flipped[3]! ^= 0x01;
    expect(await signer.verify(mlg, flipped, sig)).toBe(false);
    const badSig = Buffer.from(sig.signature, 'base64url');
    badSig[10]! ^= 0x80;
    expect(await signer.verify(mlg, data, { ...sig, signature: badSig.toString('base64url') })).toBe(false);
    // Another office's key, an unknown key, an unknown algorithm: all refused.
    expect(await signer.verify(btu, data, sig)).toBe(false);
    expect(await signer.verify(mlg, data, { ...sig, keyId: 'f'.repeat(32) })).toBe(false);
    expect(await signer.verify(mlg, data, { ...sig, alg: 'RS256' as 'Ed25519' })).toBe(false);
    // A second instance (fresh caches) reading the same rows agrees.
    const other = createEd25519Signer({ db: ctx.db, dataKey: ctx.services.config.dataEncryptionKey, clock: ctx.clock });
    expect(await other.verify(mlg, data, sig)).toBe(true);
  });

  it('keeps private keys encrypted at rest, and refuses a key row planted without the data key', async () => {
    const rows = await ctx.db.selectFrom('signing_keys').selectAll().execute();
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const r of rows) {
      expect(r.private_key_encrypted).not.toContain('PRIVATE KEY');
      expect(r.private_key_encrypted).toMatch(/^v1\./);
      expect(r.public_key_pem).toContain('BEGIN PUBLIC KEY');
    }
    // Someone with database access but not the data key plants a key of their own: a signature made
    // with it must not verify, because its private half does not decrypt to the stored public half.
    const intruder = createEd25519Signer({ db: ctx.db, dataKey: Buffer.alloc(32, 9), clock: ctx.clock });
    const planted = await intruder.rotate(mlg);
    const forged = await intruder.sign(mlg, Buffer.from('forged'));
    expect(forged.keyId).toBe(planted.keyId);
    expect(await ctx.services.signer.verify(mlg, Buffer.from('forged'), forged)).toBe(false);
    // Undo the plant: the real key is current again.
    await ctx.db.deleteFrom('signing_keys').where('id', '=', planted.keyId).execute();
    await ctx.db.updateTable('signing_keys').set({ retired_at: null }).where('id', 'in', planted.retired).execute();
  });

  it('rotates: old signatures stay valid, new ones use the new key, the well-known document lists both and no private key', async () => {
    const signer = ctx.services.signer;
    const before = await signer.keyId(mlg);
    const data = Buffer.from('sebelum rotasi');
    const oldSig = await signer.sign(mlg, data);

    ctx.clock.advanceMinutes(5);
    const { retired, keyId } = await signer.rotate(mlg);
    expect(retired).toEqual([before]);
    expect(keyId).not.toBe(before);
    expect(await signer.keyId(mlg)).toBe(keyId);
    const newSig = await signer.sign(mlg, data);
    expect(newSig.keyId).toBe(keyId);
    expect(await signer.verify(mlg, data, oldSig)).toBe(true);
    expect(await signer.verify(mlg, data, newSig)).toBe(true);

    const res = await ctx.app.inject({ url: '/.well-known/izol-signing-keys.json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).not.toMatch(/PRIVATE KEY|private/i);
    const body = json<KeysBody>(res);
    expect(body.office).toBe('MLG');
    expect(body.keys.map((k) => k.keyId)).toEqual([keyId, before]);
    expect(body.keys[0]).toMatchObject({ alg: 'Ed25519', retiredAt: null, createdAt: ctx.clock.now().toISOString() });
    expect(body.keys[1]!.retiredAt).toBe(ctx.clock.now().toISOString());
    for (const k of body.keys) expect(Object.keys(k).sort()).toEqual(['alg', 'createdAt', 'keyId', 'publicKeyPem', 'retiredAt']);

    // Each office sees its own keys only.
    const batu = json<KeysBody>(await ctx.app.inject({ url: '/.well-known/izol-signing-keys.json', headers: { host: 'batu.izol.test' } }));
    expect(batu.office).toBe('BTU');
    expect(batu.keys.map((k) => k.keyId)).toEqual([await signer.keyId(btu)]);

    const spec = json<{ paths: Record<string, Record<string, { operationId?: string; tags?: string[] }>> }>(await ctx.app.inject({ url: '/api/openapi.json' }));
    expect(spec.paths['/.well-known/izol-signing-keys.json']?.get).toMatchObject({ operationId: 'getSigningKeys', tags: ['Trust'] });
  });

  it('signs checkpoints of the audit head, only when it moved, and verifies them', async () => {
    await someEvents(6);
    const first = await createCheckpoint(ctx.db, ctx.services.signer, mlg, ctx.clock.now().toISOString());
    expect(first).not.toBeNull();
    const head = await ctx.db.selectFrom('audit_heads').selectAll().where('tenant_id', '=', mlg).executeTakeFirstOrThrow();
    expect(first).toMatchObject({ tenant_id: mlg, seq: Number(head.seq), head_hash: head.head_hash, key_id: await ctx.services.signer.keyId(mlg) });
    expect(await createCheckpoint(ctx.db, ctx.services.signer, mlg, ctx.clock.now().toISOString())).toBeNull();

    await someEvents(3);
    ctx.clock.advanceMinutes(10);
    expect(await createCheckpoint(ctx.db, ctx.services.signer, mlg, ctx.clock.now().toISOString())).not.toBeNull();
    expect(await createCheckpoint(ctx.db, ctx.services.signer, btu, ctx.clock.now().toISOString())).not.toBeNull();

    const results = await verifyAuditCheckpoints(ctx.db, ctx.services.signer);
    expect(results).toEqual([
      { tenantId: btu, tenantCode: 'BTU', verified: 1, ok: true },
      { tenantId: mlg, tenantCode: 'MLG', verified: 2, ok: true },
    ]);
  });

  it('fails verification when a checkpoint signature or signed hash is tampered with', async () => {
    const cp = await ctx.db.selectFrom('audit_checkpoints').selectAll().where('tenant_id', '=', mlg).orderBy('seq').limit(1).executeTakeFirstOrThrow();
    const sig = Buffer.from(cp.signature, 'base64url');
    sig[0]! ^= 0x01;
    await ctx.db
      .updateTable('audit_checkpoints')
      .set({ signature: sig.toString('base64url') })
      .where('id', '=', cp.id)
      .execute();
    let [r] = await verifyAuditCheckpoints(ctx.db, ctx.services.signer, { tenantId: mlg });
    expect(r).toMatchObject({ ok: false, verified: 0, firstBad: { checkpointId: cp.id, seq: Number(cp.seq), reason: 'bad_signature' } });
    await ctx.db.updateTable('audit_checkpoints').set({ signature: cp.signature }).where('id', '=', cp.id).execute();

    // Moving the checkpoint to match a rewritten chain breaks its signature too.
    await ctx.db
      .updateTable('audit_checkpoints')
      .set({ head_hash: 'a'.repeat(64) })
      .where('id', '=', cp.id)
      .execute();
    [r] = await verifyAuditCheckpoints(ctx.db, ctx.services.signer, { tenantId: mlg });
    expect(r!.firstBad).toMatchObject({ checkpointId: cp.id, reason: 'bad_signature' });
    await ctx.db.updateTable('audit_checkpoints').set({ head_hash: cp.head_hash }).where('id', '=', cp.id).execute();

    [r] = await verifyAuditCheckpoints(ctx.db, ctx.services.signer, { tenantId: mlg });
    expect(r).toMatchObject({ ok: true, verified: 2 });
  });

  it('catches a chain rebuilt from some point on, which the chain check alone accepts; audit:verify exits 1 naming the checkpoint', async () => {
    const intact = await runScript('scripts/audit-verify.ts', ctx.databaseUrl);
    expect(intact.stderr).toBe('');
    expect(intact.code).toBe(0);
    expect(intact.stdout).toMatch(/^BTU\s+1 checkpoint verified OK$/m);
    expect(intact.stdout).toMatch(/^MLG\s+2 checkpoints verified OK$/m);

    const checkpoints = await ctx.db.selectFrom('audit_checkpoints').selectAll().where('tenant_id', '=', mlg).orderBy('seq').execute();
    const firstCp = checkpoints[0]!;
    const target = Number(firstCp.seq) - 2;
    // The attacker edits an event before the first checkpoint and recomputes every later hash and the head.
    const events = (await ctx.db.selectFrom('audit_events').selectAll().where('tenant_id', '=', mlg).where('seq', '>=', target).orderBy('seq').execute()).map(
      (e) => ({ ...e, seq: Number(e.seq) }),
    );
    let prevHash = events[0]!.prev_hash;
    for (const e of events) {
      const row = e.seq === target ? { ...e, data: JSON.stringify({ note: 'never happened' }) } : e;
      const hash = auditEventHash(prevHash, row);
      await ctx.db.updateTable('audit_events').set({ data: row.data, prev_hash: prevHash, hash }).where('id', '=', e.id).execute();
      prevHash = hash;
    }
    await ctx.db.updateTable('audit_heads').set({ head_hash: prevHash }).where('tenant_id', '=', mlg).execute();

    const [chain] = await verifyAuditChain(ctx.db, { tenantId: mlg });
    expect(chain).toMatchObject({ ok: true });
    const [cps] = await verifyAuditCheckpoints(ctx.db, ctx.services.signer, { tenantId: mlg });
    expect(cps).toMatchObject({ ok: false, verified: 0, firstBad: { checkpointId: firstCp.id, seq: Number(firstCp.seq), reason: 'hash_mismatch' } });
    // Nor will a new checkpoint bless the rewritten chain.
    await expect(createCheckpoint(ctx.db, ctx.services.signer, mlg, ctx.clock.now().toISOString())).rejects.toThrow(/no longer matches its last checkpoint/);
    await someEvents(1);
    await expect(createCheckpoint(ctx.db, ctx.services.signer, mlg, ctx.clock.now().toISOString())).rejects.toThrow(/no longer matches its checkpoint/);

    const broken = await runScript('scripts/audit-verify.ts', ctx.databaseUrl);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/^MLG\s+\d+ events\s+OK$/m);
    expect(broken.stdout).toContain(`BROKEN checkpoint ${firstCp.id} (seq ${Number(firstCp.seq)}`);
    expect(broken.stdout).toContain('reason hash_mismatch');
    expect(broken.stdout).toMatch(/^BTU\s+1 checkpoint verified OK$/m);
    expect(broken.stdout).toContain('1 of 2 offices have a bad checkpoint.');
  });

  it('the checkpoint job signs each office as its system actor on the clock it is given, and names an office it could not sign', async () => {
    const job = auditCheckpointsJob(ctx.services.audit);
    expect(job).toMatchObject({ name: 'audit.checkpoints', intervalMs: 10 * 60_000, runAtStart: true });
    // Batu's head moves; Malang's chain was rebuilt above, so its head no longer matches its checkpoint.
    await ctx.services.auth.createUser({
      tenantId: btu,
      role: 'verifier',
      name: 'Petugas Batu',
      email: `petugas.batu.${Date.now()}@test.izol.id`,
      password: 'verifikator-password-panjang',
    });
    const at = new Date(ctx.clock.now().getTime() + 3_600_000);
    await expect(job.run({ now: () => at })).rejects.toThrow(new RegExp(`office ${mlg}: .*not signing`));
    const newest = await ctx.db.selectFrom('audit_checkpoints').selectAll().where('tenant_id', '=', btu).orderBy('seq', 'desc').executeTakeFirstOrThrow();
    const head = await ctx.db.selectFrom('audit_heads').selectAll().where('tenant_id', '=', btu).executeTakeFirstOrThrow();
    expect(newest).toMatchObject({ seq: Number(head.seq), head_hash: head.head_hash, created_at: at.toISOString() });
    const [batu] = await verifyAuditCheckpoints(ctx.db, ctx.services.signer, { tenantId: btu });
    expect(batu).toMatchObject({ ok: true, verified: 2 });
  });

  it('npm run keys creates missing keys and rotates every office on request', async () => {
    const before = { mlg: await ctx.services.signer.keyId(mlg), btu: await ctx.services.signer.keyId(btu) };
    const listed = await runScript('scripts/keys.ts', ctx.databaseUrl);
    expect(listed.stderr).toBe('');
    expect(listed.code).toBe(0);
    // The Ed25519 key each office has, and its PDF-signing certificate (made here if no PDF was signed yet).
    expect(listed.stdout).toMatch(new RegExp(`^BTU\\s+${before.btu}, PDF certificate [0-9a-f]+$`, 'm'));
    expect(listed.stdout).toMatch(new RegExp(`^MLG\\s+${before.mlg}, PDF certificate [0-9a-f]+$`, 'm'));
    expect((await ctx.services.signer.pdf.certificates(btu)).length).toBe(1);

    const rotated = await runScript('scripts/keys.ts', ctx.databaseUrl, ['--rotate']);
    expect(rotated.code).toBe(0);
    const after = { mlg: await ctx.services.signer.keyId(mlg), btu: await ctx.services.signer.keyId(btu) };
    expect(after.mlg).not.toBe(before.mlg);
    expect(after.btu).not.toBe(before.btu);
    expect(rotated.stdout).toContain(`MLG    ${after.mlg} (new; retired ${before.mlg})`);

    const usage = await runScript('scripts/keys.ts', ctx.databaseUrl, ['--everything']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('usage: npm run keys');
  });
});
