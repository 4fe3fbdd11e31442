import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpAt } from '../../src/auth/totp.js';
import type { Role } from '../../src/workflow/workflow.schema.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, enrollSecondFactor, json, type TestContext } from '../helpers/context.js';
import { act, readyDraft } from '../helpers/journeys.js';
import { PageClient } from '../helpers/pages.js';

type SlaView = { sla: { dueDate: string | null; provisional: boolean } };

/**
 * Issue 10, item 7: the seed calendar holds holidays up to 2026. From 1 November the head and the
 * admin are told 2027 is missing, and a due date that falls in 2027 is marked provisional for the
 * officer and the applicant, until the admin enters a 2027 holiday.
 */
describe.each(DIALECTS)('the calendar guard (%s)', (dialect) => {
  let ctx: TestContext;
  let head: PageClient;
  let admin: PageClient;
  let verifier: PageClient;
  const citizen = { token: '', email: 'warga.kalender@contoh.id', password: 'warga kalender rahasia panjang' };
  const password = (role: Role) => `${role} penjaga kalender kantor`;

  const ROLES_HERE: Role[] = ['head', 'admin', 'verifier', 'applicant'];
  const secrets = new Map<Role, string>();
  const emailOf = (role: Role) => `${role}.kalender@kantor.izol.test`;

  async function signedIn(role: Role): Promise<PageClient> {
    // Each role signs in from its own address: the sign-in page takes 10 posts a minute from one.
    const from = { remoteAddress: `10.0.0.${ROLES_HERE.indexOf(role) + 1}` };
    const page = new PageClient(ctx);
    expect((await page.post('/akun/masuk', { login: emailOf(role), password: password(role) }, from)).headers.location).toBe('/kantor/kode');
    expect((await page.post('/kantor/kode', { code: totpAt(secrets.get(role)!, ctx.clock.now()) }, from)).statusCode).toBe(303);
    return page;
  }

  /** Moves the clock and signs everyone in afresh (sessions do not outlive weeks). */
  async function at(iso: string): Promise<void> {
    ctx.clock.set(iso);
    [head, admin, verifier] = await Promise.all([signedIn('head'), signedIn('admin'), signedIn('verifier')]);
    const login = await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: citizen.email, password: citizen.password } });
    citizen.token = json<{ token: string }>(login).token;
  }

  /** A filed REKLAME application (14 working days) submitted at the test clock's now. */
  async function filed(): Promise<string> {
    const id = await readyDraft(ctx, citizen.token);
    const res = await act(ctx, citizen.token, id, 'submit');
    expect(res.statusCode, res.body).toBe(200);
    return id;
  }

  const view = async (id: string) => json<SlaView>(await ctx.app.inject({ method: 'GET', url: `/api/v1/applications/${id}`, headers: auth(citizen.token) }));

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    for (const role of ['head', 'admin', 'verifier'] as const) {
      const { userId } = await ctx.services.auth.createUser({
        tenantId: ctx.tenant.id,
        role,
        name: `Uji ${role}`,
        email: emailOf(role),
        password: password(role),
      });
      secrets.set(role, await enrollSecondFactor(ctx, userId));
    }
    await ctx.services.auth.createUser({
      tenantId: ctx.tenant.id,
      role: 'applicant',
      name: 'Warga Kalender',
      email: citizen.email,
      password: citizen.password,
    });
  });
  afterAll(async () => ctx?.close());

  it('says nothing in October, while next year is still far', async () => {
    await at('2026-10-30T03:00:00.000Z'); // Friday 30 October, 10:00 in Malang
    expect((await head.get('/kantor')).body).not.toContain('data-calendar-gap');
    expect((await admin.get('/kantor/admin')).body).not.toContain('data-calendar-gap');
  });

  it('from 1 November tells the head and the admin that the 2027 holidays are missing, and nobody else', async () => {
    await at('2026-11-02T03:00:00.000Z');
    const queue = await head.get('/kantor');
    expect(queue.statusCode).toBe(200);
    expect(queue.body).toContain('data-calendar-gap="2027"');
    expect(queue.body).toContain('Hari libur 2027 belum dimasukkan');
    expect(queue.body).toContain('Minta admin kantor memasukkannya.');
    const adminHome = await admin.get('/kantor/admin');
    expect(adminHome.body).toContain('data-calendar-gap="2027"');
    expect(adminHome.body).toContain('href="/kantor/admin/libur?tahun=2027"');
    expect((await verifier.get('/kantor')).body).not.toContain('data-calendar-gap');
  });

  it('marks a due date in 2027 as provisional on the case page, the applicant page and in the API, and a 2026 one not', async () => {
    await at('2026-11-02T04:00:00.000Z');
    const november = await filed();
    const early = await view(november);
    expect(early.sla.dueDate?.startsWith('2026-')).toBe(true);
    expect(early.sla.provisional).toBe(false);

    await at('2026-12-14T03:00:00.000Z');
    const december = await filed();
    const late = await view(december);
    expect(late.sla.dueDate?.startsWith('2027-')).toBe(true);
    expect(late.sla.provisional).toBe(true);

    const casePage = await head.get(`/kantor/berkas/${december}`);
    expect(casePage.body).toContain('data-sla-provisional');
    expect(casePage.body).toContain('sementara: hari libur tahun 2027 belum dimasukkan kantor');
    expect((await head.get(`/kantor/berkas/${november}`)).body).not.toContain('data-sla-provisional');

    const mine = new PageClient(ctx);
    const signIn = await mine.post('/akun/masuk', { login: citizen.email, password: citizen.password }, { remoteAddress: '10.0.0.4' });
    expect(signIn.statusCode, signIn.body.slice(0, 3000)).toBe(303);
    expect((await mine.get(`/permohonan/${december}`)).body).toContain('sementara: hari libur tahun 2027 belum dimasukkan kantor');
    expect((await mine.get(`/permohonan/${november}`)).body).not.toContain('sementara: hari libur');
  });

  it('stops warning once the admin enters a 2027 holiday, and the 2027 date is no longer provisional', async () => {
    await at('2026-12-14T04:00:00.000Z'); // a later authenticator step: each code works once
    const id = await filed();
    const saved = await admin.post('/kantor/admin/libur/simpan', {
      date: '2027-01-01',
      kind: 'national',
      name: 'Tahun Baru 2027 Masehi',
      decree: 'SKB 3 Menteri 2026',
    });
    expect(saved.statusCode, saved.body.slice(0, 3000)).toBe(303);
    expect((await head.get('/kantor')).body).not.toContain('data-calendar-gap');
    expect((await admin.get('/kantor/admin')).body).not.toContain('data-calendar-gap');
    const after = await view(id);
    expect(after.sla.dueDate?.startsWith('2027-')).toBe(true);
    expect(after.sla.provisional).toBe(false);
  });
});
