/**
 * The videotron and kiosk mode (issue 13, item 4), on SQLite and PostgreSQL: the office's default
 * playlist (the most used permit types, the take-up, the announcement), its editing through the admin's
 * page and the JSON API with validation (400, nothing changed) and access (admin only), the public
 * screen /layar without sign-in, its refresh address cycling through the playlist, and this month's
 * digital take-up against a hand count over a fixed set of files.
 */
import type { Insertable } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureOffice } from '../../src/bootstrap.js';
import type { ApplicationsTable } from '../../src/db/schema.js';
import type { Slide } from '../../src/screens/screens.service.js';
import type { Role } from '../../src/workflow/workflow.schema.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, SECOND_OFFICE, type TestContext, userWithToken } from '../helpers/context.js';
import { type PageClient, signedInOfficer } from '../helpers/pages.js';

type Playlist = { slides: Slide[] };

/** Reads the screen's slide id, kind, refresh and next address from a /layar page. */
function screen(body: string) {
  const refresh = /<noscript><meta http-equiv="refresh" content="(\d+);url=([^"]+)"><\/noscript>/.exec(body);
  return {
    slide: /data-slide="([^"]+)"/.exec(body)?.[1],
    kind: /data-slide-kind="([^"]+)"/.exec(body)?.[1],
    seconds: refresh ? Number(refresh[1]) : null,
    next: refresh?.[2]?.replace(/&amp;/g, '&') ?? null,
    bodyClass: /<body class="([^"]+)"/.exec(body)?.[1],
  };
}

describe.each(DIALECTS)('videotron and kiosk screens (%s)', (dialect) => {
  let ctx: TestContext;
  const api = {} as Record<'admin' | 'verifier' | 'head', string>;
  const pages = {} as Record<'admin' | 'verifier', PageClient>;
  let adminId: string;

  const signedIn = (role: Role) => signedInOfficer(ctx, role, 'layar.izol.test');

  /** A filed application written as the channel's door would leave it; only channel, type and filing time matter here. */
  async function filed(tenantId: string, code: string, channel: ApplicationsTable['channel'], submittedAt: string | null): Promise<void> {
    const pt = await ctx.services.catalogue.getPermitType({ tenantId, code });
    const row: Insertable<ApplicationsTable> = {
      id: crypto.randomUUID(),
      tenant_id: tenantId,
      permit_type_id: pt.permitTypeId,
      permit_type_version_id: pt.versionId,
      permit_code: code,
      number: null,
      tracking_code: null,
      state: submittedAt ? 'submitted' : 'draft',
      channel,
      channel_detail: channel === 'assisted' ? 'whatsapp' : null,
      applicant_id: null,
      applicant_name: 'Warga Uji',
      applicant_contact: null,
      claim_code_hash: null,
      claim_expires_at: null,
      created_by: adminId,
      intake_officer_id: null,
      answers: '{}',
      fee_amount: null,
      payment_reference: null,
      fee_paid_at: null,
      inspection_result: null,
      inspection_recorded_at: null,
      idempotency_key: null,
      submitted_at: submittedAt,
      state_entered_at: submittedAt ?? '2026-11-01T00:00:00.000Z',
      decided_at: null,
      created_at: submittedAt ?? '2026-11-01T00:00:00.000Z',
      updated_at: submittedAt ?? '2026-11-01T00:00:00.000Z',
      revision: 1,
      assigned_to: null,
      inspection_scheduled_for: null,
      inspection_officer_id: null,
      renews_permit_id: null,
      sla_due_on: null,
    };
    await ctx.db.insertInto('applications').values(row).execute();
  }

  const playlist = async (token = api.admin) => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/screens/playlist', headers: auth(token) });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<Playlist>().slides;
  };
  const addSlide = (payload: unknown, token = api.admin) =>
    ctx.app.inject({ method: 'POST', url: '/api/v1/screens/playlist/slides', headers: auth(token), payload: payload as Record<string, unknown> });
  const slideRows = async () =>
    ctx.db.selectFrom('screen_slides').select(['id', 'position', 'kind', 'duration_seconds', 'text_id']).orderBy('position').orderBy('id').execute();
  const anon = (url: string) => ctx.app.inject({ method: 'GET', url });

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    // Today: 10:00 on 20 November 2026 in Jakarta (UTC+7).
    ctx.clock.set('2026-11-20T03:00:00.000Z');
    const admin = await userWithToken(ctx, 'admin');
    api.admin = admin.token;
    adminId = admin.userId;
    api.verifier = (await userWithToken(ctx, 'verifier')).token;
    api.head = (await userWithToken(ctx, 'head')).token;
    pages.admin = await signedIn('admin');
    pages.verifier = await signedIn('verifier');
    const malang = ctx.tenant.id;
    // November 2026 in Jakarta runs from 2026-10-31T17:00Z to 2026-11-30T17:00Z.
    await filed(malang, 'REKLAME', 'online', '2026-11-05T03:00:00.000Z');
    await filed(malang, 'REKLAME', 'online', '2026-11-19T10:00:00.000Z');
    await filed(malang, 'NIB', 'online', '2026-10-31T17:30:00.000Z'); // 00:30 on 1 November in Jakarta: counted
    await filed(malang, 'REKLAME', 'walk_in', '2026-11-10T02:00:00.000Z');
    await filed(malang, 'NIB', 'walk_in', '2026-11-20T02:00:00.000Z');
    await filed(malang, 'PBG', 'courier', '2026-11-12T04:00:00.000Z');
    await filed(malang, 'KERAMAIAN', 'assisted', '2026-11-15T05:00:00.000Z');
    await filed(malang, 'REKLAME', 'online', '2026-10-31T16:30:00.000Z'); // 23:30 on 31 October in Jakarta: October
    await filed(malang, 'NIB', 'online', '2026-10-10T03:00:00.000Z'); // October
    await filed(malang, 'PBG', 'online', null); // a draft never filed
    const batu = await ensureOffice(ctx.services, SECOND_OFFICE);
    await filed(batu.id, 'NIB', 'online', '2026-11-10T03:00:00.000Z'); // another office
  }, 240_000);
  afterAll(async () => ctx?.close());

  // The hand count for November 2026 in Kota Malang: online REKLAME ×2 and NIB ×1 (3) and assisted 1
  // (online with a helper: digital too) make 4 digital; walk-in 2, courier 1: 7 filed. October's, the
  // draft and Kota Batu's are not counted.
  const ONLINE = 4;
  const FILED = 7;

  it('makes the default playlist once: how to apply for the most used types, the take-up, the announcement', async () => {
    const slides = await playlist();
    const howTo = slides.filter((s) => s.kind === 'how_to_apply');
    // Filed in the last year: REKLAME 4, NIB 3, PBG 1, KERAMAIAN 1 (drafts are not counted).
    expect(howTo.map((s) => s.permitCode).slice(0, 2)).toEqual(['REKLAME', 'NIB']);
    expect(new Set(howTo.map((s) => s.permitCode))).toEqual(new Set(['REKLAME', 'NIB', 'PBG', 'KERAMAIAN']));
    expect(slides.map((s) => s.kind)).toEqual(['how_to_apply', 'how_to_apply', 'how_to_apply', 'how_to_apply', 'digital_take_up', 'announcement']);
    expect(slides.at(-1)!.text!.id).toContain('Ajukan izin secara online');
    expect(slides.every((s) => s.enabled && s.durationSeconds >= 5 && s.durationSeconds <= 120)).toBe(true);
    expect(await slideRows()).toHaveLength(6);
    // Asked again, nothing new is made.
    expect((await playlist()).map((s) => s.id)).toEqual(slides.map((s) => s.id));
  });

  it('shows /layar without sign-in, one slide per page, the refresh address cycling through the playlist twice', async () => {
    const slides = await playlist();
    const seen: string[] = [];
    let url = '/layar';
    for (let i = 0; i < slides.length * 2; i++) {
      const res = await anon(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      const s = screen(res.body);
      seen.push(s.slide!);
      expect(s.seconds).toBe(slides[i % slides.length]!.durationSeconds);
      expect(s.next).toBe(`/layar?slide=${(i + 1) % slides.length}`);
      expect(Buffer.byteLength(res.body)).toBeLessThan(50 * 1024);
      url = s.next!;
    }
    expect(seen).toEqual([...slides.map((s) => s.id), ...slides.map((s) => s.id)]);
    // Past the end starts again; a hand-edited slide number falls back to the first.
    expect(screen((await anon(`/layar?slide=${slides.length + 1}`)).body).slide).toBe(slides[1]!.id);
    expect(screen((await anon('/layar?slide=abc')).body).slide).toBe(slides[0]!.id);
    // A forced portrait screen keeps its orientation from slide to slide.
    const portrait = screen((await anon('/layar?slide=0&orientasi=potret')).body);
    expect(portrait.bodyClass).toBe('layar layar--potret');
    expect(portrait.next).toBe('/layar?slide=1&orientasi=potret');
  });

  it('shows each how-to slide with the type’s name, three steps, the required documents and a QR code to its guide', async () => {
    const first = (await anon('/layar?slide=0')).body;
    expect(first).toContain('Reklame');
    expect((/<ol class="layar__steps">([\s\S]*?)<\/ol>/.exec(first)?.[1]?.match(/<li>/g) ?? []).length).toBe(3);
    const type = await ctx.services.catalogue.getPermitType({ tenantId: ctx.tenant.id, code: 'REKLAME' });
    for (const r of type.definition.requirements.filter((x) => x.required).slice(0, 5)) expect(first).toContain(r.name.id);
    expect(first).toMatch(
      /<figure class="layar__qr" data-qr="http:\/\/localhost:3000\/izin\/REKLAME"><svg role="img" aria-label="Pindai untuk panduan lengkap: http:\/\/localhost:3000\/izin\/REKLAME"/,
    );
  });

  it('shows this month’s digital take-up as the hand count: online of all filed, in the office’s time zone', async () => {
    const slides = await playlist();
    const i = slides.findIndex((s) => s.kind === 'digital_take_up');
    const body = (await anon(`/layar?slide=${i}`)).body;
    expect(body).toContain(`data-take-up="${ONLINE}/${FILED}"`);
    expect(body).toContain(`${ONLINE} dari ${FILED} permohonan diajukan secara online (termasuk yang dibantu petugas)`);
    expect(body).toContain(`${Math.round((ONLINE * 100) / FILED)}%`);
    // December has nothing filed yet: "not yet recorded", not 0%.
    ctx.clock.set('2026-11-30T17:30:00.000Z');
    const december = (await anon(`/layar?slide=${i}`)).body;
    expect(december).toContain('data-take-up="none"');
    expect(december).toContain('Belum tercatat');
    ctx.clock.set('2026-11-20T03:00:00.000Z');
  });

  it('shows the queue’s now serving from the queue display, and the screen in English when the language is chosen', async () => {
    const added = await addSlide({ kind: 'now_serving', durationSeconds: 10 });
    expect(added.statusCode, added.body).toBe(201);
    const slides = await playlist();
    const i = slides.findIndex((s) => s.id === added.json<Slide>().id);
    const serving = await anon(`/layar?slide=${i}`);
    expect(serving.statusCode).toBe(200);
    expect(screen(serving.body)).toMatchObject({ kind: 'now_serving', seconds: 10, next: '/layar?slide=0' });
    expect(serving.body).toContain('Sedang dilayani');
    expect(serving.body).toContain('Belum ada nomor yang dipanggil.');
    const english = await ctx.app.inject({ method: 'GET', url: '/layar?slide=0', cookies: { '__Host-izol-lang': 'en' } });
    expect(english.body).toContain('<html lang="en">');
    expect(english.body).toContain('How to apply online');
    expect(english.body).toContain('Scan for the full guide');
    const takeUp = await ctx.app.inject({
      method: 'GET',
      url: `/layar?slide=${slides.findIndex((s) => s.kind === 'digital_take_up')}`,
      cookies: { '__Host-izol-lang': 'en' },
    });
    expect(takeUp.body).toContain(`${ONLINE} of ${FILED} applications were filed online (including those filed with help)`);
    expect((await ctx.app.inject({ method: 'DELETE', url: `/api/v1/screens/playlist/slides/${slides[i]!.id}`, headers: auth(api.admin) })).statusCode).toBe(
      204,
    );
  });

  it('refuses a bad slide through the API with a 400 naming the field, and changes nothing', async () => {
    const before = await slideRows();
    const bad: [unknown, string][] = [
      [{ kind: 'announcement', text: { id: 'Halo', en: 'Hello' }, durationSeconds: 4 }, 'durationSeconds'],
      [{ kind: 'announcement', text: { id: 'Halo', en: 'Hello' }, durationSeconds: 121 }, 'durationSeconds'],
      [{ kind: 'how_to_apply', durationSeconds: 20 }, 'permitCode'],
      [{ kind: 'how_to_apply', permitCode: 'XYZ', durationSeconds: 20 }, 'permitCode'],
      [{ kind: 'announcement', text: { id: 'Halo', en: '' }, durationSeconds: 10 }, 'text.en'],
      [{ kind: 'announcement', text: { id: 'x'.repeat(281), en: 'Hello' }, durationSeconds: 10 }, 'text.id'],
    ];
    for (const [payload, field] of bad) {
      const res = await addSlide(payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(
        res.json<{ errors: { field: string }[] }>().errors.map((e) => e.field),
        JSON.stringify(payload),
      ).toContain(field);
    }
    for (const payload of [
      { kind: 'video', durationSeconds: 10 },
      { kind: 'announcement', durationSeconds: 7.5, text: { id: 'a', en: 'b' } },
      { kind: 'digital_take_up' },
    ]) {
      expect((await addSlide(payload)).statusCode, JSON.stringify(payload)).toBe(400);
    }
    const slides = await playlist();
    const reorder = (slideIds: string[]) =>
      ctx.app.inject({ method: 'PUT', url: '/api/v1/screens/playlist/order', headers: auth(api.admin), payload: { slideIds } });
    expect((await reorder(slides.slice(1).map((s) => s.id))).statusCode).toBe(400);
    expect((await reorder([...slides.map((s) => s.id), slides[0]!.id])).statusCode).toBe(400);
    const edit = await ctx.app.inject({
      method: 'PUT',
      url: `/api/v1/screens/playlist/slides/${slides[0]!.id}`,
      headers: auth(api.admin),
      payload: { kind: 'how_to_apply', permitCode: 'REKLAME', durationSeconds: 500 },
    });
    expect(edit.statusCode).toBe(400);
    expect(await slideRows()).toEqual(before);
  });

  it('adds, edits, reorders and removes slides through the API', async () => {
    const added = await addSlide({ kind: 'now_serving', durationSeconds: 12 });
    expect(added.statusCode, added.body).toBe(201);
    const id = added.json<Slide>().id;
    let slides = await playlist();
    expect(slides.at(-1)).toMatchObject({ id, kind: 'now_serving', durationSeconds: 12, enabled: true });
    const edited = await ctx.app.inject({
      method: 'PUT',
      url: `/api/v1/screens/playlist/slides/${id}`,
      headers: auth(api.admin),
      payload: { kind: 'announcement', text: { id: 'Loket tutup pukul 15.00', en: 'The counters close at 3 pm' }, durationSeconds: 8, enabled: false },
    });
    expect(edited.statusCode, edited.body).toBe(200);
    slides = await playlist();
    expect(slides.at(-1)).toMatchObject({ id, kind: 'announcement', durationSeconds: 8, enabled: false, text: { id: 'Loket tutup pukul 15.00' } });
    // A slide that is not shown is skipped on the screen.
    const shown = slides.filter((s) => s.enabled).length;
    expect(screen((await anon(`/layar?slide=${shown - 1}`)).body).next).toBe('/layar?slide=0');
    const order = [id, ...slides.filter((s) => s.id !== id).map((s) => s.id)];
    const reordered = await ctx.app.inject({ method: 'PUT', url: '/api/v1/screens/playlist/order', headers: auth(api.admin), payload: { slideIds: order } });
    expect(reordered.statusCode, reordered.body).toBe(200);
    expect((await playlist()).map((s) => s.id)).toEqual(order);
    const removed = await ctx.app.inject({ method: 'DELETE', url: `/api/v1/screens/playlist/slides/${id}`, headers: auth(api.admin) });
    expect(removed.statusCode).toBe(204);
    expect((await ctx.app.inject({ method: 'DELETE', url: `/api/v1/screens/playlist/slides/${id}`, headers: auth(api.admin) })).statusCode).toBe(404);
    expect((await playlist()).map((s) => s.id)).toEqual(order.slice(1));
  });

  it('lets only the admin edit the playlist (API and page); others are refused and nothing changes', async () => {
    const before = await slideRows();
    const some = before[0]!.id;
    for (const token of [api.verifier, api.head]) {
      expect((await ctx.app.inject({ method: 'GET', url: '/api/v1/screens/playlist', headers: auth(token) })).statusCode).toBe(403);
      expect((await addSlide({ kind: 'now_serving', durationSeconds: 10 }, token)).statusCode).toBe(403);
      expect(
        (
          await ctx.app.inject({
            method: 'PUT',
            url: `/api/v1/screens/playlist/slides/${some}`,
            headers: auth(token),
            payload: { kind: 'now_serving', durationSeconds: 10 },
          })
        ).statusCode,
      ).toBe(403);
      expect((await ctx.app.inject({ method: 'DELETE', url: `/api/v1/screens/playlist/slides/${some}`, headers: auth(token) })).statusCode).toBe(403);
    }
    expect((await ctx.app.inject({ method: 'GET', url: '/api/v1/screens/playlist' })).statusCode).toBe(401);
    expect((await pages.verifier.get('/kantor/admin/layar')).statusCode).toBe(403);
    expect((await pages.verifier.post('/kantor/admin/layar/tambah', { kind: 'now_serving', duration: '10', enabled: 'yes' })).statusCode).toBe(403);
    expect((await pages.verifier.post(`/kantor/admin/layar/${some}/hapus`, {})).statusCode).toBe(403);
    // Signed out, the admin page asks for sign-in.
    const signedOut = await anon('/kantor/admin/layar');
    expect(signedOut.statusCode).toBe(303);
    expect(signedOut.headers.location).toContain('/akun/masuk');
    expect(await slideRows()).toEqual(before);
  });

  it('edits the playlist through the admin’s page, with clear messages on bad input and nothing changed', async () => {
    // The administration's home links to it.
    expect((await pages.admin.get('/kantor/admin')).body).toContain('href="/kantor/admin/layar"');
    const list = await pages.admin.get('/kantor/admin/layar');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('Daftar tayangan');
    expect(list.body).toContain('Ajukan izin secara online');
    const before = await slideRows();
    const bad = await pages.admin.post('/kantor/admin/layar/tambah', { kind: 'announcement', textId: 'Halo', textEn: 'Hello', duration: '3', enabled: 'yes' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Durasi harus bilangan bulat 5 sampai 120 detik');
    expect(bad.body).toContain('value="Halo"');
    const noText = await pages.admin.post('/kantor/admin/layar/tambah', { kind: 'announcement', textId: '', textEn: '', duration: '10', enabled: 'yes' });
    expect(noText.statusCode).toBe(400);
    expect(noText.body).toContain('Tulis teks pengumuman dalam bahasa Indonesia');
    const noType = await pages.admin.post('/kantor/admin/layar/tambah', { kind: 'how_to_apply', permitCode: '', duration: '10', enabled: 'yes' });
    expect(noType.statusCode).toBe(400);
    expect(noType.body).toContain('Pilih jenis izin yang dibuka kantor');
    expect(await slideRows()).toEqual(before);

    const ok = await pages.admin.post('/kantor/admin/layar/tambah', {
      kind: 'announcement',
      textId: 'Layanan Sabtu pukul 08.00–12.00',
      textEn: 'Saturday service 8 am to 12 noon',
      duration: '15',
      enabled: 'yes',
    });
    expect(ok.statusCode, ok.body).toBe(303);
    expect(ok.headers.location).toBe('/kantor/admin/layar?disimpan=1');
    const saved = await pages.admin.get('/kantor/admin/layar?disimpan=1');
    expect(saved.body).toContain('Daftar tayangan disimpan.');
    expect(saved.body).toContain('Layanan Sabtu pukul 08.00–12.00');
    const rows = await slideRows();
    const added = rows.at(-1)!;
    expect(added).toMatchObject({ kind: 'announcement', text_id: 'Layanan Sabtu pukul 08.00–12.00' });
    expect(Number(added.duration_seconds)).toBe(15);

    const editPage = await pages.admin.get(`/kantor/admin/layar/${added.id}`);
    expect(editPage.statusCode).toBe(200);
    expect(editPage.body).toContain('value="15"');
    const badEdit = await pages.admin.post(`/kantor/admin/layar/${added.id}`, {
      kind: 'announcement',
      textId: 'Layanan Sabtu',
      textEn: 'Saturday',
      duration: '200',
      enabled: 'yes',
    });
    expect(badEdit.statusCode).toBe(400);
    expect(badEdit.body).toContain('Durasi harus bilangan bulat 5 sampai 120 detik');
    expect(await slideRows()).toEqual(rows);
    expect(
      (
        await pages.admin.post(`/kantor/admin/layar/${added.id}`, {
          kind: 'announcement',
          textId: 'Layanan Sabtu',
          textEn: 'Saturday',
          duration: '30',
          enabled: 'yes',
        })
      ).statusCode,
    ).toBe(303);
    expect(Number((await slideRows()).at(-1)!.duration_seconds)).toBe(30);

    // Up one place, then down again; then removed.
    expect((await pages.admin.post(`/kantor/admin/layar/${added.id}/naik`, {})).statusCode).toBe(303);
    let ids = (await slideRows()).map((r) => r.id);
    expect(ids.indexOf(added.id)).toBe(ids.length - 2);
    expect((await pages.admin.post(`/kantor/admin/layar/${added.id}/turun`, {})).statusCode).toBe(303);
    ids = (await slideRows()).map((r) => r.id);
    expect(ids.indexOf(added.id)).toBe(ids.length - 1);
    expect((await pages.admin.post(`/kantor/admin/layar/${added.id}/hapus`, {})).statusCode).toBe(303);
    expect((await slideRows()).map((r) => r.id)).not.toContain(added.id);
  });

  it('keeps an emptied playlist empty; the screen then shows the invitation to apply online', async () => {
    for (const s of await playlist()) {
      expect((await ctx.app.inject({ method: 'DELETE', url: `/api/v1/screens/playlist/slides/${s.id}`, headers: auth(api.admin) })).statusCode).toBe(204);
    }
    const res = await anon('/layar');
    expect(res.statusCode).toBe(200);
    const s = screen(res.body);
    expect(s).toMatchObject({ slide: 'none', kind: 'announcement', seconds: 60, next: '/layar?slide=0' });
    expect(res.body).toContain('Ajukan izin secara online');
    expect(await playlist()).toEqual([]);
    expect((await pages.admin.get('/kantor/admin/layar')).body).toContain('Daftar tayangan kosong');
  });
});
