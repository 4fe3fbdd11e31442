import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, json, type TestContext, userWithToken } from '../helpers/context.js';
import { readyDraft } from '../helpers/journeys.js';
import { PageClient } from '../helpers/pages.js';

/** Tracking that forgives (issue 16, item 8): the number and the code as people really type them. */
describe.each(DIALECTS)('tracking that forgives (%s)', (dialect) => {
  let ctx: TestContext;
  let number = '';
  let code = '';
  let ip = 0;
  const visitor = () => new PageClient(ctx);
  const track = (n: string, c: string) => visitor().post('/lacak', { number: n, code: c }, { remoteAddress: `10.16.8.${++ip}` });

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    const citizen = await userWithToken(ctx, 'applicant');
    const id = await readyDraft(ctx, citizen.token, 'PBG');
    const submitted = json<{ number: string; trackingCode: string }>(
      await ctx.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/submit`, headers: auth(citizen.token) }),
    );
    number = submitted.number;
    code = submitted.trackingCode;
  });
  afterAll(async () => ctx?.close());

  it('gives new codes without I, L, O or U, the letters people misread', () => {
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/);
  });

  it('finds the file with the code in small letters, split by spaces and hyphens', async () => {
    const typed = `  ${code.slice(0, 4).toLowerCase()} - ${code.slice(4).toLowerCase()} `;
    const res = await track(number, typed);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`<h1>${number}</h1>`);
  });

  it('reads O as 0 and I or L as 1 in the code', async () => {
    // A code of the same file, with each 0 typed as the letter O and each 1 as I or l.
    const withDigits = `${code.slice(0, 6)}01`;
    await ctx.db.updateTable('applications').set({ tracking_code: withDigits }).where('number', '=', number).execute();
    code = withDigits;
    const res = await track(number, `${code.slice(0, 6)}oI`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`<h1>${number}</h1>`);
    expect((await track(number, `${code.slice(0, 6)}Ol`)).statusCode).toBe(200);
  });

  it('takes the number without the serial’s leading zeros, in any case, and over the API too', async () => {
    const [office, type, year, serial] = number.split('-') as [string, string, string, string];
    const short = `${office.toLowerCase()}-${type.toLowerCase()}-${year}-${Number(serial)}`;
    expect(short).not.toBe(number);
    const res = await track(short, code);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`<h1>${number}</h1>`);
    expect((await track(`${office} ${type} ${year} ${serial}`, code)).statusCode).toBe(200);
    const api = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/track',
      payload: { number: short, trackingCode: code.toLowerCase() },
      remoteAddress: '10.16.9.1',
    });
    expect(api.statusCode).toBe(200);
    expect(json<{ number: string }>(api).number).toBe(number);
  });

  it('gives one neutral message for a wrong code and for a number nobody has, saying nothing about which', async () => {
    const wrongCode = await track(number, 'ZZZZZZZZ');
    const [office, type, year] = number.split('-') as [string, string, string];
    const nobody = await track(`${office}-${type}-${year}-999999`, code);
    for (const res of [wrongCode, nobody]) {
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('Tidak ada permohonan dengan nomor dan kode lacak itu');
      expect(res.body).not.toContain('bukan nomor permohonan kantor ini');
    }
    // The two answers are the same page, apart from the number typed back into the form.
    const strip = (body: string) => body.replace(/value="[^"]*"/g, '').replace(/<input type="hidden"[^>]*>/g, '');
    expect(strip(nobody.body)).toBe(strip(wrongCode.body));
  });

  it('says the number is not this office’s format when it is not, which reveals nothing', async () => {
    for (const typed of ['12345', 'SBY-PBG-2026-000001', 'MLG-NOSUCH-2026-000001', 'MLG-PBG-000001']) {
      const res = await track(typed, code);
      expect(res.statusCode, typed).toBe(400);
      expect(res.body, typed).toContain('Ini bukan nomor permohonan kantor ini');
      expect(res.body, typed).toContain('href="#f-number"');
    }
  });
});
