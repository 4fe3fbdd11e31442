import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpAt } from '../../src/auth/totp.js';
import { ensureOffice } from '../../src/bootstrap.js';
import type { Tenant } from '../../src/db/schema.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, enrollSecondFactor, json, SECOND_OFFICE, type TestContext, userWithToken } from '../helpers/context.js';
import { readyDraft } from '../helpers/journeys.js';
import { PageClient } from '../helpers/pages.js';

type AppView = { permitType: { code: string; version: number }; sla: { dueDate: string | null; slaWorkingDays: number } };

/** Every admin page that answers a GET (the holiday date is in the seed table). */
const ADMIN_PAGES = [
  '/kantor/admin',
  '/kantor/admin/staf',
  '/kantor/admin/staf/baru',
  '/kantor/admin/izin',
  '/kantor/admin/izin/NIB/ubah',
  '/kantor/admin/libur',
  '/kantor/admin/libur/simpan',
  '/kantor/admin/libur/2026-12-25/hapus',
  '/kantor/admin/pengaturan',
];

describe.each(DIALECTS)('admin pages (%s)', (dialect) => {
  let ctx: TestContext;
  let batu: Tenant;
  const adminPassword = 'admin kantor malang rahasia';
  let adminId = '';
  let admin: PageClient;
  const verifierEmail = 'budi.verifikator@kantor.izol.id';
  const verifierPassword = 'budi memeriksa berkas setiap hari';
  let verifierId = '';
  let verifier: PageClient;
  let citizen: { token: string; userId: string };

  /** Officer sign-in through the pages, as a browser would: password, then the authenticator code. */
  async function signInWithCode(client: PageClient, email: string, password: string, secret: string): Promise<void> {
    const first = await client.post('/akun/masuk', { login: email, password });
    expect(first.headers.location).toBe('/kantor/kode');
    const code = await client.post('/kantor/kode', { code: totpAt(secret, ctx.clock.now()) });
    expect(code.statusCode).toBe(303);
    expect(code.headers.location).toBe('/kantor');
  }

  /** A new officer's first sign-in: password, then setting up the authenticator from the key on the page. */
  async function firstSignIn(client: PageClient, email: string, password: string): Promise<void> {
    const first = await client.post('/akun/masuk', { login: email, password });
    expect(first.headers.location).toBe('/kantor/atur-autentikator');
    const setup = await client.get('/kantor/atur-autentikator');
    const secret = /data-totp-secret>([A-Z2-7 ]+)</.exec(setup.body)![1]!.replace(/ /g, '');
    const done = await client.post('/kantor/atur-autentikator', { code: totpAt(secret, ctx.clock.now()) });
    expect(done.headers.location).toBe('/kantor');
  }

  const audits = (action: string, tenantId = ctx.tenant.id) =>
    ctx.db
      .selectFrom('audit_events')
      .select(['actor_id', 'subject_id', 'data'])
      .where('tenant_id', '=', tenantId)
      .where('action', '=', action)
      .orderBy('seq')
      .execute();

  async function filedApplication(code: string): Promise<string> {
    const id = await readyDraft(ctx, citizen.token, code);
    const res = await ctx.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/submit`, headers: auth(citizen.token) });
    expect(res.statusCode).toBe(200);
    return id;
  }
  /** One account's row in the staff list. */
  const staffRow = async (id: string) => new RegExp(`<tr data-staff="${id}">[\\s\\S]*?</tr>`).exec((await admin.get('/kantor/admin/staf')).body)?.[0] ?? '';
  const view = async (id: string) => json<AppView>(await ctx.app.inject({ method: 'GET', url: `/api/v1/applications/${id}`, headers: auth(citizen.token) }));

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    batu = await ensureOffice(ctx.services, SECOND_OFFICE);
    ({ userId: adminId } = await ctx.services.auth.createUser({
      tenantId: ctx.tenant.id,
      role: 'admin',
      name: 'Sari Admin Malang',
      email: 'sari.admin@kantor.izol.id',
      password: adminPassword,
    }));
    const secret = await enrollSecondFactor(ctx, adminId);
    admin = new PageClient(ctx);
    await signInWithCode(admin, 'sari.admin@kantor.izol.id', adminPassword, secret);
    citizen = await userWithToken(ctx, 'applicant');
  });
  afterAll(async () => ctx?.close());

  describe('access', () => {
    it('shows the admin index with a link to every section', async () => {
      const res = await admin.get('/kantor/admin');
      expect(res.statusCode).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      for (const href of ['/kantor/admin/staf', '/kantor/admin/izin', '/kantor/admin/libur', '/kantor/admin/pengaturan'])
        expect(res.body).toContain(`href="${href}"`);
    });

    it('sends someone not signed in to sign in, and back to the page after', async () => {
      const anonymous = new PageClient(ctx);
      for (const url of ADMIN_PAGES) {
        const res = await anonymous.get(url);
        expect(res.statusCode, url).toBe(303);
        expect(res.headers.location).toBe(`/akun/masuk?kembali=${encodeURIComponent(url)}`);
      }
      const post = await anonymous.post('/kantor/admin/pengaturan', { name: 'Diambil alih' });
      expect(post.statusCode).toBe(303);
      expect(post.headers.location).toMatch(/^\/akun\/masuk/);
    });

    it('refuses a form post without the anti-forgery token', async () => {
      const res = await admin.post('/kantor/admin/libur/simpan', { date: '2026-12-31', kind: 'local', name: 'Palsu', decree: 'Palsu' }, { csrf: false });
      expect(res.statusCode).toBe(403);
      expect(await ctx.db.selectFrom('holidays').select('date').where('tenant_id', '=', ctx.tenant.id).where('date', '=', '2026-12-31').execute()).toHaveLength(
        0,
      );
    });
  });

  describe('staff accounts', () => {
    it('re-shows the form with every problem and the values kept when the password is too short, and creates nothing', async () => {
      const res = await admin.post('/kantor/admin/staf/baru', { name: 'Budi <Verifikator>', email: verifierEmail, role: 'verifier', password: 'pendek' });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('class="error-summary"');
      expect(res.body).toContain('href="#f-password"');
      expect(res.body).toContain('Kata sandi awal: Terlalu pendek: paling sedikit 12 karakter.');
      expect(res.body).toContain('value="Budi &lt;Verifikator&gt;"');
      expect(res.body).toContain(`value="${verifierEmail}"`);
      expect(res.body).toMatch(/value="verifier" checked/);
      expect(res.body).not.toContain('value="pendek"');
      expect(await ctx.db.selectFrom('users').select('id').where('email', '=', verifierEmail).execute()).toHaveLength(0);

      const empty = await admin.post('/kantor/admin/staf/baru', { name: '', email: 'bukan-email', role: 'applicant', password: 'verifikator rahasia panjang' });
      expect(empty.statusCode).toBe(400);
      for (const f of ['name', 'email', 'role']) expect(empty.body).toContain(`href="#f-${f}"`);
      expect(await ctx.db.selectFrom('users').select('id').where('email', '=', 'bukan-email').execute()).toHaveLength(0);
    });

    it('creates a verifier, audited; the new officer signs in and is sent to set up an authenticator', async () => {
      const res = await admin.post('/kantor/admin/staf/baru', {
        name: 'Budi Verifikator',
        email: verifierEmail.toUpperCase(),
        role: 'verifier',
        password: verifierPassword,
      });
      expect(res.statusCode).toBe(303);
      const match = /^\/kantor\/admin\/staf\/([0-9a-f-]{36})\?ok=dibuat$/.exec(res.headers.location as string);
      expect(match).not.toBeNull();
      verifierId = match![1]!;
      const page = await admin.get(res.headers.location as string);
      expect(page.body).toContain('Akun sudah dibuat');
      const row = await staffRow(verifierId);
      expect(row).toContain('Budi Verifikator');
      expect(row).toContain(verifierEmail);
      expect(row).toContain('Verifikator');
      expect(row).toContain('Belum diatur');
      expect(row).toContain('Aktif');
      expect(await audits('user.created')).toContainEqual({ actor_id: adminId, subject_id: verifierId, data: '{"role":"verifier"}' });

      const again = await admin.post('/kantor/admin/staf/baru', {
        name: 'Budi Lain',
        email: verifierEmail,
        role: 'front_desk',
        password: 'akun ganda tidak boleh ada',
      });
      expect(again.statusCode).toBe(400);
      expect(again.body).toContain('Email kantor: sudah dipakai akun lain di kantor ini.');

      verifier = new PageClient(ctx);
      await firstSignIn(verifier, verifierEmail, verifierPassword);
      expect((await verifier.get('/kantor')).statusCode).toBe(200);
      expect(await staffRow(verifierId)).toContain('Sudah diatur');
    });

    it('gives a verifier the 403 page on every admin page and refuses its posts, changing nothing', async () => {
      for (const url of [...ADMIN_PAGES, `/kantor/admin/staf/${adminId}`]) {
        const res = await verifier.get(url);
        expect(res.statusCode, url).toBe(403);
        expect(res.body).toContain('Tidak diizinkan');
      }
      const posts: [string, Record<string, string>][] = [
        ['/kantor/admin/staf/baru', { name: 'Penyusup', email: 'penyusup@kantor.izol.id', role: 'admin', password: 'penyusup ingin jadi admin' }],
        [`/kantor/admin/staf/${verifierId}/peran`, { role: 'admin' }],
        [`/kantor/admin/staf/${verifierId}/jabatan`, { position: 'Kepala Dinas' }],
        [`/kantor/admin/staf/${adminId}/nonaktifkan`, {}],
        [`/kantor/admin/staf/${adminId}/faktor-kedua`, {}],
        ['/kantor/admin/izin/NIB/status', { enabled: '0' }],
        ['/kantor/admin/izin/NIB/ubah', { version: '1', definition: '{}' }],
        ['/kantor/admin/libur/simpan', { date: '2026-12-30', kind: 'local', name: 'Libur palsu', decree: 'Tidak ada' }],
        ['/kantor/admin/libur/2026-12-25/hapus', { reason: 'Tidak ada' }],
        ['/kantor/admin/pengaturan', { name: 'Diambil alih', timeZone: 'Asia/Jakarta', hostnames: 'localhost' }],
      ];
      for (const [url, form] of posts) expect((await verifier.post(url, form)).statusCode, url).toBe(403);
      const users = await ctx.db
        .selectFrom('users')
        .select(['id', 'role', 'position', 'disabled_at', 'totp_enabled_at'])
        .where('id', 'in', [adminId, verifierId])
        .execute();
      expect(users.find((u) => u.id === verifierId)).toMatchObject({ role: 'verifier', position: null });
      expect(users.find((u) => u.id === adminId)).toMatchObject({ disabled_at: null, totp_enabled_at: expect.any(String) as unknown });
      expect(await ctx.db.selectFrom('users').select('id').where('email', '=', 'penyusup@kantor.izol.id').execute()).toHaveLength(0);
      expect((await ctx.services.catalogue.getPermitType({ tenantId: ctx.tenant.id, code: 'NIB' })).enabled).toBe(true);
      expect(await ctx.db.selectFrom('holidays').select('date').where('date', 'in', ['2026-12-30']).execute()).toHaveLength(0);
      expect((await ctx.db.selectFrom('tenants').select('name').where('id', '=', ctx.tenant.id).executeTakeFirstOrThrow()).name).toBe('DPMPTSP Kota Malang');
    });

    it('changes a role, audited with the old and the new role; refuses a non-staff role and the admin’s own role', async () => {
      const res = await admin.post(`/kantor/admin/staf/${verifierId}/peran`, { role: 'technical' });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe(`/kantor/admin/staf/${verifierId}?ok=peran`);
      const page = await admin.get(res.headers.location as string);
      expect(page.body).toContain('Peran sudah diubah');
      expect(page.body).toMatch(/value="technical" checked/);
      expect(await audits('user.role_changed')).toEqual([{ actor_id: adminId, subject_id: verifierId, data: '{"from":"verifier","to":"technical"}' }]);

      const bad = await admin.post(`/kantor/admin/staf/${verifierId}/peran`, { role: 'applicant' });
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toContain('href="#f-role"');
      const own = await admin.post(`/kantor/admin/staf/${adminId}/peran`, { role: 'verifier' });
      expect(own.statusCode).toBe(400);
      expect(own.body).toContain('Anda tidak dapat melakukan ini pada akun Anda sendiri');
      const roles = await ctx.db.selectFrom('users').select(['id', 'role']).where('id', 'in', [adminId, verifierId]).execute();
      expect(Object.fromEntries(roles.map((r) => [r.id, r.role]))).toEqual({ [adminId]: 'admin', [verifierId]: 'technical' });
      expect(await audits('user.role_changed')).toHaveLength(1);
    });

    it('sets the position printed under an officer’s name on signed permits, audited; refuses one too long, changing nothing', async () => {
      const res = await admin.post(`/kantor/admin/staf/${verifierId}/jabatan`, { position: '  Kepala   Bidang Perizinan <b>Tertentu</b> ' });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe(`/kantor/admin/staf/${verifierId}?ok=jabatan`);
      const page = await admin.get(res.headers.location as string);
      expect(page.body).toContain('Jabatan disimpan');
      expect(page.body).toContain('Kepala Bidang Perizinan &lt;b&gt;Tertentu&lt;/b&gt;');
      expect(await audits('user.position_changed')).toEqual([
        { actor_id: adminId, subject_id: verifierId, data: '{"from":null,"to":"Kepala Bidang Perizinan <b>Tertentu</b>"}' },
      ]);
      const same = await admin.post(`/kantor/admin/staf/${verifierId}/jabatan`, { position: 'Kepala Bidang Perizinan <b>Tertentu</b>' });
      expect(same.headers.location).toBe(`/kantor/admin/staf/${verifierId}?ok=jabatan-sama`);

      const long = await admin.post(`/kantor/admin/staf/${verifierId}/jabatan`, { position: 'x'.repeat(161) });
      expect(long.statusCode).toBe(400);
      expect(long.body).toContain('href="#f-position"');
      const row = await ctx.db.selectFrom('users').select('position').where('id', '=', verifierId).executeTakeFirstOrThrow();
      expect(row.position).toBe('Kepala Bidang Perizinan <b>Tertentu</b>');
      expect(await audits('user.position_changed')).toHaveLength(1);
    });

    it('resets a second factor, audited: the officer’s sessions end and the next sign-in sets up a new authenticator', async () => {
      const res = await admin.post(`/kantor/admin/staf/${verifierId}/faktor-kedua`, {});
      expect(res.statusCode).toBe(303);
      expect((await admin.get(res.headers.location as string)).body).toContain('Faktor kedua sudah diatur ulang');
      expect(await audits('user.second_factor_reset')).toEqual([{ actor_id: adminId, subject_id: verifierId, data: '{}' }]);
      const gone = await verifier.get('/kantor');
      expect(gone.statusCode).toBe(303);
      expect(gone.headers.location).toMatch(/^\/akun\/masuk/);
      expect(await staffRow(verifierId)).toContain('Belum diatur');
      ctx.clock.advanceMinutes(0.5);
      await firstSignIn(verifier, verifierEmail, verifierPassword);
      expect((await verifier.get('/kantor')).statusCode).toBe(200);
    });

    it('disables an account: every session ends at once and the password no longer works', async () => {
      const res = await admin.post(`/kantor/admin/staf/${verifierId}/nonaktifkan`, {});
      expect(res.statusCode).toBe(303);
      const page = await admin.get(res.headers.location as string);
      expect(page.body).toContain('Akun sudah dinonaktifkan');
      expect(page.body).not.toContain(`action="/kantor/admin/staf/${verifierId}/nonaktifkan"`);
      expect(await audits('user.disabled')).toEqual([{ actor_id: adminId, subject_id: verifierId, data: '{}' }]);
      const live = await ctx.db.selectFrom('sessions').select('id').where('user_id', '=', verifierId).where('revoked_at', 'is', null).execute();
      expect(live).toHaveLength(0);
      const gone = await verifier.get('/kantor');
      expect(gone.statusCode).toBe(303);
      expect(gone.headers.location).toMatch(/^\/akun\/masuk/);
      const signIn = await verifier.post('/akun/masuk', { login: verifierEmail, password: verifierPassword });
      expect(signIn.statusCode).toBe(401);
      expect(await staffRow(verifierId)).toContain('Nonaktif');
    });

    it('does not let an admin disable or reset their own account', async () => {
      const res = await admin.post(`/kantor/admin/staf/${adminId}/nonaktifkan`, {});
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('class="error-summary"');
      expect(res.body).toContain('href="#akun-sendiri"');
      const reset = await admin.post(`/kantor/admin/staf/${adminId}/faktor-kedua`, {});
      expect(reset.statusCode).toBe(400);
      const me = await ctx.db.selectFrom('users').select(['disabled_at', 'totp_enabled_at']).where('id', '=', adminId).executeTakeFirstOrThrow();
      expect(me).toMatchObject({ disabled_at: null, totp_enabled_at: expect.any(String) as unknown });
      expect((await admin.get('/kantor/admin/staf')).statusCode).toBe(200);
      expect((await admin.get(`/kantor/admin/staf/${adminId}`)).body).toContain('Ini akun Anda sendiri');
    });
  });

  describe('holiday calendar', () => {
    it('lists a year’s holidays with kind and decree', async () => {
      const res = await admin.get('/kantor/admin/libur?tahun=2026');
      expect(res.statusCode).toBe(200);
      const row = /<tr data-holiday="2026-01-01">[\s\S]*?<\/tr>/.exec(res.body)![0];
      expect(row).toContain('Tahun Baru Masehi');
      expect(row).toContain('Libur nasional');
      expect(row).toContain('SKB 3 Menteri 2026');
      expect(res.body).toContain('data-holiday="2026-12-24"');
      expect(res.body).not.toContain('data-holiday="2025-');
      expect(res.body).toContain('href="/kantor/admin/libur?tahun=2025"');
    });

    it('wants every field and a real date, and saves nothing until then', async () => {
      const res = await admin.post('/kantor/admin/libur/simpan', { date: '2026-02-30', kind: 'holiday', name: ' ', decree: '' });
      expect(res.statusCode).toBe(400);
      for (const f of ['date', 'kind', 'name', 'decree']) expect(res.body).toContain(`href="#f-${f}"`);
      expect(res.body).toContain('value="2026-02-30"');
      expect(await ctx.db.selectFrom('holidays').select('date').where('date', '=', '2026-02-30').execute()).toHaveLength(0);
    });

    it('refuses a date that is not on the calendar in the form and in the service alike, saving nothing', async () => {
      const form = await admin.post('/kantor/admin/libur/simpan', { date: '2026-02-30', kind: 'local', name: 'Hari jadi kota', decree: 'Perwali 1/2026' });
      expect(form.statusCode).toBe(400);
      expect(form.body).toContain('href="#f-date"');
      expect(form.body).not.toContain('href="#f-name"');
      const actor = { userId: adminId, tenantId: ctx.tenant.id, role: 'admin' as const, name: 'Sari Admin Malang' };
      for (const date of ['2026-02-30', '2026-04-31', '2026-2-3', '2026-13-01']) {
        await expect(ctx.services.holidays.upsert({ actor, date, kind: 'local', name: 'Hari jadi kota', decree: 'Perwali 1/2026' })).rejects.toMatchObject({
          code: 'invalid_input',
          details: { fields: [{ field: 'date', code: 'invalid_date' }] },
        });
      }
      expect(
        await ctx.db
          .selectFrom('holidays')
          .select('date')
          .where('date', 'in', ['2026-02-30', '2026-04-31', '2026-03-02', '2026-05-01'])
          .where('kind', '=', 'local')
          .execute(),
      ).toHaveLength(0);
    });

    it('moves a filed application’s due date when a holiday is added, and back when it is removed; both audited', async () => {
      const id = await filedApplication('NIB');
      // Filed on Friday 20 November 2026; one working day: due on Monday the 23rd.
      expect((await view(id)).sla.dueDate).toBe('2026-11-23');

      const saved = await admin.post('/kantor/admin/libur/simpan', {
        date: '2026-11-23',
        kind: 'local',
        name: 'Hari Jadi Kota (uji)',
        decree: 'Keputusan Wali Kota Malang Nomor 1 Tahun 2026',
      });
      expect(saved.statusCode).toBe(303);
      expect(saved.headers.location).toBe('/kantor/admin/libur?tahun=2026&ok=disimpan&tanggal=2026-11-23');
      const list = await admin.get(saved.headers.location as string);
      expect(list.body).toContain('tenggat layanan mengikutinya');
      expect(/<tr data-holiday="2026-11-23">[\s\S]*?<\/tr>/.exec(list.body)![0]).toContain('Libur daerah');
      expect((await view(id)).sla.dueDate).toBe('2026-11-24');
      const [audit] = await audits('holiday.saved');
      expect(audit).toMatchObject({ actor_id: adminId, subject_id: '2026-11-23' });
      expect(JSON.parse(audit!.data)).toMatchObject({ kind: 'local', decree: 'Keputusan Wali Kota Malang Nomor 1 Tahun 2026' });

      // Correcting it: the form comes filled in, and saving the same date updates it.
      const form = await admin.get('/kantor/admin/libur/simpan?tanggal=2026-11-23');
      expect(form.body).toContain('value="Hari Jadi Kota (uji)"');
      await admin.post('/kantor/admin/libur/simpan', {
        date: '2026-11-23',
        kind: 'local',
        name: 'Hari Jadi Kota Malang',
        decree: 'Keputusan Wali Kota Malang Nomor 2 Tahun 2026',
      });
      expect((await ctx.services.holidays.list(ctx.tenant.id)).find((h) => h.date === '2026-11-23')).toMatchObject({
        name: 'Hari Jadi Kota Malang',
        decree: 'Keputusan Wali Kota Malang Nomor 2 Tahun 2026',
      });

      const confirm = await admin.get('/kantor/admin/libur/2026-11-23/hapus');
      expect(confirm.body).toContain('Hari Jadi Kota Malang');
      const noReason = await admin.post('/kantor/admin/libur/2026-11-23/hapus', { reason: '  ' });
      expect(noReason.statusCode).toBe(400);
      expect(noReason.body).toContain('href="#f-reason"');
      expect((await view(id)).sla.dueDate).toBe('2026-11-24');
      const removed = await admin.post('/kantor/admin/libur/2026-11-23/hapus', { reason: 'Keputusan Wali Kota Malang Nomor 3 Tahun 2026 (pembatalan)' });
      expect(removed.statusCode).toBe(303);
      expect((await view(id)).sla.dueDate).toBe('2026-11-23');
      expect(await audits('holiday.removed')).toEqual([
        { actor_id: adminId, subject_id: '2026-11-23', data: '{"decree":"Keputusan Wali Kota Malang Nomor 3 Tahun 2026 (pembatalan)"}' },
      ]);
      expect((await admin.get('/kantor/admin/libur/2026-11-23/hapus')).statusCode).toBe(404);
    });
  });

  describe('permit catalogue', () => {
    const definitionOf = async (code: string) => (await ctx.services.catalogue.getPermitType({ tenantId: ctx.tenant.id, code })).definition;
    const versionsOf = async (code: string) =>
      ctx.db
        .selectFrom('permit_type_versions')
        .innerJoin('permit_types', 'permit_types.id', 'permit_type_versions.permit_type_id')
        .select('permit_type_versions.version')
        .where('permit_types.tenant_id', '=', ctx.tenant.id)
        .where('permit_types.code', '=', code)
        .execute();

    it('lists every type with its version and whether it is enabled', async () => {
      const res = await admin.get('/kantor/admin/izin');
      expect(res.statusCode).toBe(200);
      const all = await ctx.services.catalogue.listPermitTypes({ tenantId: ctx.tenant.id, includeDisabled: true });
      for (const pt of all) expect(res.body).toContain(`data-permit-type="${pt.definition.code}"`);
      const row = /<tr data-permit-type="NIB">[\s\S]*?<\/tr>/.exec(res.body)![0];
      expect(row).toContain('<td>1</td>');
      expect(row).toContain('Aktif');
    });

    it('disabling a type takes it out of the public API; enabling brings it back; both audited', async () => {
      const codes = async () =>
        json<{ items: { code: string }[] }>(await ctx.app.inject({ method: 'GET', url: '/api/v1/permit-types' })).items.map((i) => i.code);
      expect(await codes()).toContain('REKLAME');
      const off = await admin.post('/kantor/admin/izin/REKLAME/status', { enabled: '0' });
      expect(off.statusCode).toBe(303);
      const list = await admin.get(off.headers.location as string);
      expect(list.body).toContain('REKLAME sudah nonaktif');
      expect(/<tr data-permit-type="REKLAME">[\s\S]*?<\/tr>/.exec(list.body)![0]).toContain('Nonaktif');
      expect(await codes()).not.toContain('REKLAME');
      await admin.post('/kantor/admin/izin/REKLAME/status', { enabled: '1' });
      expect(await codes()).toContain('REKLAME');
      const rows = [...(await audits('catalogue.disabled')), ...(await audits('catalogue.enabled'))];
      expect(rows).toEqual([
        { actor_id: adminId, subject_id: null, data: '{"code":"REKLAME"}' },
        { actor_id: adminId, subject_id: null, data: '{"code":"REKLAME"}' },
      ]);
    });

    it('shows the definition as pretty-printed, escaped JSON', async () => {
      const res = await admin.get('/kantor/admin/izin/NIB/ubah');
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('<textarea');
      expect(res.body).toContain('  &quot;code&quot;: &quot;NIB&quot;,');
      expect(res.body).toContain('name="version" value="1"');
      expect((await admin.get('/kantor/admin/izin/NOPE/ubah')).statusCode).toBe(404);
    });

    it('refuses text that is not JSON, keeping it (escaped), and publishes nothing', async () => {
      const text = '{ "code": "NIB", </textarea><script>alert(1)</script>';
      const res = await admin.post('/kantor/admin/izin/NIB/ubah', { version: '1', definition: text });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('class="error-summary"');
      expect(res.body).toContain('Bukan JSON yang valid');
      expect(res.body).not.toContain('<script>alert(1)</script>');
      expect(res.body).toContain('{ &quot;code&quot;: &quot;NIB&quot;, &lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(await versionsOf('NIB')).toHaveLength(1);
    });

    it('names each schema problem by its JSON path, refuses a changed code, and publishes nothing', async () => {
      const published = (await audits('catalogue.published')).length;
      const def = structuredClone(await definitionOf('NIB')) as unknown as { requirements: { maxSizeMb: number }[]; slaWorkingDays: unknown; code: string };
      def.requirements[0]!.maxSizeMb = 500;
      def.slaWorkingDays = 'two';
      const res = await admin.post('/kantor/admin/izin/NIB/ubah', { version: '1', definition: JSON.stringify(def, null, 2) });
      expect(res.statusCode).toBe(400);
      const summary = /<ul class="error-summary__list">([\s\S]*?)<\/ul>/.exec(res.body)![1]!;
      expect(summary).toContain('requirements[0].maxSizeMb: ');
      expect(summary).toContain('slaWorkingDays: ');
      expect(summary).toContain('href="#f-definition"');
      expect(res.body).toContain('&quot;maxSizeMb&quot;: 500');

      const renamed = { ...(await definitionOf('NIB')), code: 'NIBX' };
      const code = await admin.post('/kantor/admin/izin/NIB/ubah', { version: '1', definition: JSON.stringify(renamed) });
      expect(code.statusCode).toBe(400);
      expect(code.body).toContain('code: kode harus tetap NIB.');
      // A signer who could not take the workflow's signing action would leave its permits unsignable.
      const unsignable = { ...(await definitionOf('NIB')), signerRole: 'verifier' };
      const signer = await admin.post('/kantor/admin/izin/NIB/ubah', { version: '1', definition: JSON.stringify(unsignable) });
      expect(signer.statusCode).toBe(400);
      expect(signer.body).toContain('signerRole: ');
      expect(await versionsOf('NIB')).toHaveLength(1);
      expect(await audits('catalogue.published')).toHaveLength(published);
    });

    it('publishes a valid edit as version 2; an application filed before keeps version 1', async () => {
      const before = await filedApplication('NIB');
      const row = await ctx.db.selectFrom('applications').select('permit_type_version_id').where('id', '=', before).executeTakeFirstOrThrow();
      expect((await view(before)).permitType.version).toBe(1);

      const edited = { ...(await definitionOf('NIB')), slaWorkingDays: 2 };
      const res = await admin.post('/kantor/admin/izin/NIB/ubah', { version: '1', definition: JSON.stringify(edited, null, 2) });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/kantor/admin/izin?ok=terbit&kode=NIB&versi=2');
      expect((await admin.get(res.headers.location as string)).body).toContain('Versi 2 dari NIB sudah terbit.');
      const api = json<{ version: number; definition: { slaWorkingDays: number } }>(await ctx.app.inject({ method: 'GET', url: '/api/v1/permit-types/NIB' }));
      expect(api).toMatchObject({ version: 2, definition: { slaWorkingDays: 2 } });
      expect((await audits('catalogue.published')).at(-1)).toMatchObject({ actor_id: adminId, data: '{"code":"NIB","version":2}' });

      // The filed case keeps the version (and the deadline) it was filed under; a new one gets version 2.
      const kept = await view(before);
      expect(kept.permitType.version).toBe(1);
      expect(kept.sla.slaWorkingDays).toBe(1);
      expect(
        (await ctx.db.selectFrom('applications').select('permit_type_version_id').where('id', '=', before).executeTakeFirstOrThrow()).permit_type_version_id,
      ).toBe(row.permit_type_version_id);
      const after = await filedApplication('NIB');
      expect((await view(after)).permitType.version).toBe(2);

      // An edit begun on version 1 is now stale: refused, nothing published.
      const stale = await admin.post('/kantor/admin/izin/NIB/ubah', { version: '1', definition: JSON.stringify({ ...edited, slaWorkingDays: 3 }) });
      expect(stale.statusCode).toBe(409);
      expect(stale.body).toContain('Versi 2 terbit selama Anda mengubah');
      // Saving the unchanged definition publishes nothing.
      const same = await admin.post('/kantor/admin/izin/NIB/ubah', { version: '2', definition: JSON.stringify(edited) });
      expect(same.headers.location).toBe('/kantor/admin/izin?ok=sama');
      expect((await versionsOf('NIB')).map((v) => v.version).sort()).toEqual([1, 2]);
    });

    it('takes back the longest definition (PBG, over 10 000 characters) whole: sent back unchanged, it publishes nothing', async () => {
      const shown = JSON.stringify(await definitionOf('PBG'), null, 2);
      expect(shown.length).toBeGreaterThan(10_000);
      const res = await admin.post('/kantor/admin/izin/PBG/ubah', { version: '1', definition: shown });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/kantor/admin/izin?ok=sama');
      expect(await versionsOf('PBG')).toHaveLength(1);
    });
  });

  describe('office settings and a second office', () => {
    let batuAdmin: PageClient;
    let batuAdminId = '';
    const officeName = async (host: string) => /<span class="header__office">([^<]*)<\/span>/.exec((await new PageClient(ctx, host).get('/')).body)![1];

    beforeAll(async () => {
      ({ userId: batuAdminId } = await ctx.services.auth.createUser({
        tenantId: batu.id,
        role: 'admin',
        name: 'Joko Admin Batu',
        email: 'joko.admin@batu.izol.id',
        password: 'admin kantor batu rahasia',
      }));
      const secret = await enrollSecondFactor(ctx, batuAdminId);
      batuAdmin = new PageClient(ctx, 'batu.izol.test');
      await signInWithCode(batuAdmin, 'joko.admin@batu.izol.id', 'admin kantor batu rahasia', secret);
    });

    it('shows the current settings in the form', async () => {
      const res = await admin.get('/kantor/admin/pengaturan');
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('value="DPMPTSP Kota Malang"');
      expect(res.body).toContain('value="Asia/Jakarta"');
      expect(res.body).toMatch(/<textarea[^>]*name="hostnames"[^>]*>localhost\n127\.0\.0\.1\nmalang\.izol\.test<\/textarea>/);
      expect(res.body).toContain('value="0341-751942"');
      expect(res.body).toContain('<legend');
    });

    it('refuses an unknown time zone, a bad host name and another office’s host name, changing nothing', async () => {
      const form = {
        name: 'DPMPTSP Kota Malang',
        timeZone: 'Mars/Olympus',
        hostnames: 'localhost\nbad_host!\nmalang.izol.test',
        logoText: '',
        address: '',
        phone: '',
        email: '',
      };
      const res = await admin.post('/kantor/admin/pengaturan', form);
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('Zona waktu: &quot;Mars/Olympus&quot; tidak dikenal');
      expect(res.body).toContain('Nama host: &quot;bad_host!&quot; tidak valid');
      expect(res.body).toContain('href="#f-timeZone"');
      expect(res.body).toContain('href="#f-hostnames"');
      expect(res.body).toContain('value="Mars/Olympus"');
      const taken = await admin.post('/kantor/admin/pengaturan', { ...form, timeZone: 'Asia/Jakarta', hostnames: 'localhost\nbatu.izol.test' });
      expect(taken.statusCode).toBe(400);
      expect(taken.body).toContain('Nama host: &quot;batu.izol.test&quot; sudah dipakai kantor lain.');
      const row = await ctx.db.selectFrom('tenants').selectAll().where('id', '=', ctx.tenant.id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ time_zone: 'Asia/Jakarta', hostnames: ctx.tenant.hostnames, branding: ctx.tenant.branding });
      expect(await audits('tenant.settings_updated')).toHaveLength(0);
    });

    it('saves name, time zone and branding, audited, keeping the colour the form does not show', async () => {
      const res = await admin.post('/kantor/admin/pengaturan', {
        name: 'DPMPTSP Kota Malang (Mal Pelayanan Publik)',
        timeZone: 'asia/jakarta',
        hostnames: 'localhost\n127.0.0.1\nMALANG.izol.test\n\nmalang.izol.test',
        logoText: 'Izol Malang',
        address: 'Mal Pelayanan Publik, Jl. Merdeka Timur, Kota Malang',
        phone: '0341-751942',
        email: 'dpmptsp@malangkota.go.id',
      });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/kantor/admin/pengaturan?ok=disimpan');
      const page = await admin.get(res.headers.location as string);
      expect(page.body).toContain('Pengaturan kantor sudah disimpan.');
      expect(page.body).toContain('<span class="header__office">DPMPTSP Kota Malang (Mal Pelayanan Publik)</span>');
      const row = await ctx.db.selectFrom('tenants').selectAll().where('id', '=', ctx.tenant.id).executeTakeFirstOrThrow();
      expect(row.time_zone).toBe('Asia/Jakarta');
      expect(JSON.parse(row.hostnames)).toEqual(['localhost', '127.0.0.1', 'malang.izol.test']);
      expect(JSON.parse(row.branding)).toEqual({
        primaryColour: '#0b5394',
        logoText: 'Izol Malang',
        address: 'Mal Pelayanan Publik, Jl. Merdeka Timur, Kota Malang',
        phone: '0341-751942',
        email: 'dpmptsp@malangkota.go.id',
      });
      const [audit] = await audits('tenant.settings_updated');
      expect(audit).toMatchObject({ actor_id: adminId, subject_id: ctx.tenant.id });
      expect((JSON.parse(audit!.data) as { changed: string[] }).changed).toEqual(['name', 'branding']);
    });

    it('changing the host names changes which office a host resolves to', async () => {
      // Unknown host names fall back to the default office.
      expect(await officeName('izin.batu.test')).toBe('DPMPTSP Kota Malang (Mal Pelayanan Publik)');
      const form = {
        name: 'DPMPTSP Kota Batu',
        timeZone: 'Asia/Jakarta',
        hostnames: 'batu.izol.test\nizin.batu.test',
        logoText: 'Izol Kota Batu',
        address: '',
        phone: '',
        email: '',
      };
      const res = await batuAdmin.post('/kantor/admin/pengaturan', form);
      expect(res.statusCode).toBe(303);
      expect(await officeName('izin.batu.test')).toBe('DPMPTSP Kota Batu');
      expect(await audits('tenant.settings_updated', batu.id)).toEqual([expect.objectContaining({ actor_id: batuAdminId, subject_id: batu.id })]);
      // And back: without the name, the host is the default office's again.
      await batuAdmin.post('/kantor/admin/pengaturan', { ...form, hostnames: 'batu.izol.test' });
      expect(await officeName('izin.batu.test')).toBe('DPMPTSP Kota Malang (Mal Pelayanan Publik)');
    });

    it('shows another office’s admin only its own staff, and none of Malang’s accounts', async () => {
      const list = await batuAdmin.get('/kantor/admin/staf');
      expect(list.statusCode).toBe(200);
      expect(list.body).toContain('Joko Admin Batu');
      expect(list.body).not.toContain('Sari Admin Malang');
      expect(list.body).not.toContain('Budi Verifikator');
      expect(list.body.match(/<tr data-staff=/g)).toHaveLength(1);
      expect((await batuAdmin.get(`/kantor/admin/staf/${adminId}`)).statusCode).toBe(404);
      expect((await batuAdmin.post(`/kantor/admin/staf/${adminId}/nonaktifkan`, {})).statusCode).toBe(404);
      expect((await batuAdmin.post(`/kantor/admin/staf/${adminId}/faktor-kedua`, {})).statusCode).toBe(404);
      const me = await ctx.db.selectFrom('users').select(['disabled_at', 'totp_enabled_at']).where('id', '=', adminId).executeTakeFirstOrThrow();
      expect(me).toMatchObject({ disabled_at: null, totp_enabled_at: expect.any(String) as unknown });
      // Its holiday calendar and catalogue are its own too.
      const holidays = await batuAdmin.get('/kantor/admin/libur?tahun=2026');
      expect(holidays.body).not.toContain('Hari Jadi Kota Malang');
      expect(/<tr data-permit-type="NIB">[\s\S]*?<\/tr>/.exec((await batuAdmin.get('/kantor/admin/izin')).body)![0]).toContain('<td>1</td>');
    });
  });
});
