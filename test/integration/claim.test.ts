import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, json, type TestContext, uniqueNik, userWithToken } from '../helpers/context.js';
import { readyDraft } from '../helpers/journeys.js';
import { PageClient } from '../helpers/pages.js';

type AppView = { id: string; number: string; channel: string; channelDetail: string | null; applicantName: string; timeline: { action: string }[] };

describe.each(DIALECTS)('claiming a front-desk file into a citizen account (%s)', (dialect) => {
  let ctx: TestContext;
  let desk: string;
  let number = '';
  let id = '';
  let code = '';

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    desk = (await userWithToken(ctx, 'front_desk')).token;
  });
  afterAll(async () => ctx?.close());

  it('sends a claim code to the WhatsApp number recorded at the counter when the file is submitted', async () => {
    const bad = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/applications',
      headers: auth(desk),
      payload: { permitTypeCode: 'NIB', channel: 'assisted', channelDetail: 'instagram', applicantName: 'Bu Sri', applicantContact: 'bukan nomor' },
    });
    expect(bad.statusCode).toBe(400);
    id = await readyDraft(ctx, desk, 'NIB', { channel: 'assisted', channelDetail: 'instagram', applicantName: 'Bu Sri', applicantContact: '0812-3456-7000' });
    const submitted = json<AppView>(await ctx.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/submit`, headers: auth(desk) }));
    number = submitted.number;
    await ctx.services.outbox.drain();
    const mail = await ctx.db.selectFrom('notifications').selectAll().where('recipient', '=', '+6281234567000').executeTakeFirstOrThrow();
    expect(mail.channel).toBe('whatsapp');
    expect(mail.body).toContain(number);
    code = /kode klaim: ([0-9A-Z]{8})/.exec(mail.body)![1]!;
    const row = await ctx.db.selectFrom('applications').select(['claim_code_hash']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.claim_code_hash).not.toContain(code);
  });

  it('refuses a wrong code, then lets the citizen claim it: history kept, channel still assisted', async () => {
    const citizen = await userWithToken(ctx, 'applicant');
    const wrong = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/applications/claim',
      headers: auth(citizen.token),
      payload: { number, claimCode: 'AAAAAAAA' },
    });
    expect(wrong.statusCode).toBe(404);
    expect((await ctx.app.inject({ url: `/api/v1/applications/${id}`, headers: auth(citizen.token) })).statusCode).toBe(404);
    const ok = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/applications/claim',
      headers: auth(citizen.token),
      payload: { number, claimCode: code.toLowerCase() },
    });
    expect(ok.statusCode).toBe(200);
    const view = json<AppView>(ok);
    expect(view).toMatchObject({ id, number, channel: 'assisted', channelDetail: 'instagram', applicantName: 'Bu Sri' });
    expect(view.timeline.map((e) => e.action)).toEqual(['create', 'submit', 'claim']);
    const list = json<{ items: { id: string }[] }>(await ctx.app.inject({ url: '/api/v1/applications', headers: auth(citizen.token) }));
    expect(list.items.map((i) => i.id)).toContain(id);
    // The code is used up: nobody else can take the file.
    const other = await userWithToken(ctx, 'applicant');
    const again = await ctx.app.inject({ method: 'POST', url: '/api/v1/applications/claim', headers: auth(other.token), payload: { number, claimCode: code } });
    expect(again.statusCode).toBe(404);
    // Officers cannot claim.
    const officer = await ctx.app.inject({ method: 'POST', url: '/api/v1/applications/claim', headers: auth(desk), payload: { number, claimCode: code } });
    expect(officer.statusCode).toBe(403);
  });

  it('asks for both the number and the code on the claim page, in the visitor’s language, and keeps what was typed', async () => {
    const citizen = new PageClient(ctx);
    await citizen.post('/akun/daftar', { name: 'Tari', nik: uniqueNik(), email: 'tari.klaim@contoh.id', password: 'wedang jahe hangat', consent: 'yes' });
    await citizen.post('/bahasa', { lang: 'en', kembali: '/permohonan/klaim' });
    const empty = await citizen.post('/permohonan/klaim', { number: '  ', code: '' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('href="#f-number"');
    expect(empty.body).toContain('href="#f-code"');
    expect(empty.body).toContain('Application number');
    const wrong = await citizen.post('/permohonan/klaim', { number: 'MLG-NIB-2026-999999', code: 'ZZZZZZZZ' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('do not match');
    expect(wrong.body).toContain('value="MLG-NIB-2026-999999"');
    expect((await citizen.post('/permohonan/klaim', { number, code: 'ZZZZZZZZ' }, { csrf: false })).statusCode).toBe(403);
  });
});
